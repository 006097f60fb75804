import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/**
 * Media the tests download, made with ffmpeg once and kept between runs (the recipe's
 * version is in the folder name, so a changed recipe makes them anew).
 */
export const FIXTURE_DIR = join(process.env.VIDQUEUE_FIXTURES ?? join(tmpdir(), 'vidqueue-fixtures'), 'v5');

export const FIXTURES = {
  /** ~3 MB H.264+AAC MP4, 8 s, moov first: one file, byte-identical when downloaded. */
  progressive: 'progressive.mp4',
  /** The same clip as HLS: 8 segments of 1 s. */
  hls: 'hls/index.m3u8',
  /** Separate video and audio (DASH): yt-dlp downloads two streams and merges them with ffmpeg. */
  dash: 'dash/manifest.mpd',
  /** An HLS master with two renditions, 640×360 (~0.8 Mb/s) and 1280×720 (~2 Mb/s), MPEG-TS segments of 1 s. */
  hlsMaster: 'hls-master/master.m3u8',
  /** The same two renditions as fragmented MP4 (an `init.mp4` and `.m4s` segments each). */
  hlsFmp4: 'hls-fmp4/master.m3u8',
  /** 40 s of 640×360 in MPEG-TS segments of 2 s (`live/seg000.ts`…): the media server plays them as a live stream. */
  liveSegments: 'live',
  /** A frame of the clip as a 320×180 JPEG: a `<video>`'s poster, a job's thumbnail. */
  poster: 'poster.jpg',
} as const;

/** Segments in the live clip, and their length. */
export const LIVE = { segments: 20, seconds: 2 } as const;

type Ffmpeg = (args: string[]) => Promise<unknown>;

/**
 * Makes `dir` once: in a folder of this process's own, with ffmpeg running there, then
 * marked READY and renamed into place, so that concurrent workers never see half of it.
 */
async function makeOnce(dir: string, make: (work: string, ff: Ffmpeg) => Promise<void>): Promise<string> {
  if (existsSync(join(dir, 'READY'))) return dir;
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  await make(work, (args) => execa('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { cwd: work }));
  writeFileSync(join(work, 'READY'), new Date().toISOString());
  try {
    renameSync(work, dir);
  } catch {
    // Another worker made it first.
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

export function ensureFixtures(dir = FIXTURE_DIR): Promise<string> {
  return makeOnce(dir, makeFixtures);
}

async function makeFixtures(work: string, ff: Ffmpeg): Promise<void> {
  mkdirSync(join(work, 'hls'), { recursive: true });
  mkdirSync(join(work, 'dash'), { recursive: true });
  for (const d of ['hls-master', 'hls-fmp4', 'live']) mkdirSync(join(work, d), { recursive: true });
  const source = ['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '8'];
  // Noise keeps the encoder from shrinking the clip: the size follows the bitrate.
  const video = [
    '-vf',
    'noise=alls=30:allf=t',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-b:v',
    '2800k',
    '-maxrate',
    '2800k',
    '-bufsize',
    '1400k',
    '-g',
    '25',
    '-keyint_min',
    '25',
    '-sc_threshold',
    '0',
    '-pix_fmt',
    'yuv420p',
  ];
  const audio = ['-c:a', 'aac', '-b:a', '96k'];
  await ff([...source, ...video, ...audio, '-movflags', '+faststart', '-shortest', FIXTURES.progressive]);
  await ff(['-ss', '1', '-i', FIXTURES.progressive, '-frames:v', '1', '-vf', 'scale=320:180', FIXTURES.poster]);
  await ff([
    '-i',
    FIXTURES.progressive,
    '-c',
    'copy',
    '-f',
    'hls',
    '-hls_time',
    '1',
    '-hls_playlist_type',
    'vod',
    '-hls_segment_filename',
    'hls/seg%03d.ts',
    FIXTURES.hls,
  ]);
  await ff([
    '-i',
    FIXTURES.progressive,
    '-map',
    '0:v',
    '-map',
    '0:a',
    '-c',
    'copy',
    '-f',
    'dash',
    '-seg_duration',
    '2',
    '-adaptation_sets',
    'id=0,streams=v id=1,streams=a',
    FIXTURES.dash,
  ]);
  // Two renditions of one 8 s clip (each with its own audio), for masters: TS, then fMP4.
  const renditions = [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1280x720:rate=25',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=660:sample_rate=44100',
    '-t',
    '8',
    '-filter_complex',
    '[0:v]noise=alls=20:allf=t,split=2[a][b];[a]scale=640:360[v0];[b]null[v1]',
    '-map',
    '[v0]',
    '-map',
    '1:a',
    '-map',
    '[v1]',
    '-map',
    '1:a',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '25',
    '-keyint_min',
    '25',
    '-sc_threshold',
    '0',
    '-pix_fmt',
    'yuv420p',
    '-b:v:0',
    '800k',
    '-maxrate:v:0',
    '800k',
    '-bufsize:v:0',
    '400k',
    '-b:v:1',
    '2000k',
    '-maxrate:v:1',
    '2000k',
    '-bufsize:v:1',
    '1000k',
    '-c:a',
    'aac',
    '-b:a',
    '96k',
    '-f',
    'hls',
    '-hls_time',
    '1',
    '-hls_playlist_type',
    'vod',
    '-master_pl_name',
    'master.m3u8',
    '-var_stream_map',
    'v:0,a:0,name:360p v:1,a:1,name:720p',
  ];
  await ff([...renditions, '-hls_segment_filename', 'hls-master/%v/seg%03d.ts', 'hls-master/%v/index.m3u8']);
  await ff([
    ...renditions,
    '-hls_segment_type',
    'fmp4',
    '-hls_fmp4_init_filename',
    'init.mp4',
    '-hls_segment_filename',
    'hls-fmp4/%v/seg%03d.m4s',
    'hls-fmp4/%v/index.m3u8',
  ]);
  // A longer, lighter clip for the live stream.
  await ff([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=25',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=330:sample_rate=44100',
    '-t',
    String(LIVE.segments * LIVE.seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-b:v',
    '600k',
    '-g',
    '50',
    '-keyint_min',
    '50',
    '-sc_threshold',
    '0',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '64k',
    '-f',
    'hls',
    '-hls_time',
    String(LIVE.seconds),
    '-hls_playlist_type',
    'vod',
    '-hls_segment_filename',
    'live/seg%03d.ts',
    'live/all.m3u8',
  ]);
}

/** The benchmark's clips: made only when `npm run bench -- throttled` first asks (the tests never do). */
export const BENCH_CLIPS = {
  /** ~10 MB H.264+AAC MP4, 20 s, moov first. */
  progressive: 'progressive-10mb.mp4',
  /** The same clip as HLS: 10 segments of 2 s (~1 MB each). */
  hls: 'hls-10mb/index.m3u8',
} as const;

export function ensureBenchClips(dir = join(FIXTURE_DIR, '..', 'bench-v1')): Promise<string> {
  return makeOnce(dir, makeBenchClips);
}

async function makeBenchClips(work: string, ff: Ffmpeg): Promise<void> {
  mkdirSync(join(work, 'hls-10mb'), { recursive: true });
  await ff([
    ...['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '20'],
    ...['-vf', 'noise=alls=30:allf=t', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '3900k', '-maxrate', '3900k', '-bufsize', '2000k'],
    ...['-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k'],
    ...['-movflags', '+faststart', '-shortest', BENCH_CLIPS.progressive],
  ]);
  await ff([
    ...['-i', BENCH_CLIPS.progressive, '-c', 'copy', '-f', 'hls', '-hls_time', '2', '-hls_playlist_type', 'vod'],
    ...['-hls_segment_filename', 'hls-10mb/seg%03d.ts', BENCH_CLIPS.hls],
  ]);
}
