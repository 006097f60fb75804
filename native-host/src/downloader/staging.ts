import { promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { VidQueueError } from '../../../shared/errors';
import { assertSafeMediaName } from './file-types';
import { STAGING_FOLDER, ensureDir } from './files';

/**
 * A job's staging folder is trusted only because the daemon made it: private (0700), a real
 * folder owned by this user, holding nothing but real files and folders. A symlink planted
 * in it (the folder itself, `part/`, a `.part` file, the final name) could make yt-dlp
 * write into, extend, or "complete" with a file outside the download folder.
 */

const uid = () => process.getuid?.();

const refused = (message: string) => new VidQueueError('OUTPUT_FAILED', message);

/** `<download dir>/.vidqueue-staging`: made private; a symlink in its place is removed (never followed). */
async function ensureStagingRoot(downloadDir: string): Promise<string> {
  await ensureDir(downloadDir);
  const root = join(downloadDir, STAGING_FOLDER);
  for (let attempt = 0; attempt < 3; attempt++) {
    let st: Awaited<ReturnType<typeof fs.lstat>>;
    try {
      st = await fs.lstat(root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await fs.mkdir(root, { mode: 0o700 }).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
      continue;
    }
    if (st.isSymbolicLink()) {
      await fs.unlink(root);
      continue;
    }
    if (!st.isDirectory()) throw refused(`${root} is in the way of VidQueue's staging folder (it is not a folder): move it elsewhere, then Retry.`);
    if (uid() !== undefined && st.uid !== uid()) {
      throw refused(`${root} belongs to user ${st.uid}, not to you: VidQueue cannot trust it with partial downloads. Remove it, then Retry.`);
    }
    if (process.platform !== 'win32' && (st.mode & 0o777) !== 0o700) await fs.chmod(root, 0o700);
    return root;
  }
  throw refused(`${root} keeps changing under VidQueue; remove it, then Retry.`);
}

/**
 * What is wrong with a staging folder, or null when it is sound: a private folder of ours
 * that holds only real files and folders of ours. Nothing is followed or changed.
 */
async function stagingProblem(dir: string): Promise<string | null> {
  let st: Awaited<ReturnType<typeof fs.lstat>>;
  try {
    st = await fs.lstat(dir);
  } catch (err) {
    return `it cannot be read (${(err as NodeJS.ErrnoException).code})`;
  }
  if (!st.isDirectory()) return st.isSymbolicLink() ? 'it is a symlink' : 'it is not a folder';
  if (uid() !== undefined && st.uid !== uid()) return `it belongs to user ${st.uid}`;
  if (process.platform !== 'win32' && (st.mode & 0o777) !== 0o700) return `it is not private (mode ${(st.mode & 0o777).toString(8)})`;
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (!entry.isFile()) return `${path} is ${entry.isSymbolicLink() ? 'a symlink' : 'not a regular file'}`;
      const est = await fs.lstat(path);
      if (uid() !== undefined && est.uid !== uid()) return `${path} belongs to user ${est.uid}`;
    }
  }
  return null;
}

/**
 * The job's staging folder, ready for yt-dlp. A folder recorded for the job (a paused or
 * interrupted download) is resumed only if it is sound; anything else found at its place
 * is removed (without following a link) and the folder is made afresh.
 */
export async function prepareStaging(dir: string, resume: boolean): Promise<{ resumed: boolean; discarded: string | null }> {
  // <download dir>/.vidqueue-staging/job-N: the root is the folder above.
  await ensureStagingRoot(dirname(dirname(dir)));
  let discarded: string | null = null;
  if (resume) {
    const problem = await stagingProblem(dir);
    if (problem === null) return { resumed: true, discarded: null };
    discarded = problem;
  }
  await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
  try {
    await fs.mkdir(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw refused(`${dir} appeared while VidQueue was making it: something else is writing there. Retry.`);
    throw err;
  }
  await fs.mkdir(join(dir, 'part'), { mode: 0o700 });
  return { resumed: false, discarded };
}

/**
 * The finished file yt-dlp reported (relative to the staging folder it ran in), checked:
 * directly in the staging folder, a real file of ours (not a link), of a media or subtitle
 * type. Returns its absolute path.
 */
export async function finishedFile(stagingDir: string, reported: string): Promise<string> {
  const file = resolve(stagingDir, reported);
  if (dirname(file) !== resolve(stagingDir)) throw refused(`yt-dlp reported a file outside the job's folder: ${reported}`);
  assertSafeMediaName(basename(file));
  const problem = await stagingProblem(stagingDir);
  if (problem) throw refused(`The job's folder ${stagingDir} was tampered with (${problem}); nothing was kept.`);
  const st = await fs.lstat(file).catch(() => null);
  if (!st?.isFile()) throw refused(`yt-dlp reported ${basename(file)} as finished, but it is ${st ? 'not a regular file' : 'not there'}; nothing was kept.`);
  if (st.nlink > 1) throw refused(`${basename(file)} is linked elsewhere too; nothing was kept.`);
  return file;
}

/** True when the staging folder holds a partial file aria2c left: its control file, `<name>.part.aria2`, is in `part/`. */
export async function hasAria2cPartial(stagingDir: string): Promise<boolean> {
  const names = await fs.readdir(join(stagingDir, 'part')).catch(() => [] as string[]);
  return names.some((n) => n.endsWith('.aria2'));
}
