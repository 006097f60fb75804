import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { STAGING_FOLDER, removeStaging } from '../downloader/files';
import type { Logger } from '../log';
import type { JobStore } from '../store/jobs';
import { groupMembers } from '../terminate/group';
import { CANCEL_SCHEDULE, killGroup } from '../terminate/kill';

export interface RecoveryReport {
  requeued: number[];
  killedGroups: number[];
  removedFolders: string[];
}

const LIVE = new Set(['queued', 'downloading', 'paused']);

/**
 * Runs when the daemon starts, before it takes requests: whatever a crash left behind is
 * put right. Downloads cut off go back to the queue and resume from their staging
 * folders; their processes, if they outlived the daemon, are stopped; staging folders
 * that belong to no live job are deleted.
 */
export async function recover(store: JobStore, downloadDir: string, log: Logger): Promise<RecoveryReport> {
  const report: RecoveryReport = { requeued: [], killedGroups: [], removedFolders: [] };

  // 1. Process groups recorded for jobs: nothing runs yet, so every one of them is an orphan.
  for (const job of store.withPgid()) {
    const pgid = job.pgid!;
    const members = groupMembers(pgid);
    // The pgid may have been reused by an unrelated program: only a group whose processes
    // name this job's staging folder is ours.
    const ours = members.some((m) => (job.stagingDir ? m.cmdline.includes(job.stagingDir) : /yt-dlp|ffmpeg/.test(m.cmdline)));
    if (ours) {
      log.warn(`job ${job.id}: stopping process group ${pgid} left by a previous daemon`);
      await killGroup(pgid, CANCEL_SCHEDULE).catch((err) => log.error(`job ${job.id}: could not stop group ${pgid}`, err));
      report.killedGroups.push(pgid);
    }
    store.patch(job.id, { pgid: null });
  }

  // 2. Downloads cut off by the crash go back to the queue; paused ones stay paused.
  for (const job of store.withStatus('downloading')) {
    store.apply(job.id, 'requeue', { progress: { ...job.progress, speed: null, eta: null } });
    report.requeued.push(job.id);
  }

  // 3. Staging folders: keep those of live jobs, delete the rest.
  const keep = new Set<string>();
  const roots = new Set<string>([join(downloadDir, STAGING_FOLDER)]);
  for (const job of store.withStagingDir()) {
    roots.add(dirname(job.stagingDir!));
    // A job whose finished file could not be moved keeps it there, for its retry.
    if (LIVE.has(job.status) || job.error?.code === 'OUTPUT_FAILED') keep.add(job.stagingDir!);
    else store.patch(job.id, { stagingDir: null });
  }
  for (const root of roots) {
    let entries: string[];
    try {
      entries = await fs.readdir(root);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const dir = join(root, entry);
      if (keep.has(dir)) continue;
      await removeStaging(dir);
      report.removedFolders.push(dir);
    }
    if (entries.every((e) => !keep.has(join(root, e)))) await fs.rmdir(root).catch(() => {});
  }
  if (report.requeued.length || report.killedGroups.length || report.removedFolders.length) {
    log.info('recovered after an unclean stop', report);
  }
  return report;
}
