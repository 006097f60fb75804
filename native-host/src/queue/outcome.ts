/**
 * How a download ends, decided in one place with no I/O: the runner asks these when a stop
 * is requested and when yt-dlp exits, and does what they say.
 */
import type { JobError } from '../../../shared/job';
import { type KillSchedule, CANCEL_SCHEDULE, GRACEFUL_SCHEDULE, KEEP_SCHEDULE } from '../terminate/kill';

/**
 * Why a job is being stopped. `keep` ends a live recording and keeps what was recorded
 * (the user's Stop); the others end any download.
 */
export type StopReason = 'cancel' | 'keep' | 'pause' | 'shutdown';

/** A cancel outranks a keep, which outranks a pause, which outranks the daemon's own shutdown (the job resumes later). */
const STRENGTH: Record<StopReason, number> = { shutdown: 0, pause: 1, keep: 2, cancel: 3 };

/** The stop reason in force once `requested` arrives while `current` was in force. */
export function strongerStop(current: StopReason | null, requested: StopReason): StopReason {
  return current === null || STRENGTH[requested] > STRENGTH[current] ? requested : current;
}

/**
 * What a requested stop means for this job. A recording cannot go back to the queue or
 * pause (the stream moves on): a daemon stop, or a pause that raced the stream being found
 * live, keeps what was recorded. A keep asked of a job that is not recording (a race with
 * the stream ending) changes nothing: the download goes on.
 */
export function stopFor(requested: StopReason, recording: boolean): StopReason | null {
  if (recording) return requested === 'cancel' ? 'cancel' : 'keep';
  return requested === 'keep' ? null : requested;
}

/** How the job's processes are stopped: a recording is asked to end its file; a cancel does not wait. */
export const KILL_SCHEDULE: Record<StopReason, KillSchedule> = {
  cancel: CANCEL_SCHEDULE,
  keep: KEEP_SCHEDULE,
  pause: GRACEFUL_SCHEDULE,
  shutdown: GRACEFUL_SCHEDULE,
};

/** The status a stopped job reaches, and what becomes of its staging folder (a kept recording completes instead). */
export const STOPPED: Record<Exclude<StopReason, 'keep'>, { status: 'cancelled' | 'paused' | 'queued'; keepStaging: boolean }> = {
  cancel: { status: 'cancelled', keepStaging: false },
  pause: { status: 'paused', keepStaging: true },
  shutdown: { status: 'queued', keepStaging: true },
};

export interface ExitFacts {
  exitCode: number | null;
  /** The finished file yt-dlp reported, if any. */
  file: string | null;
  /** A stop was requested (the strongest one, as `stopFor` made it). */
  stop: StopReason | null;
  /** The job is recording a live stream. */
  recording: boolean;
  /** What a recording left in its staging folder when yt-dlp reported no file (its partial recording), if anything. */
  recorded: string | null;
  /** yt-dlp's error, classified (used when the job fails). */
  error: () => JobError;
}

export type Outcome =
  | { kind: 'complete'; file: string }
  /** A recording that ended without yt-dlp finishing it: what it recorded is kept, and the job completes. */
  | { kind: 'keep'; file: string; cut: 'stopped' | 'failed' }
  | { kind: 'stopped'; reason: Exclude<StopReason, 'keep'> }
  | { kind: 'fail'; error: JobError };

/**
 * Completion wins: yt-dlp exiting 0 with its final file means the download finished, even
 * if a cancel or pause arrived meanwhile (the finished file is kept, never deleted) — except
 * for a recording, which yt-dlp "finishes" on any interrupt: a cancelled recording is
 * discarded. A recording stopped to keep it, or cut short by an error, keeps what it
 * recorded. Else a requested stop explains the exit; else the job failed.
 */
export function decideOutcome(f: ExitFacts): Outcome {
  if (f.recording && f.stop === 'cancel') return { kind: 'stopped', reason: 'cancel' };
  if (f.exitCode === 0 && f.file) return { kind: 'complete', file: f.file };
  if (f.stop === 'keep') {
    if (f.recorded) return { kind: 'keep', file: f.recorded, cut: 'stopped' };
    return {
      kind: 'fail',
      error: { code: 'INTERRUPTED', message: 'The recording was stopped before anything was recorded. Retry to record the stream from now.' },
    };
  }
  if (f.stop) return { kind: 'stopped', reason: f.stop };
  if (f.recording && f.recorded) return { kind: 'keep', file: f.recorded, cut: 'failed' };
  return { kind: 'fail', error: f.error() };
}
