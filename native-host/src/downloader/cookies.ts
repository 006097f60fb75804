/**
 * The browser's cookies for one download, handed to yt-dlp as a Netscape cookie file
 * (`--cookies`) in the job's private staging folder while it runs, and deleted as soon as
 * it exits. The file's name is relative to the staging folder yt-dlp runs in.
 */
import { constants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { type Cookie, hasControlCharacter } from '../../../shared/cookies';

export const COOKIE_FILE = 'cookies.txt';

/**
 * The text of a Netscape cookie file (what yt-dlp's `--cookies` reads): one line a cookie,
 * `domain  subdomains  path  secure  expires  name  value`, tab-separated. The schema
 * (`shared/cookies.ts`) keeps tabs and line breaks out of every field; they are checked
 * again here, since a stray one would add a cookie or a column.
 */
export function netscapeCookies(cookies: readonly Cookie[]): string {
  const lines = ['# Netscape HTTP Cookie File', '# Written by VidQueue for one download; deleted when it ends.', ''];
  for (const c of cookies) {
    const fields = [
      c.hostOnly ? c.domain.replace(/^\./, '') : c.domain.startsWith('.') ? c.domain : `.${c.domain}`,
      c.hostOnly ? 'FALSE' : 'TRUE',
      c.path,
      c.secure ? 'TRUE' : 'FALSE',
      String(c.expires === null ? 0 : Math.floor(c.expires)),
      c.name,
      c.value,
    ];
    if (fields.some((f) => hasControlCharacter(f))) throw new Error(`cookie ${JSON.stringify(c.name.slice(0, 40))}: a field holds a control character`);
    lines.push(fields.join('\t'));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the cookie file into the staging folder: a new file (never through a link), readable by the user alone. */
export async function writeCookieFile(stagingDir: string, cookies: readonly Cookie[]): Promise<void> {
  const path = join(stagingDir, COOKIE_FILE);
  await removeCookieFile(stagingDir);
  const handle = await fs.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
  try {
    await handle.writeFile(netscapeCookies(cookies));
  } finally {
    await handle.close();
  }
}

/** Deletes the cookie file, if there is one (a link is removed, never followed). */
export async function removeCookieFile(stagingDir: string): Promise<void> {
  await fs.rm(join(stagingDir, COOKIE_FILE), { force: true });
}
