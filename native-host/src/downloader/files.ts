import { promises as fs } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export const STAGING_FOLDER = '.vidqueue-staging';

/** The job's own folder, inside the download folder so the final move is a rename. */
export function stagingDirFor(downloadDir: string, jobId: number): string {
  return join(downloadDir, STAGING_FOLDER, `job-${jobId}`);
}

/** True when `child` is `parent` or inside it, after resolving `..`. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

const MAX_NAME_BYTES = 200;

/**
 * A file name safe to create anywhere: no path separators, no control or bidirectional
 * override characters (which disguise extensions), no leading dot, at most 200 bytes.
 */
export function safeFileName(name: string): string {
  let clean = name
    .normalize('NFC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes or refuses
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[/\\]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  if (process.platform === 'win32') clean = clean.replace(/[<>:"|?*]/g, '_').replace(/[. ]+$/, '');
  if (!clean) clean = 'video';
  const ext = extname(clean).slice(0, 16);
  let stem = clean.slice(0, clean.length - ext.length) || 'video';
  while (Buffer.byteLength(stem + ext) > MAX_NAME_BYTES) stem = [...stem].slice(0, -1).join('');
  return stem + ext;
}

/**
 * The name a finished file goes by: the job's title with the extension of the file yt-dlp
 * made (`Cats on a boat.mp4`), the extension not repeated when the title ends with it.
 * `moveIntoPlace` makes it safe and unique.
 */
export function fileNameFor(title: string, ext: string): string {
  const stem = title.trim();
  return stem.toLowerCase().endsWith(ext.toLowerCase()) && stem.length > ext.length ? stem : `${stem}${ext}`;
}

/** `name.mp4`, `name (1).mp4`, `name (2).mp4`, … */
function candidateName(name: string, n: number): string {
  if (n === 0) return name;
  const ext = extname(name);
  return `${name.slice(0, name.length - ext.length)} (${n})${ext}`;
}

const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK', 'ENOSYS']);

/**
 * Moves a finished file into `destDir` under a unique name: an existing file is never
 * overwritten. A hard link claims the name atomically (it fails if the name exists);
 * where links are not supported, an exclusive create claims it and a rename fills it.
 */
export async function moveIntoPlace(src: string, destDir: string, name: string): Promise<string> {
  await ensureDir(destDir);
  const safe = safeFileName(name);
  let useLinks = true;
  for (let n = 0; n < 10_000; n++) {
    const dest = join(destDir, candidateName(safe, n));
    if (useLinks) {
      try {
        await fs.link(src, dest);
        await fs.unlink(src);
        return dest;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (code === 'EEXIST') continue;
        if (!LINK_UNSUPPORTED.has(code)) throw err;
        useLinks = false;
      }
    }
    let claimed: fs.FileHandle;
    try {
      claimed = await fs.open(dest, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    await claimed.close();
    try {
      await fs.rename(src, dest);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') {
        await fs.unlink(dest).catch(() => {});
        throw err;
      }
      try {
        await fs.copyFile(src, dest);
      } catch (copyErr) {
        await fs.unlink(dest).catch(() => {});
        throw copyErr;
      }
      await fs.unlink(src);
    }
    return dest;
  }
  throw new Error(`No free name for ${basename(safe)} in ${destDir}`);
}

/**
 * `mkdir -p` that always ends: Node's recursive mkdir can loop for ever on paths where
 * mkdir fails with ENOENT although the parent exists (inside /proc, for one).
 */
export async function ensureDir(dir: string): Promise<void> {
  const missing: string[] = [];
  let current = resolve(dir);
  for (;;) {
    try {
      const st = await fs.stat(current);
      if (!st.isDirectory()) throw Object.assign(new Error(`${current} is not a folder`), { code: 'ENOTDIR' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      missing.unshift(current);
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  for (const d of missing) {
    try {
      await fs.mkdir(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Removes a job's staging folder, and the staging root when it is left empty. */
export async function removeStaging(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
  const root = join(dir, '..');
  if (basename(root) === STAGING_FOLDER) await fs.rmdir(root).catch(() => {});
}
