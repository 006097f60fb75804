/**
 * The browser's cookies for the hosts of one download ("Use my browser login"), as the
 * extension reads them with the `cookies` API. A job carries them in its request only: the
 * daemon keeps them in memory and in a private file of the job's staging folder while
 * yt-dlp runs, never in the database, a log, an event or a reply.
 *
 * Closed and bounded: every field is checked so that no value can add a line or a column
 * to the Netscape cookie file yt-dlp reads (no tab, line break or control character).
 */
import * as v from 'valibot';

/** At most this many cookies a job (a site's login rarely needs more than a few dozen). */
export const MAX_COOKIES = 300;
const MAX_COOKIE_TEXT = 4096;

/** A tab, line break or other control character (C0 or DEL): what would add a column or a line to the cookie file. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** One field of one line of the cookie file. */
const Plain = (what: string, max: number) =>
  v.pipe(
    v.string(),
    v.maxLength(max),
    v.check((s) => !hasControlCharacter(s), `${what} must not contain tabs, line breaks or control characters`),
  );

export const CookieSchema = v.strictObject({
  /** `example.com` (host only) or `.example.com` (and its subdomains), as the browser has it; an IP or `[v6]` too. */
  domain: v.pipe(
    v.string(),
    v.minLength(1),
    v.maxLength(255),
    v.regex(/^\.?[A-Za-z0-9._\-[\]:]+$/, 'a cookie domain is a host name or address, with an optional leading "."'),
  ),
  /** Sent only to this host, not its subdomains. */
  hostOnly: v.boolean(),
  path: v.pipe(Plain('a cookie path', 1024), v.startsWith('/', 'a cookie path starts with "/"')),
  secure: v.boolean(),
  /** Seconds since 1970; null for a session cookie. */
  expires: v.nullable(v.pipe(v.number(), v.minValue(0), v.maxValue(253_402_300_799))),
  name: v.pipe(Plain('a cookie name', MAX_COOKIE_TEXT), v.minLength(1)),
  value: Plain('a cookie value', MAX_COOKIE_TEXT),
});

export type Cookie = v.InferOutput<typeof CookieSchema>;

export const CookiesSchema = v.pipe(v.array(CookieSchema), v.maxLength(MAX_COOKIES));

/** Fields whose value is never repeated in an error message (a cookie is a secret). */
export const SECRET_FIELDS = ['cookies'] as const;
