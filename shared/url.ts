import { quote } from './quote';

/** Longest URL accepted for a download; far above any real page or media URL. */
export const MAX_URL_LENGTH = 8192;

export type UrlCheck =
  | { ok: true; url: string }
  | { ok: false; code: 'INVALID_URL' | 'URL_TOO_LONG'; message: string };

/**
 * Accepts only absolute http(s) URLs, and refuses anything that could be read as an
 * option or hide one: a leading `-`, whitespace, control characters. Returns the
 * normalised URL (WHATWG serialisation) that is handed to yt-dlp after `--`.
 */
export function checkDownloadUrl(input: unknown, field = 'url'): UrlCheck {
  if (typeof input !== 'string') {
    return { ok: false, code: 'INVALID_URL', message: `Expected \`${field}\` to be a string, got ${quote(input)}` };
  }
  if (input.length > MAX_URL_LENGTH) {
    return {
      ok: false,
      code: 'URL_TOO_LONG',
      message: `\`${field}\` is ${input.length} characters long, the limit is ${MAX_URL_LENGTH}: ${quote(input, 40)}`,
    };
  }
  if (input.startsWith('-')) {
    return { ok: false, code: 'INVALID_URL', message: `\`${field}\` ${quote(input)} starts with "-": only http and https URLs are accepted` };
  }
  const bad = input.search(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]/u);
  if (bad !== -1) {
    const code = input.codePointAt(bad) ?? 0;
    return {
      ok: false,
      code: 'INVALID_URL',
      message: `\`${field}\` ${quote(input)} contains whitespace or a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')}) at position ${bad}`,
    };
  }
  let parsed: URL;
  try {
    parsed = new URL(input);
  } catch {
    return { ok: false, code: 'INVALID_URL', message: `\`${field}\` ${quote(input)} is not an absolute URL: only http and https URLs are accepted` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return {
      ok: false,
      code: 'INVALID_URL',
      message: `\`${field}\` ${quote(input)} uses the scheme "${parsed.protocol.slice(0, -1)}": only http and https URLs are accepted`,
    };
  }
  if (!parsed.hostname) {
    return { ok: false, code: 'INVALID_URL', message: `\`${field}\` ${quote(input)} has no host` };
  }
  return { ok: true, url: parsed.href };
}
