/**
 * "Use my browser login for downloads": when a job started from the browser carries the
 * cookies of its hosts (pure rules; the background reads the cookies, `login-cookies.ts`).
 *
 * - never: no cookie ever leaves the browser;
 * - ask (the default): only for sites the user allowed, which happens when a download
 *   failed for want of a login and they chose "Retry with my login for <site>";
 * - always: every download started from the browser carries them.
 */
import * as v from 'valibot';
import { type Cookie, CookieSchema, MAX_COOKIES } from '../../shared/cookies';
import type { Job } from '../../shared/job';

export const LOGIN_MODES = ['never', 'ask', 'always'] as const;
export type LoginMode = (typeof LOGIN_MODES)[number];

/** The failures a login may cure: the site asked for one (or for proof of not being a bot), or refused the file. */
const LOGIN_ERRORS: readonly string[] = ['LOGIN_REQUIRED', 'HTTP_403'];

/** A site as the user thinks of it: the host of the page, without `www.`. */
export function siteOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.hostname.toLowerCase().replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}

/** The site a job's login is about: its page's, else its file's. */
export const jobSite = (job: Pick<Job, 'url' | 'pageUrl'>): string | null => siteOf(job.pageUrl) ?? siteOf(job.url);

/** Whether a download for `site` carries the browser's cookies. */
export function sendsLogin(mode: LoginMode, allowed: readonly string[], site: string | null): boolean {
  if (site === null || mode === 'never') return false;
  return mode === 'always' || allowed.includes(site);
}

/**
 * "Retry with my login for <site>" for a job that failed for want of a login: null when
 * it is not offered (another failure, or logins are never used); `ask`: the user is asked
 * first (the site is not allowed yet).
 */
export function loginRetry(
  job: Pick<Job, 'status' | 'error' | 'url' | 'pageUrl'>,
  mode: LoginMode,
  allowed: readonly string[],
): { site: string; ask: boolean } | null {
  if (job.status !== 'failed' || !job.error || !LOGIN_ERRORS.includes(job.error.code) || mode === 'never') return null;
  const site = jobSite(job);
  if (site === null) return null;
  return { site, ask: !sendsLogin(mode, allowed, site) };
}

/** The addresses whose cookies a download needs: the file, the page and the frame it played in (http(s) only, once each). */
export function cookieUrls(where: { url: string; pageUrl?: string | null; referer?: string | null }): string[] {
  const urls = [where.url, where.pageUrl, where.referer].filter((u): u is string => typeof u === 'string' && siteOf(u) !== null);
  return [...new Set(urls)];
}

/** What the browser's `cookies` API gives (the fields used). */
export interface BrowserCookie {
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  session: boolean;
  expirationDate?: number;
  name: string;
  value: string;
}

/**
 * The browser's cookies as a job carries them: each once (the same cookie is sent to the
 * page and the file), and only those the daemon's schema takes (a value with a line break
 * is dropped, not sent); at most `MAX_COOKIES`.
 */
export function toJobCookies(found: readonly BrowserCookie[]): Cookie[] {
  const out = new Map<string, Cookie>();
  for (const c of found) {
    const cookie = {
      domain: c.domain,
      hostOnly: c.hostOnly,
      path: c.path || '/',
      secure: c.secure,
      expires: c.session || c.expirationDate === undefined ? null : Math.floor(c.expirationDate),
      name: c.name,
      value: c.value,
    };
    const checked = v.safeParse(CookieSchema, cookie);
    if (!checked.success) continue;
    out.set(`${cookie.domain}\u0000${cookie.path}\u0000${cookie.name}`, checked.output);
    if (out.size >= MAX_COOKIES) break;
  }
  return [...out.values()];
}
