/** The CLI's exit codes; documented in the README, stable. */
export const EXIT = {
  OK: 0,
  /** Something unexpected; the message says what. */
  ERROR: 1,
  /** The command line is wrong: unknown command or flag, missing or bad argument. */
  USAGE: 2,
  /** The daemon refused the request (bad URL, unknown job, a transition the job's state forbids…). */
  REFUSED: 3,
  /** The daemon could not be reached or started. */
  UNAVAILABLE: 4,
  /** `add --wait`: the download failed. */
  JOB_FAILED: 5,
  /** `add --wait`: the job was cancelled by someone else. */
  JOB_CANCELLED: 6,
  /** `doctor` found something that must be fixed. */
  CHECKS_FAILED: 7,
  /** `add --wait` interrupted with Ctrl+C: the job was cancelled and cleaned up. */
  INTERRUPTED: 130,
} as const;
