import { setTimeout as sleep } from 'node:timers/promises';
import { groupAlive, groupMembers, signalGroup, signalLeader } from './group';

export interface KillSchedule {
  /**
   * Programs of the group (by name) interrupted on their own before anything else, and given
   * up to `for` ms to exit: aria2c saves its control file when interrupted, and yt-dlp, were
   * it interrupted too, would kill it outright first. yt-dlp then sees its downloader gone
   * and exits by itself; whatever is left goes on with the rest of the schedule.
   */
  interruptFirst?: { names: readonly string[]; for: number };
  /**
   * For this long, only the group's leader (yt-dlp) is interrupted, so that it ends its
   * children itself: yt-dlp asks ffmpeg to quit (`q`), and ffmpeg finishes the file it
   * writes. Then the whole group gets SIGINT. Absent: the whole group from the start.
   */
  leaderFirstFor?: number;
  /** When SIGTERM follows the first SIGINT, in ms. */
  termAfter: number;
  /** When SIGKILL follows, in ms; the whole tree is gone by then or shortly after. */
  killAfter: number;
}

/** Cancel: the files are thrown away, so nothing is gained by waiting long. */
export const CANCEL_SCHEDULE: KillSchedule = { termAfter: 150, killAfter: 400 };
/** Downloaders that keep a resumable state of their own, and save it when interrupted. */
const SAVES_STATE = ['aria2c'] as const;
/** Pause and shutdown: give yt-dlp (and aria2c, first) time to flush the partial file for the resume. */
export const GRACEFUL_SCHEDULE: KillSchedule = { interruptFirst: { names: SAVES_STATE, for: 1500 }, termAfter: 800, killAfter: 1600 };
/** A download whose daemon died: it resumes later, so aria2c saves first; the daemon waits for this before it answers. */
export const ORPHAN_SCHEDULE: KillSchedule = { interruptFirst: { names: SAVES_STATE, for: 1000 }, termAfter: 150, killAfter: 400 };
/**
 * Stopping a recording to keep it: ffmpeg takes up to a segment's length to read `q`
 * (it may be waiting for the next segment), then yt-dlp renames the file. A recording is
 * MPEG-TS, so what a later signal cuts off is still playable.
 */
export const KEEP_SCHEDULE: KillSchedule = { leaderFirstFor: 8000, termAfter: 10_000, killAfter: 12_000 };

const POLL_MS = 10;

/**
 * Stops a whole process group: SIGINT (yt-dlp and the ffmpeg it runs stop cleanly), then
 * SIGTERM, then SIGKILL, and resolves only once no live process of the group is left.
 * Returns the signal that ended it, or null when the group was already gone.
 */
export async function killGroup(pgid: number, schedule: KillSchedule): Promise<NodeJS.Signals | null> {
  if (schedule.interruptFirst && process.platform !== 'win32' && (await interruptAlone(pgid, schedule.interruptFirst))) {
    if (!groupAlive(pgid)) return 'SIGINT';
  }
  const leaderFirst = process.platform === 'win32' ? 0 : (schedule.leaderFirstFor ?? 0);
  let groupInterrupted = leaderFirst === 0 || !signalLeader(pgid, 'SIGINT');
  if (groupInterrupted && !signalGroup(pgid, 'SIGINT')) return null;
  const start = Date.now();
  let sent: NodeJS.Signals = 'SIGINT';
  for (;;) {
    await sleep(POLL_MS);
    if (!groupAlive(pgid)) return sent;
    const elapsed = Date.now() - start;
    if (!groupInterrupted && elapsed >= leaderFirst) {
      signalGroup(pgid, 'SIGINT');
      groupInterrupted = true;
    } else if (elapsed >= schedule.killAfter && sent !== 'SIGKILL') {
      signalGroup(pgid, 'SIGKILL');
      sent = 'SIGKILL';
    } else if (elapsed >= schedule.termAfter && sent === 'SIGINT') {
      signalGroup(pgid, 'SIGTERM');
      sent = 'SIGTERM';
    } else if (sent === 'SIGKILL' && elapsed > schedule.killAfter + 2000) {
      // Only an uninterruptible (D-state) process survives SIGKILL this long.
      throw new Error(`Process group ${pgid} is still alive ${elapsed} ms after SIGKILL`);
    }
  }
}

/** SIGINT to the group's processes named `names`, alone; resolves once they are gone or `for` ms passed. False when there were none. */
async function interruptAlone(pgid: number, first: { names: readonly string[]; for: number }): Promise<boolean> {
  const named = () => groupMembers(pgid).filter((m) => first.names.includes(m.name));
  const targets = named();
  if (targets.length === 0) return false;
  for (const t of targets) {
    try {
      process.kill(t.pid, 'SIGINT');
    } catch {
      // gone meanwhile
    }
  }
  const pids = new Set(targets.map((t) => t.pid));
  const deadline = Date.now() + first.for;
  while (Date.now() < deadline && named().some((m) => pids.has(m.pid))) await sleep(POLL_MS);
  return true;
}
