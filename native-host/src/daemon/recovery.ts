import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { isFinished } from '../../../shared/job';
import { STAGING_FOLDER, removeStaging } from '../downloader/files';
import { isDiskFull } from '../faults/disk';
import type { Logger } from '../log';
import type { JobStore } from '../store/jobs';
import { groupMembers } from '../terminate/group';
import { CANCEL_SCHEDULE, killGroup } from '../terminate/kill';

export interface RecoveryReport {
  requeued: number[];
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
  const report: RecoveryReport = { requeued: [], killedGroups: [], removedFolders: [], postponed: 0 };
  const write = (what: () => void) => {
    try {
      what();
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      report.postponed++;
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
      await killGroup(pgid, CANCEL_SCHEDULE).catch((err) => log.error(`job ${job.id}: could not stop group ${pgid}`, err));
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
      if (keep.has(dir) || !/^job-\d+$/.test(entry)) continue;
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
  if (report.requeued.length || report.killedGroups.length || report.removedFolders.length || report.postponed) {
    log.info('recovered after an unclean stop', report);
  }
  return report;
}
