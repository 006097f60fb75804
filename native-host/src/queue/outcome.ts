/**
 * How a download ends, decided in one place with no I/O: the runner asks these when a stop
 * is requested and when yt-dlp exits, and does what they say.
 */
import type { JobError } from '../../../shared/job';

export type StopReason = 'cancel' | 'pause' | 'shutdown';

/** A cancel outranks a pause, which outranks the daemon's own shutdown (the job resumes later). */
const STRENGTH: Record<StopReason, number> = { shutdown: 0, pause: 1, cancel: 2 };

/** The stop reason in force once `requested` arrives while `current` was in force. */
export function strongerStop(current: StopReason | null, requested: StopReason): StopReason {
  return current === null || STRENGTH[requested] > STRENGTH[current] ? requested : current;
}

/** The status a stopped job reaches, and what becomes of its staging folder. */
export const STOPPED: Record<StopReason, { status: 'cancelled' | 'paused' | 'queued'; keepStaging: boolean }> = {
  cancel: { status: 'cancelled', keepStaging: false },
  pause: { status: 'paused', keepStaging: true },
  shutdown: { status: 'queued', keepStaging: true },
};

export interface ExitFacts {
  exitCode: number | null;
  /** The finished file yt-dlp reported, if any. */
  file: string | null;
  /** A stop was requested (the strongest one). */
  stop: StopReason | null;
  /** yt-dlp's error, classified (used when the job fails). */
  error: () => JobError;
}

export type Outcome = { kind: 'complete'; file: string } | { kind: 'stopped'; reason: StopReason } | { kind: 'fail'; error: JobError };

/**
 * Completion wins: yt-dlp exiting 0 with its final file means the download finished, even
 * if a cancel or pause arrived meanwhile (the finished file is kept, never deleted). Else a
 * requested stop explains the exit; else the job failed.
 */
export function decideOutcome(f: ExitFacts): Outcome {
  if (f.exitCode === 0 && f.file) return { kind: 'complete', file: f.file };
  if (f.stop) return { kind: 'stopped', reason: f.stop };
  return { kind: 'fail', error: f.error() };
}
