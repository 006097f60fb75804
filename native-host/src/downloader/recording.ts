import { promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * A live recording's file. yt-dlp has ffmpeg write it as MPEG-TS, which is playable up to
 * its last whole packet however the recording ends (a Stop, a crash, a kill); once it has
 * ended, it is remuxed into MP4 (streams copied, nothing re-encoded) when ffmpeg allows.
 */

/** Names a finished recording takes in its staging folder, before it is moved and named after its title. */
const TS_NAME = 'recording.ts';
const MP4_NAME = 'recording.mp4';

const TS_PACKET = 188;

/** MPEG-TS starts with a sync byte (0x47) at every 188th byte. */
export async function isMpegTs(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(TS_PACKET * 3);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead === 0) return false;
    for (let at = 0; at < bytesRead; at += TS_PACKET) if (buf[at] !== 0x47) return false;
    return true;
  } finally {
    await handle.close();
  }
}

/** Regular files (never links) directly in the staging folder and in its `part/`. */
async function stagingFiles(stagingDir: string): Promise<{ path: string; size: number }[]> {
  const found: { path: string; size: number }[] = [];
  for (const dir of [stagingDir, join(stagingDir, 'part')]) {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isFile()) continue;
      const st = await fs.lstat(join(dir, e.name)).catch(() => null);
      if (st?.isFile()) found.push({ path: join(dir, e.name), size: st.size });
    }
  }
  return found;
}

/** What a recording has written so far: its progress while yt-dlp says nothing (ffmpeg reports no bytes). */
export async function recordedBytes(stagingDir: string): Promise<number> {
  return (await stagingFiles(stagingDir)).reduce((sum, f) => sum + f.size, 0);
}

/**
 * The recording a stopped, failed or crashed recording left in its staging folder, or null
 * when it left nothing: a recording already finished here (`recording.ts` first: an MP4
 * beside it may be a remux cut short), else the largest file (`part/x.mp4.part`).
 */
export async function findRecording(stagingDir: string): Promise<string | null> {
  const files = (await stagingFiles(stagingDir)).filter((f) => f.size > 0);
  const ts = files.find((f) => f.path === join(stagingDir, TS_NAME));
  if (ts) return ts.path;
  files.sort((a, b) => b.size - a.size);
  return files[0]?.path ?? null;
}

export interface FinishOptions {
  /** ffmpeg, to remux MPEG-TS into MP4; null keeps the recording as `.ts`. */
  ffmpeg: string | null;
  /** Why a remux failed, for the log. */
  onRemuxFailed?: (why: string) => void;
}

/**
 * Makes a recording the file to keep, directly in its staging folder: MPEG-TS becomes
 * `recording.mp4` (or stays `recording.ts` without ffmpeg, or when the remux fails: the
 * TS is deleted only once the MP4 is whole); a file in another container (yt-dlp finished
 * it itself) is kept as it is. Returns its path.
 */
export async function finishRecording(stagingDir: string, file: string, o: FinishOptions): Promise<string> {
  const dir = resolve(stagingDir);
  if (!(await isMpegTs(file))) {
    if (dirname(resolve(file)) === dir) return file;
    const to = join(dir, basename(file).replace(/\.part$/, ''));
    await fs.rename(file, to);
    return to;
  }
  const ts = join(dir, TS_NAME);
  if (resolve(file) !== ts) await fs.rename(file, ts);
  if (!o.ffmpeg) return ts;
  const mp4 = join(dir, MP4_NAME);
  // Whatever is at that name goes (a link is removed, never written through).
  await fs.rm(mp4, { force: true });
  const { execa } = await import('execa');
  // Relative names with `file:` in the recording's folder: nothing in them is read as a protocol or expanded.
  const r = await execa(
    o.ffmpeg,
    ['-nostdin', '-hide_banner', '-v', 'error', '-y', '-i', `file:${TS_NAME}`, '-map', '0:v?', '-map', '0:a?', '-c', 'copy', '-f', 'mp4', `file:${MP4_NAME}`],
    { cwd: dir, reject: false, stdin: 'ignore' },
  );
  const made = await fs.stat(mp4).catch(() => null);
  if (r.exitCode === 0 && made && made.size > 0) {
    await fs.unlink(ts);
    return mp4;
  }
  o.onRemuxFailed?.(r.stderr.trim().split('\n').slice(-3).join(' ') || `ffmpeg exited with ${r.exitCode ?? r.signal}`);
  await fs.rm(mp4, { force: true });
  return ts;
}
