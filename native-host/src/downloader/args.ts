import { basename, dirname, relative } from 'node:path';
import { type Choice, FORMAT_ID_PATTERN, LANGUAGE_PATTERN } from '../../../shared/choice';
import type { Preset } from '../../../shared/job';
import { COOKIE_FILE } from './cookies';

export interface YtDlpOptions {
  url: string;
  /** The page the video was found on, sent as Referer. */
  referer: string | null;
  preset: Preset;
  /** How yt-dlp reaches ffmpeg (`ffmpegPlan`); null when there is none: only single-file formats then. */
  ffmpeg: FfmpegPlan | null;
  /** An exact choice made from a probe: it decides instead of the preset. */
  choice?: Choice | null;
  /** Download entry N (1-based) of the playlist at `url` rather than the URL itself. */
  playlistIndex?: number | null;
  /** A JavaScript runtime for sites that need one; only for a yt-dlp that knows `--js-runtimes`. */
  jsRuntime?: { kind: 'deno' | 'node'; path: string } | null;
  /** A live stream (found by the daemon before yt-dlp started): recorded, see `LIVE_ARGS`. */
  live?: boolean;
  /** Fragments of an HLS or DASH stream fetched at once (`-N`); 1: one after the other. */
  fragments?: number;
  /** A direct file through aria2c (its path) over this many connections (`fileDownloader` decides); null: yt-dlp's own downloader. */
  aria2c?: { path: string; connections: number } | null;
  /** The browser's cookies are in `COOKIE_FILE` in the staging folder. */
  cookies?: boolean;
}

/**
 * A direct file through aria2c, over `connections` connections in pieces of at least 1 MiB
 * (aria2c's default of 20 MiB would leave a 10 MB file in one piece); HLS and DASH stay with
 * yt-dlp's own downloader, which fetches their fragments in parallel (`-N`). aria2c reports
 * its progress on stdout once a second (`summary` lines the runner reads), and why it failed
 * there too, uncoloured. Its control file (`.part.aria2`) stays next to the partial file, in
 * the staging folder; it is saved every second, so that even a run killed outright resumes
 * from at most a second back (a pause interrupts aria2c first, which saves it: see
 * `GRACEFUL_SCHEDULE`). Like yt-dlp (`--ignore-config`), aria2c reads no config file of the
 * user's and no .netrc: these arguments alone decide what it does.
 */
function aria2cArgs(a: { path: string; connections: number }): string[] {
  const n = Math.min(16, Math.max(1, Math.floor(a.connections)));
  return [
    '--downloader',
    'aria2c',
    '--downloader',
    'dash,m3u8:native',
    '--external-downloader-args',
    `aria2c:-x${n} -s${n} -k1M --summary-interval=1 --console-log-level=warn --enable-color=false --auto-file-renaming=false --auto-save-interval=1 --no-conf=true --no-netrc=true`,
  ];
}

/**
 * Which downloader takes a direct file. A partial file aria2c left (its control file is
 * there) has holes where its connections had not got to: only aria2c, reading its control
 * file, continues it; yt-dlp's own downloader would append after the last byte and make a
 * corrupt copy. So such a partial is continued with aria2c whatever the setting says now,
 * or thrown away (`discard`) when aria2c is gone. A partial yt-dlp made is one run of bytes
 * from the start: aria2c continues it too (`-c`, which yt-dlp passes).
 */
export function fileDownloader(o: { aria2cPath: string | null; connections: number; aria2cPartial: boolean }): {
  aria2c: { path: string; connections: number } | null;
  discard: boolean;
} {
  if (o.aria2cPath && (o.connections > 1 || o.aria2cPartial)) return { aria2c: { path: o.aria2cPath, connections: o.connections }, discard: false };
  return { aria2c: null, discard: o.aria2cPartial };
}

/**
 * How yt-dlp 2023.03.04 records a live HLS stream its generic extractor takes for a video:
 * ffmpeg reads the playlist as it grows (`--downloader m3u8:ffmpeg`) and writes MPEG-TS
 * (`--hls-use-mpegts`: playable however it is cut off; the daemon remuxes it once it
 * ends); and the video is marked live (`is_live`, set from the always-present
 * `webpage_url`), so that an interrupt ends the recording as a success: yt-dlp asks ffmpeg
 * to finish (`q`), keeps the file and reports it, instead of failing with "Interrupted by user".
 */
const LIVE_ARGS = ['--downloader', 'm3u8:ffmpeg', '--hls-use-mpegts', '--parse-metadata', '%(webpage_url)s:(?P<is_live>.+)'];

/** Marks the lines of stdout that are ours (yt-dlp may print other things there). */
export const PROGRESS_PREFIX = 'VQP ';
export const FILE_PREFIX = 'VQF ';
export const INFO_PREFIX = 'VQI ';

/** Video and audio merged by ffmpeg when they come apart; `<=?` keeps formats of unknown height. */
const MERGED: Record<Preset, string> = {
  best: 'bv*+ba/b',
  '1080p': 'bv*[height<=?1080]+ba/b[height<=?1080]/b',
  '720p': 'bv*[height<=?720]+ba/b[height<=?720]/b',
  audio: 'ba/b',
};

/** Without ffmpeg nothing can be merged: a format that is one file already, or none. */
const SINGLE_FILE: Record<Preset, string> = {
  best: 'b',
  '1080p': 'b[height<=?1080]/b',
  '720p': 'b[height<=?720]/b',
  // Audio as the site has it (m4a, webm…); extracting it from a video needs ffmpeg.
  audio: 'ba',
};

const PROGRESS_FIELDS = 'status,downloaded_bytes,total_bytes,total_bytes_estimate,speed,eta,fragment_index,fragment_count,filename';
const INFO_FIELDS = 'title,id,extractor_key,webpage_url,is_live,requested_formats,filesize,filesize_approx,format_id,height,ext,thumbnail';

/**
 * The argument vector for one yt-dlp run, which runs in the job's staging folder. No path
 * is ever an argument: yt-dlp expands `$VAR` and `~` in the paths it is given, so a
 * download folder named `dl-$HOME` would send files elsewhere. Every path here is relative
 * to the staging folder (the working directory), and the output template names no folder.
 * No shell ever sees the vector; `--` ends the options so the URL can never be read as one;
 * user config files are ignored so that nothing but these arguments decides where files go.
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
    `video:${INFO_PREFIX}%(.{${INFO_FIELDS}})j`,
    '--print',
    `after_move:${FILE_PREFIX}%(filepath)j`,
    // Partial files in ./part, the finished file in . (the staging folder): on the destination's filesystem.
    '-P',
    'temp:part',
    '-o',
    '%(title).180B [%(id).40B].%(ext)s',
    '--continue',
    '--no-mtime',
    '--no-cache-dir',
    '--retries',
    '5',
    '--fragment-retries',
    '5',
    '--socket-timeout',
    '30',
    ...(o.choice ? choiceArgs(o.choice, o.ffmpeg !== null) : presetArgs(o.preset, o.ffmpeg !== null)),
  ];
  if (o.playlistIndex) args.push('--playlist-items', String(checkedIndex(o.playlistIndex)));
  if (o.ffmpeg?.location) args.push('--ffmpeg-location', o.ffmpeg.location);
  if (o.jsRuntime) args.push('--js-runtimes', `${o.jsRuntime.kind}:${o.jsRuntime.path}`);
  if (o.live) args.push(...LIVE_ARGS);
  else if (o.aria2c) args.push(...aria2cArgs(o.aria2c));
  if (o.fragments && o.fragments > 1) args.push('-N', String(Math.min(16, Math.floor(o.fragments))));
  if (o.referer) args.push('--referer', o.referer);
  if (o.cookies) args.push('--cookies', COOKIE_FILE);
  args.push('--', o.url);
  return args;
}

function presetArgs(preset: Preset, ffmpeg: boolean): string[] {
  const args = ['-f', (ffmpeg ? MERGED : SINGLE_FILE)[preset]];
  if (preset === 'audio' && ffmpeg) args.push('-x', '--audio-format', 'm4a');
  else if (ffmpeg) args.push('--merge-output-format', 'mp4/mkv');
  return args;
}

/** Checked again here, where they become arguments: whatever the schema let through, nothing else is passed on. */
function checked(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new Error(`Refusing ${what} ${JSON.stringify(value.slice(0, 80))} as a yt-dlp argument`);
  return value;
}

function checkedIndex(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`Refusing playlist index ${n} as a yt-dlp argument`);
  return n;
}

/** The format yt-dlp is asked for, for an exact choice. */
function choiceSelector(f: Choice['format'], ffmpeg: boolean): string {
  switch (f.kind) {
    case 'best':
      return ffmpeg ? MERGED.best : SINGLE_FILE.best;
    case 'height': {
      const h = checkedIndex(f.maxHeight);
      // No format that small: the smallest there is.
      return ffmpeg ? `bv*[height<=?${h}]+ba/b[height<=?${h}]/wv*+ba/w` : `b[height<=?${h}]/w`;
    }
    case 'format': {
      const id = checked(f.formatId, FORMAT_ID_PATTERN, 'format id');
      // A format without audio gets the best audio (yt-dlp adds none to one that has its own).
      return ffmpeg ? `${id}+ba/${id}` : id;
    }
    case 'audio':
      return f.formatId ? checked(f.formatId, FORMAT_ID_PATTERN, 'format id') : ffmpeg ? 'ba/b' : 'ba';
  }
}

/**
 * The arguments of an exact choice made from a probe: the format, how it is finished
 * (merged into mp4/mkv, or its audio taken out), and its subtitles.
 */
function choiceArgs(c: Choice, ffmpeg: boolean): string[] {
  const args = ['-f', choiceSelector(c.format, ffmpeg)];
  if (c.format.kind === 'audio') {
    // The chosen format's audio as it is; the best audio otherwise, as m4a (the audio preset).
    if (ffmpeg) args.push('-x', ...(c.format.formatId ? [] : ['--audio-format', 'm4a']));
  } else if (ffmpeg) args.push('--merge-output-format', 'mp4/mkv');
  const subs = c.subtitles;
  if (subs) {
    const langs = subs.languages.map((l) => checked(l, LANGUAGE_PATTERN, 'subtitle language')).join(',');
    args.push('--sub-langs', langs, '--write-subs');
    if (subs.automatic) args.push('--write-auto-subs');
    // Embedding needs ffmpeg; without it the subtitles are saved as files. Embedded, the files
    // go once they are in the video (yt-dlp keeps those asked for with --write-subs unless told).
    if (subs.mode === 'embed' && ffmpeg) args.push('--embed-subs', '--compat-options', 'no-keep-subs');
    else if (subs.fileFormat) args.push(...(ffmpeg ? ['--convert-subs', subs.fileFormat] : ['--sub-format', `${subs.fileFormat}/best`]));
  }
  return args;
}

/** How yt-dlp finds ffmpeg: on PATH (its folder put first), or by a relative path. */
export type FfmpegPlan = { pathDir: string; location: null } | { pathDir: null; location: string };

/**
 * yt-dlp expands `$VAR` (and a leading `~`) in `--ffmpeg-location`: an absolute path through
 * a folder such as `tools-$HOME` would be read as another path. A binary named ffmpeg is
 * found through PATH instead (PATH is never expanded); another name is given relative to
 * the staging folder, which leaves out the part of the path the two share. Null when even
 * that would be expanded: the caller says so.
 */
export function ffmpegPlan(ffmpegPath: string, stagingDir: string, platform: NodeJS.Platform = process.platform): FfmpegPlan | null {
  const name = basename(ffmpegPath).toLowerCase();
  if (name === 'ffmpeg' || name === 'ffmpeg.exe') return { pathDir: dirname(ffmpegPath), location: null };
  const rel = relative(stagingDir, ffmpegPath);
  const expandable = platform === 'win32' ? /[$%]/ : /\$/;
  if (expandable.test(rel) || rel.startsWith('~')) return null;
  return { pathDir: null, location: rel };
}
