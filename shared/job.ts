/**
 * Jobs, their states and the only place where state transitions are decided.
 * Pure: no I/O, shared by the daemon and the extension.
 */
import type { Choice } from './choice';
import type { ProbeSize } from './probe';

export const JOB_STATUSES = ['queued', 'downloading', 'recording', 'paused', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * The three kinds of status, defined here once for the daemon, the CLI and the extension:
 * - finished: done one way or another; it never changes by itself again (history);
 * - active: something will happen without the user (queued, downloading, or recording a
 *   live stream): badges count these, and the daemon stays up for them;
 * - paused: neither; like active jobs it is unfinished and keeps its partial files.
 */
export const FINISHED_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
export const ACTIVE_STATUSES: readonly JobStatus[] = ['queued', 'downloading', 'recording'];

export const PRESETS = ['best', '1080p', '720p', 'audio'] as const;
export type Preset = (typeof PRESETS)[number];

export const JOB_ACTIONS = ['start', 'record', 'complete', 'fail', 'cancel', 'pause', 'resume', 'retry', 'requeue', 'stop'] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];

/**
 * The allowed transitions. `requeue` is the daemon's own: a download interrupted by a
 * daemon stop or crash goes back to the queue and resumes from its staging folder.
 * `record`, also the daemon's: the download turned out to be a live stream. A recording
 * cannot be paused or resumed (the stream moves on): the user `stop`s it, which keeps what
 * was recorded and completes the job, or cancels it, which throws it away; it also
 * completes when the stream ends.
 */
const TRANSITIONS: Record<JobStatus, Partial<Record<JobAction, JobStatus>>> = {
  queued: { start: 'downloading', cancel: 'cancelled', pause: 'paused' },
  downloading: { record: 'recording', complete: 'completed', fail: 'failed', cancel: 'cancelled', pause: 'paused', requeue: 'queued' },
  recording: { stop: 'completed', complete: 'completed', fail: 'failed', cancel: 'cancelled' },
  paused: { resume: 'queued', cancel: 'cancelled' },
  completed: {},
  failed: { retry: 'queued' },
  cancelled: { retry: 'queued' },
};

export type TransitionResult = { ok: true; from: JobStatus; to: JobStatus } | { ok: false; from: JobStatus; action: JobAction; message: string };

/** Decides whether `action` may be applied to a job in `from`; never throws. */
export function transition(from: JobStatus, action: JobAction): TransitionResult {
  const to = TRANSITIONS[from][action];
  if (to) return { ok: true, from, to };
  return { ok: false, from, action, message: `cannot ${action} a job that is ${from}${hint(from, action)}` };
}

function hint(from: JobStatus, action: JobAction): string {
  if (from === 'completed') return ' (it has finished; remove it from the history instead)';
  if (action === 'retry' && !FINISHED_STATUSES.includes(from)) return ' (only failed or cancelled jobs can be retried)';
  if (action === 'resume' && from !== 'paused') return ' (only paused jobs can be resumed)';
  if (action === 'pause' && from === 'recording') return ' (a live stream cannot be paused: stop the recording to keep what was recorded)';
  if (action === 'stop') return ' (only a recording of a live stream can be stopped; cancel a download instead)';
  return '';
}

/** Actions only the daemon takes, never offered to a user. */
const DAEMON_ACTIONS: readonly JobAction[] = ['start', 'record', 'complete', 'fail', 'requeue'];

/** The actions a job in this state allows: what a UI offers as buttons. */
export function allowedActions(from: JobStatus): JobAction[] {
  return (Object.keys(TRANSITIONS[from]) as JobAction[]).filter((a) => !DAEMON_ACTIONS.includes(a));
}

export function isFinished(status: JobStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}

export function isActive(status: JobStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

/**
 * The daemon's order, the one every view shows: unfinished jobs by queue position (the
 * lowest runs first; "move to top" and retry change it), then the history, newest first.
 * `JobStore` lists in the same order in SQL; a test holds the two together.
 */
export function compareJobs(a: Job, b: Job): number {
  const fa = isFinished(a.status);
  const fb = isFinished(b.status);
  if (fa !== fb) return fa ? 1 : -1;
  const ka = fa ? -(a.finishedAt ?? Number.POSITIVE_INFINITY) : a.position;
  const kb = fb ? -(b.finishedAt ?? Number.POSITIVE_INFINITY) : b.position;
  return ka - kb || a.id - b.id;
}

export interface JobProgress {
  /** Bytes on disk so far, summed over every stream of the job (video + audio). */
  downloadedBytes: number;
  /** Total size when known, else yt-dlp's estimate, else null. */
  totalBytes: number | null;
  totalIsEstimate: boolean;
  /** Bytes per second, null when unknown. */
  speed: number | null;
  /** Seconds left, null when unknown. */
  eta: number | null;
  fragmentIndex: number | null;
  fragmentCount: number | null;
  /** 0..100, never decreasing while a job downloads; null when nothing is known yet. */
  percent: number | null;
}

export interface JobError {
  code: string;
  /** A sentence for the user: what happened and, when there is one, what to do. */
  message: string;
  /** The raw text behind it (yt-dlp's own error), for the curious and for bug reports. */
  detail?: string;
}

export interface Job {
  id: number;
  url: string;
  /** The page the video was found on (the tab's top page). */
  pageUrl: string | null;
  /** Sent as Referer: the frame the video played in when it is not the top page, else null (the page is). */
  referer: string | null;
  title: string | null;
  preset: Preset;
  status: JobStatus;
  /** Queue position: unfinished jobs run lowest first. Views order by `compareJobs`. */
  position: number;
  progress: JobProgress;
  /** The finished file, once completed. */
  filePath: string | null;
  error: JobError | null;
  /** Something the user should know about a job that did not fail (a fallback format, say). */
  note: string | null;
  /** A live stream: recorded (status `recording`) until stopped or the stream ends. */
  live: boolean;
  // The fields below are always sent by the daemon; they are optional in the type only so
  // that views written before them still compile.
  /** The playlist group the job belongs to (`jobs.addPlaylist`); null for a job added on its own. */
  groupId?: number | null;
  /** Its position in that playlist (1-based), when it is downloaded as an entry of it. */
  playlistIndex?: number | null;
  /** The exact choice made from a probe, when one decides the format instead of `preset` (then the nearest preset). */
  choice?: Choice | null;
  /** Subtitle files saved next to the video, once completed. */
  subtitleFiles?: string[];
  /** An image of the video (http or https): from the page, the probe or yt-dlp; null when none is known. */
  thumbnail?: string | null;
  /** What the probe said the chosen download weighs, known before any byte comes (null when not probed). */
  expectedSize?: ProbeSize | null;
  /** Epoch milliseconds. */
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  cancelledAt: number | null;
}

export function emptyProgress(): JobProgress {
  return {
    downloadedBytes: 0,
    totalBytes: null,
    totalIsEstimate: false,
    speed: null,
    eta: null,
    fragmentIndex: null,
    fragmentCount: null,
    percent: null,
  };
}
