import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/**
 * Media the tests download, made with ffmpeg once and kept between runs (the recipe's
 * version is in the folder name, so a changed recipe makes them anew).
 */
export const FIXTURE_DIR = join(process.env.VIDQUEUE_FIXTURES ?? join(tmpdir(), 'vidqueue-fixtures'), 'v3');

export const FIXTURES = {
  /** ~3 MB H.264+AAC MP4, 8 s, moov first: one file, byte-identical when downloaded. */
  progressive: 'progressive.mp4',
  /** The same clip as HLS: 8 segments of 1 s. */
  hls: 'hls/index.m3u8',
  /** Separate video and audio (DASH): yt-dlp downloads two streams and merges them with ffmpeg. */
  dash: 'dash/manifest.mpd',
} as const;

export async function ensureFixtures(dir = FIXTURE_DIR): Promise<string> {
  if (existsSync(join(dir, 'READY'))) return dir;
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'hls'), { recursive: true });
  mkdirSync(join(work, 'dash'), { recursive: true });
  const ff = (args: string[]) => execa('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { cwd: work });
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
  writeFileSync(join(work, 'READY'), new Date().toISOString());
  try {
    renameSync(work, dir);
  } catch {
    // Another worker made them first.
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}
