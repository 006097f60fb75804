import { type JobProgress, emptyProgress } from '../../../shared/job';
import { FILE_PREFIX, INFO_PREFIX, PROGRESS_PREFIX } from './args';

/** One progress line of yt-dlp, as printed by our `--progress-template`. */
export interface RawProgress {
  status: string;
  downloaded_bytes?: number | null;
  total_bytes?: number | null;
  total_bytes_estimate?: number | null;
  speed?: number | null;
  eta?: number | null;
  fragment_index?: number | null;
  fragment_count?: number | null;
  filename?: string | null;
}

export interface RawInfo {
  title?: string | null;
  /** Which extractor: `Generic` knows nothing of the site (its title is a file name). */
  extractor_key?: string | null;
  /** An extractor says the video is a live stream (any truthy value: `--parse-metadata` sets a string). */
  is_live?: unknown;
  id?: string | null;
  webpage_url?: string | null;
  filesize?: number | null;
  filesize_approx?: number | null;
  format_id?: string | null;
  height?: number | null;
  ext?: string | null;
  /** Checked before use (http or https only): it comes from the site. */
  thumbnail?: unknown;
}

export interface RawFormat {
  format_id?: string | null;
  filesize?: number | null;
  filesize_approx?: number | null;
}

export type OutputLine =
  | { kind: 'progress'; progress: RawProgress; formatId: string | null }
  | { kind: 'info'; info: RawInfo; formats: RawFormat[] }
  | { kind: 'file'; path: string };

/** Reads one line of yt-dlp's stdout; lines that are not ours, or are malformed, give null. */
export function parseOutputLine(line: string): OutputLine | null {
  try {
    if (line.startsWith(PROGRESS_PREFIX)) {
      const [progress, formatId] = splitJsonPair(line.slice(PROGRESS_PREFIX.length));
      if (!isObject(progress) || typeof progress.status !== 'string') return null;
      return { kind: 'progress', progress: progress as unknown as RawProgress, formatId: typeof formatId === 'string' ? formatId : null };
    }
    if (line.startsWith(INFO_PREFIX)) {
      const [info, formats] = splitJsonPair(line.slice(INFO_PREFIX.length));
      if (!isObject(info)) return null;
      return { kind: 'info', info: info as RawInfo, formats: Array.isArray(formats) ? formats.filter(isObject) : [] };
    }
    if (line.startsWith(FILE_PREFIX)) {
      const path = JSON.parse(line.slice(FILE_PREFIX.length));
      return typeof path === 'string' && path.length > 0 ? { kind: 'file', path } : null;
    }
    if (line.startsWith('[#')) {
      const progress = parseAria2Readout(line);
      return progress ? { kind: 'progress', progress, formatId: null } : null;
    }
  } catch {
    return null;
  }
  return null;
}

const UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
const ARIA2_READOUT =
  /^\[#[0-9a-f]+ ([\d.]+)(B|KiB|MiB|GiB|TiB)\/([\d.]+)(B|KiB|MiB|GiB|TiB)\(\d+%\)(?: CN:\d+)?(?: SD:\d+)?(?: DL:([\d.]+)(B|KiB|MiB|GiB|TiB))?(?: ETA:((?:\d+h)?(?:\d+m)?(?:\d+s)?))?\]/;

/**
 * aria2c's own progress (yt-dlp reports none while aria2c downloads a file): its summary,
 * `[#7fa6b7 2.7MiB/10MiB(27%) CN:8 DL:2.7MiB ETA:3s]`, once a second on yt-dlp's stdout.
 */
export function parseAria2Readout(line: string): RawProgress | null {
  const m = ARIA2_READOUT.exec(line.trim());
  if (!m) return null;
  const bytes = (n: string, unit: string) => Math.round(Number(n) * UNITS[unit]!);
  const eta = m[7] ? [...m[7].matchAll(/(\d+)([hms])/g)].reduce((s, [, n, u]) => s + Number(n) * (u === 'h' ? 3600 : u === 'm' ? 60 : 1), 0) : null;
  return {
    status: 'downloading',
    downloaded_bytes: bytes(m[1]!, m[2]!),
    total_bytes: bytes(m[3]!, m[4]!),
    speed: m[5] ? bytes(m[5], m[6]!) : null,
    eta,
  };
}

/** `{"a":1} "x"` → [{a:1}, "x"]; yt-dlp prints "NA" for a field it lacks. */
function splitJsonPair(text: string): [unknown, unknown] {
  const trimmed = text.trim();
  // The first value is an object; find where it ends by trying each closing brace from the right.
  for (let end = trimmed.lastIndexOf('}'); end > 0; end = trimmed.lastIndexOf('}', end - 1)) {
    let first: unknown;
    try {
      first = JSON.parse(trimmed.slice(0, end + 1));
    } catch {
      continue;
    }
    const rest = trimmed.slice(end + 1).trim();
    let second: unknown = null;
    if (rest) {
      try {
        second = JSON.parse(rest);
      } catch {
        second = null;
      }
    }
    return [first, second];
  }
  return [JSON.parse(trimmed), null];
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : null);
const whole = (x: number | null): number | null => (x === null ? null : Math.round(x));

interface StreamState {
  downloaded: number;
  total: number | null;
  estimate: boolean;
  finished: boolean;
}

/**
 * Folds yt-dlp's per-stream progress into one job-wide progress that never goes back:
 * a video+audio download reports each stream from 0 %, and the job must not.
 */
export class ProgressTracker {
  private readonly streams = new Map<string, StreamState>();
  private expectedStreams = 1;
  private expectedSizes: (number | null)[] = [];
  private current: JobProgress;
  private lastMeasure: { bytes: number; at: number } | null = null;

  constructor(start: JobProgress = emptyProgress()) {
    // A resumed job starts from what it had: the bar never jumps back to 0.
    this.current = { ...start, speed: null, eta: null };
  }

  get progress(): JobProgress {
    return this.current;
  }

  /** What the job will download: one stream, or video + audio, with sizes when the site gave them. */
  setFormats(formats: RawFormat[], info?: RawInfo): void {
    if (formats.length > 0) {
      this.expectedStreams = formats.length;
      this.expectedSizes = formats.map((f) => num(f.filesize) ?? num(f.filesize_approx));
    } else {
      this.expectedStreams = 1;
      this.expectedSizes = [num(info?.filesize) ?? num(info?.filesize_approx)];
    }
  }

  update(p: RawProgress, formatId: string | null): JobProgress {
    const key = formatId ?? p.filename ?? 'main';
    // Bytes are whole: yt-dlp's HLS estimate is an average (1880339.56).
    const exact = whole(num(p.total_bytes));
    const estimate = whole(num(p.total_bytes_estimate));
    const prev = this.streams.get(key);
    const stream: StreamState = {
      downloaded: Math.max(whole(num(p.downloaded_bytes)) ?? 0, prev?.downloaded ?? 0),
      total: exact ?? estimate ?? prev?.total ?? null,
      estimate: exact === null && (estimate !== null || (prev?.estimate ?? false)),
      finished: p.status === 'finished' || (prev?.finished ?? false),
    };
    if (stream.finished && stream.total === null) stream.total = stream.downloaded;
    this.streams.set(key, stream);
    this.expectedStreams = Math.max(this.expectedStreams, this.streams.size);

    const states = [...this.streams.values()];
    const downloaded = states.reduce((s, x) => s + x.downloaded, 0);
    const { total, isEstimate } = this.totalBytes(states);
    let percent: number | null;
    if (total !== null && total > 0) {
      percent = (downloaded / total) * 100;
    } else {
      // No sizes: each expected stream weighs the same, by its own fraction.
      const fractions = states.map((s) => (s.finished ? 1 : s.total ? s.downloaded / s.total : 0));
      percent = states.some((s) => s.total || s.finished) ? (fractions.reduce((a, b) => a + b, 0) / this.expectedStreams) * 100 : null;
    }
    if (percent !== null) {
      // Estimates move; 100 % is only said once the job really completes.
      percent = Math.min(99.9, Math.max(percent, this.current.percent ?? 0));
    } else {
      percent = this.current.percent;
    }
    const downloadedBytes = Math.max(downloaded, this.current.downloadedBytes);
    // Never "2.4 MiB of 2.3 MiB": a total that the bytes overtook was only an estimate.
    const overtaken = total !== null && downloadedBytes > total;
    this.current = {
      downloadedBytes,
      totalBytes: overtaken ? downloadedBytes : total,
      totalIsEstimate: isEstimate || overtaken,
      speed: num(p.speed),
      eta: num(p.eta),
      fragmentIndex: num(p.fragment_index),
      fragmentCount: num(p.fragment_count),
      percent,
    };
    return this.current;
  }

  /**
   * A live recording's progress: the bytes it has written so far (measured on disk, since
   * ffmpeg reports none), with no total and no percent (a stream has no end to measure
   * against), and the rate since the last measure. Elapsed time is the job's `startedAt`.
   */
  recording(bytes: number, now: number = Date.now()): JobProgress {
    const downloadedBytes = Math.max(bytes, this.current.downloadedBytes);
    const last = this.lastMeasure;
    const speed = last && now > last.at ? ((downloadedBytes - last.bytes) * 1000) / (now - last.at) : null;
    this.lastMeasure = { bytes: downloadedBytes, at: now };
    this.current = { downloadedBytes, totalBytes: null, totalIsEstimate: false, speed, eta: null, fragmentIndex: null, fragmentCount: null, percent: null };
    return this.current;
  }

  /**
   * The final progress of a completed job: 100 %, and the size of the file it left, both as
   * total and as done. What went over the network may differ (audio extracted from a
   * larger video, HLS segments remuxed): the job is measured by its result.
   */
  complete(fileSize: number | null): JobProgress {
    const size = fileSize ?? this.current.totalBytes ?? this.current.downloadedBytes;
    this.current = { ...this.current, downloadedBytes: size, totalBytes: size, totalIsEstimate: false, speed: null, eta: 0, percent: 100 };
    return this.current;
  }

  private totalBytes(states: StreamState[]): { total: number | null; isEstimate: boolean } {
    // Streams not started yet count with the size the site announced for them, if any.
    const unseen = this.expectedSizes.slice(states.length);
    const missing = this.expectedStreams - states.length;
    if (states.some((s) => s.total === null)) return { total: null, isEstimate: false };
    if (missing > 0 && (unseen.length < missing || unseen.some((x) => x === null))) return { total: null, isEstimate: false };
    const total = states.reduce((a, s) => a + (s.total ?? 0), 0) + unseen.reduce<number>((a, x) => a + (x ?? 0), 0);
    return { total, isEstimate: states.some((s) => s.estimate) || missing > 0 };
  }
}
