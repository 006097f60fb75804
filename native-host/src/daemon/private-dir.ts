import { chmodSync, existsSync, lstatSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { VidQueueError } from '../../../shared/errors';

/**
 * What is wrong with `dir` as a folder only we may use, or null (a missing folder is fine:
 * it is created). Changes nothing: `doctor` asks this too.
 */
export function privateDirProblem(dir: string): { detail: string; fix: string } | null {
  if (process.platform === 'win32') return null;
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? null : { detail: `${dir} cannot be read (${code})`, fix: `Check the permissions of ${dirname(dir)}` };
  }
  if (!st.isDirectory()) {
    return { detail: `${dir} is not a folder (a ${st.isSymbolicLink() ? 'symlink' : 'file'} is in its place)`, fix: `Remove it (rm '${dir}') and try again` };
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    return {
      detail: `${dir} belongs to user ${st.uid}, not to you (${uid}): another user could read or replace VidQueue's files there`,
      fix: `Remove it (sudo rm -r '${dir}') and try again`,
    };
  }
  return null;
}

/**
 * Makes sure `dir` is a real folder of ours that only we can read (0700). A folder owned
 * by someone else, or a symlink, is refused: another user could read or replace the socket.
 * Errors are DAEMON_UNAVAILABLE, saying what is wrong and what to do.
 */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    let code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    // A recursive mkdir says ENOENT for a read-only or forbidden parent: ask once more, plainly.
    if (code === 'ENOENT' && existsSync(dirname(dir))) {
      try {
        mkdirSync(dir, { mode: 0o700 });
      } catch (again) {
        code = (again as NodeJS.ErrnoException).code ?? code;
      }
    }
    if (code !== 'EEXIST' && code !== 'ENOTDIR') {
      throw new VidQueueError(
        'DAEMON_UNAVAILABLE',
        `VidQueue cannot create its folder ${dir} (${code}${code === 'EROFS' ? ': the disk is read-only' : ''}). Make its parent writable, or set VIDQUEUE_HOME to a folder you own.`,
      );
    }
  }
  const problem = privateDirProblem(dir);
  if (problem) throw new VidQueueError('DAEMON_UNAVAILABLE', `${problem.detail}. ${problem.fix}.`);
  if (process.platform !== 'win32' && (lstatSync(dir).mode & 0o777) !== 0o700) {
    try {
      chmodSync(dir, 0o700);
    } catch (err) {
      throw new VidQueueError('DAEMON_UNAVAILABLE', `VidQueue cannot make ${dir} private (${(err as NodeJS.ErrnoException).code}): run \`chmod 700 '${dir}'\``);
    }
  }
}
