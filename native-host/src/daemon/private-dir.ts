import { chmodSync, lstatSync, mkdirSync } from 'node:fs';

/**
 * Makes sure `dir` is a real folder of ours that only we can read (0700). A folder owned
 * by someone else, or a symlink, is refused: another user could read or replace the socket.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a folder (a symlink or a file is in its place); remove it and try again`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) throw new Error(`${dir} belongs to user ${st.uid}, not to you (${uid}); remove it and try again`);
  if ((st.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}
