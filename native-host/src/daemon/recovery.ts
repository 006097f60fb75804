import { promises as fs } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { isFinished } from '../../../shared/job';
import { hostTitle } from '../../../shared/title';
import { STAGING_FOLDER, fileNameFor, moveIntoPlace, removeStaging } from '../downloader/files';
import { findRecording, finishRecording } from '../downloader/recording';
import { removeCookieFile } from '../downloader/cookies';
import { finishedFile } from '../downloader/staging';
import { isDiskFull } from '../faults/disk';
import type { Logger } from '../log';
import type { JobRecord, JobStore } from '../store/jobs';
import { groupMembers } from '../terminate/group';
import { type KillSchedule, ORPHAN_SCHEDULE, killGroup } from '../terminate/kill';

/**
 * A recording's processes outlived the daemon: yt-dlp is asked to end the file first, briefly
 * (the daemon does not answer before recovery is done); what a later signal cuts off is
 * MPEG-TS, playable up to its last whole packet.
 */
const ORPHAN_RECORDING_SCHEDULE: KillSchedule = { leaderFirstFor: 3000, termAfter: 4000, killAfter: 5000 };

export interface RecoveryReport {
  requeued: number[];
  /** Recordings cut off: completed with what they had recorded, or failed when they had nothing. */
  recordings: number[];
  killedGroups: number[];
  removedFolders: string[];
  /** Writes the database refused (a full disk): they are made at the next start. */
  postponed: number;
}

/**
 * Runs when the daemon starts, before it takes requests: whatever a crash left behind is
 * put right. Downloads cut off go back to the queue and resume from their staging
 * folders; their processes, if they outlived the daemon, are stopped; staging folders
 * that belong to no live job are deleted. What needs no database write comes first (it
 * frees space), and a write refused by a full disk is left for the next start.
 */
export async function recover(store: JobStore, downloadDir: string, log: Logger): Promise<RecoveryReport> {
  const report: RecoveryReport = { requeued: [], recordings: [], killedGroups: [], removedFolders: [], postponed: 0 };
  const write = (what: () => void): boolean => {
    try {
      what();
      return true;
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      report.postponed++;
      return false;
    }
  };

  // 1. Process groups recorded for jobs: nothing runs yet, so every one of them is an orphan.
  const withPgid = store.withPgid();
  for (const job of withPgid) {
    const pgid = job.pgid!;
    // The pgid may have been reused by an unrelated program: only a group whose processes
    // run in this job's staging folder (yt-dlp runs there; ffmpeg inherits it) is ours.
    const ours = groupMembers(pgid).some((m) =>
      job.stagingDir && m.cwd !== null ? m.cwd === job.stagingDir || m.cwd.startsWith(`${job.stagingDir}/`) : /yt-dlp|ffmpeg/.test(m.cmdline),
    );
    if (ours) {
      log.warn(`job ${job.id}: stopping process group ${pgid} left by a previous daemon`);
      const schedule = job.status === 'recording' ? ORPHAN_RECORDING_SCHEDULE : ORPHAN_SCHEDULE;
      await killGroup(pgid, schedule).catch((err) => log.error(`job ${job.id}: could not stop group ${pgid}`, err));
      report.killedGroups.push(pgid);
    }
  }

  // 2. Staging folders: keep those of live jobs (and a finished file that could not be moved, for its retry), delete the rest.
  const keep = new Set<string>();
  const roots = new Set<string>([join(downloadDir, STAGING_FOLDER)]);
  const forgotten: number[] = [];
  for (const job of store.withStagingDir()) {
    roots.add(dirname(job.stagingDir!));
    if (!isFinished(job.status) || job.error?.code === 'OUTPUT_FAILED') keep.add(job.stagingDir!);
    else forgotten.push(job.id);
  }
  for (const root of roots) {
    // Only a real folder is walked: a symlink in its place is removed, never followed
    // (following it would delete files elsewhere). Only `job-N` entries are VidQueue's.
    const st = await fs.lstat(root).catch(() => null);
    if (!st) continue;
    if (st.isSymbolicLink()) {
      await fs.unlink(root).catch(() => {});
      continue;
    }
    if (!st.isDirectory()) continue;
    const entries = await fs.readdir(root).catch(() => [] as string[]);
    for (const entry of entries) {
      const dir = join(root, entry);
      if (!/^job-\d+$/.test(entry)) continue;
      if (keep.has(dir)) {
        // A browser's login given to a job lives only as long as the daemon that got it.
        await removeCookieFile(dir).catch((err) => log.warn(`could not delete the cookie file in ${dir}`, err));
        continue;
      }
      await removeStaging(dir);
      report.removedFolders.push(dir);
    }
    await fs.rmdir(root).catch(() => {});
  }

  // 3. The records: no process, no forgotten folder; downloads cut off go back to the queue (paused ones stay paused).
  for (const job of withPgid) write(() => store.patch(job.id, { pgid: null }));
  for (const id of forgotten) write(() => store.patch(id, { stagingDir: null }));
  for (const job of store.withStatus('downloading')) {
    write(() => {
      store.apply(job.id, 'requeue', { progress: { ...job.progress, speed: null, eta: null } });
      report.requeued.push(job.id);
    });
  }
  // 4. Recordings cut off: a stream cannot be resumed, so what was recorded is kept.
  for (const job of store.withStatus('recording')) {
    await keepRecording(store, job, downloadDir, log, write);
    report.recordings.push(job.id);
  }
  if (report.requeued.length || report.recordings.length || report.killedGroups.length || report.removedFolders.length || report.postponed) {
    log.info('recovered after an unclean stop', report);
  }
  return report;
}

/**
 * A recording the daemon's crash cut off: its file (finished by yt-dlp, or the partial
 * `.part`) is moved into the download folder as it was recorded (MPEG-TS: no remux here,
 * the daemon answers nobody until recovery is done), and the job completes with it. With
 * nothing recorded, it fails and says so.
 */
async function keepRecording(store: JobStore, job: JobRecord, downloadDir: string, log: Logger, write: (what: () => void) => boolean): Promise<void> {
  const now = Date.now();
  const progress = { ...job.progress, speed: null, eta: null };
  const dir = job.stagingDir;
  let kept: { path: string; ino: string; size: number } | null = null;
  try {
    const found = dir ? await findRecording(dir) : null;
    if (dir && found) {
      const file = await finishedFile(dir, await finishRecording(dir, found, { ffmpeg: null }));
      const path = await moveIntoPlace(file, downloadDir, fileNameFor(job.title ?? hostTitle(job.url), extname(file)));
      const st = await fs.stat(path, { bigint: true });
      kept = { path, ino: String(st.ino), size: Number(st.size) };
    }
  } catch (err) {
    log.error(`job ${job.id}: the recording it left could not be kept`, err);
  }
  let settled: boolean;
  if (kept) {
    const { path, ino, size } = kept;
    settled = write(() =>
      store.apply(job.id, 'complete', {
        filePath: path,
        fileIdentity: { ino, size },
        finishedAt: now,
        pgid: null,
        progress: { ...progress, downloadedBytes: size, totalBytes: size, totalIsEstimate: false, percent: 100, eta: 0 },
        note: 'VidQueue stopped unexpectedly during this recording: what was recorded until then is kept.',
      }),
    );
    log.warn(`job ${job.id}: a recording cut off by a crash was kept as ${path}`);
  } else {
    settled = write(() =>
      store.apply(job.id, 'fail', {
        error: {
          code: 'INTERRUPTED',
          message: 'VidQueue stopped unexpectedly during this recording, and nothing of it could be kept. Retry to record the stream from now.',
        },
        finishedAt: now,
        pgid: null,
        progress,
      }),
    );
  }
  // Only once the outcome is written: else the next start settles the job from its folder.
  if (dir && settled) {
    await removeStaging(dir).catch((err) => log.error(`job ${job.id}: could not delete ${dir}`, err));
    write(() => store.patch(job.id, { stagingDir: null }));
  }
}
