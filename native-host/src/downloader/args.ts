import type { Preset } from '../../../shared/job';

export interface YtDlpOptions {
  url: string;
  /** The page the video was found on, sent as Referer. */
  referer: string | null;
  preset: Preset;
  /** The job's own folder: yt-dlp writes partial and finished files only here. */
  stagingDir: string;
  ffmpegPath: string | null;
}

/** Marks the lines of stdout that are ours (yt-dlp may print other things there). */
export const PROGRESS_PREFIX = 'VQP ';
export const FILE_PREFIX = 'VQF ';
export const INFO_PREFIX = 'VQI ';

const FORMATS: Record<Preset, string> = {
  best: 'bv*+ba/b',
  // `<=?` keeps formats whose height is unknown (a direct file link, most HLS variants without it).
  '1080p': 'bv*[height<=?1080]+ba/b[height<=?1080]/b',
  '720p': 'bv*[height<=?720]+ba/b[height<=?720]/b',
  audio: 'ba/b',
};

const PROGRESS_FIELDS = 'status,downloaded_bytes,total_bytes,total_bytes_estimate,speed,eta,fragment_index,fragment_count,filename';

/**
 * The argument vector for one yt-dlp run. No shell ever sees it; `--` ends the options so
 * the URL can never be read as one. User config files are ignored so that nothing but
 * these arguments decides where files go.
 */
export function buildYtDlpArgs(o: YtDlpOptions): string[] {
  const args = [
    '--ignore-config',
    '--no-playlist',
    '--newline',
    '--progress',
    '--no-color',
    '--progress-template',
    `download:${PROGRESS_PREFIX}%(progress.{${PROGRESS_FIELDS}})j %(info.format_id)j`,
    '--print',
    `video:${INFO_PREFIX}%(.{title,id,requested_formats,filesize,filesize_approx})j`,
    '--print',
    `after_move:${FILE_PREFIX}%(filepath)j`,
    // Partial files in <staging>/part, the finished file in <staging>: both on the destination's filesystem.
    '-P',
    o.stagingDir,
    '-P',
    `temp:${o.stagingDir}/part`,
    '-o',
    '%(title).180B [%(id).40B].%(ext)s',
    '--continue',
    '--no-mtime',
    '--retries',
    '5',
    '--fragment-retries',
    '5',
    '--socket-timeout',
    '30',
    '-f',
    FORMATS[o.preset],
  ];
  if (o.preset === 'audio') args.push('-x', '--audio-format', 'm4a');
  else args.push('--merge-output-format', 'mp4/mkv');
  if (o.ffmpegPath) args.push('--ffmpeg-location', o.ffmpegPath);
  if (o.referer) args.push('--referer', o.referer);
  args.push('--', o.url);
  return args;
}
