import { quote } from './quote';

/** Longest URL accepted for a download; far above any real page or media URL. */
export const MAX_URL_LENGTH = 8192;

export type UrlCheck =
  | { ok: true; url: string }
  | {
      ok: false;
      code: 'INVALID_URL' | 'URL_TOO_LONG';
      /** Why, starting with the quoted value: for a message that names the field itself. */
      reason: string;
      /** The reason with the field's name in front. */
      message: string;
    };

/**
 * Accepts only absolute http(s) URLs written with their `//` and a host, and refuses
 * anything that could be read as an option or hide one: a leading `-`, whitespace,
 * control characters. Returns the normalised URL (WHATWG serialisation) that is handed
 * to yt-dlp after `--`. A URL is never repaired into another one: `http:///path` and
 * `https:host` would parse as `http://path/` and `https://host/`, so they are refused.
 */
export function checkDownloadUrl(input: unknown, field = 'url'): UrlCheck {
  const fail = (code: 'INVALID_URL' | 'URL_TOO_LONG', reason: string): UrlCheck => ({ ok: false, code, reason, message: `\`${field}\` ${reason}` });
  if (typeof input !== 'string') return fail('INVALID_URL', `must be a string, got ${quote(input)}`);
  if (input.length > MAX_URL_LENGTH) {
    return fail('URL_TOO_LONG', `is ${input.length} characters long, the limit is ${MAX_URL_LENGTH}: ${quote(input, 40)}`);
  }
  if (input.startsWith('-')) return fail('INVALID_URL', `${quote(input)} starts with "-": only http and https URLs are accepted`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes or refuses
  const bad = input.search(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]/u);
  if (bad !== -1) {
    const code = input.codePointAt(bad) ?? 0;
    return fail(
      'INVALID_URL',
      `${quote(input)} contains whitespace or a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')}) at position ${bad}`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(input);
  } catch {
    return fail('INVALID_URL', `${quote(input)} is not an absolute URL: only http and https URLs are accepted`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return fail('INVALID_URL', `${quote(input)} uses the scheme "${parsed.protocol.slice(0, -1)}": only http and https URLs are accepted`);
  }
  // The host must be written where it belongs, right after "scheme://".
  const authority = /^https?:\/\/([^/\\?#]*)/i.exec(input);
  if (!authority || !parsed.hostname) return fail('INVALID_URL', `${quote(input)} has no host: write it as http://host/path`);
  if (!authority[1]!.replace(/^[^@]*@/, '').replace(/:\d*$/, '')) return fail('INVALID_URL', `${quote(input)} has no host: write it as http://host/path`);
  return { ok: true, url: parsed.href };
}
