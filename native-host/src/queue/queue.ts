import { promises as fs } from 'node:fs';
import { ERROR_CODES, type ErrorCode, VidQueueError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import { type Job, emptyProgress, isFinished, transition } from '../../../shared/job';
import type { JobPage } from '../../../shared/protocol';
import { MAX_MESSAGE_TO_BROWSER } from '../../../shared/protocol';
import { quote } from '../../../shared/quote';
import { removeStaging } from '../downloader/files';
import { writeOrFreeSpace } from '../faults/disk';
import { findTool } from '../downloader/tools';
import { findYtDlp } from '../tools/resolve';
import type { Logger } from '../log';
import { type JobRecord, type JobStore, type NewJob, publicJob } from '../store/jobs';
import type { SettingsStore } from '../store/settings';
import { Runner, type RunnerDeps, type StopReason } from './runner';

interface QueueEvents {
  jobUpdated(job: Job): void;
  jobsRemoved(ids: number[]): void;
}

export interface QueueOptions {
  store: JobStore;
  settings: SettingsStore;
  events: QueueEvents;
  log: Logger;
  env?: Record<string, string | undefined>;
  progressIntervalMs?: number;
  /** VidQueue's data folder (its managed yt-dlp lives there). */
  dataDir: string;
  /** Fetches VidQueue's own yt-dlp when none is usable (the first download on a new machine). */
  fetchYtDlp?: () => Promise<void>;
  /** A download ended (its slot is free): the daemon checks whether it is idle. */
  onSettled?: () => void;
}

/** A list page stays well under what native messaging lets us send the browser. */
const PAGE_BUDGET_BYTES = Math.floor(MAX_MESSAGE_TO_BROWSER * 0.8);

/**
 * The queue: FIFO with a concurrency limit, and the user's actions on jobs. Jobs that are
 * not running are changed here directly; a running job is changed only through its Runner.
 */
export class Queue {
  private readonly running = new Map<number, Runner>();
  private readonly runnerDeps: RunnerDeps;
  private stopping = false;

  constructor(private readonly o: QueueOptions) {
    const env = o.env ?? process.env;
    this.runnerDeps = {
      store: o.store,
      log: o.log,
      downloadDir: () => o.settings.get().downloadDir,
      findTools: () => ({ ytdlp: findYtDlp(o.dataDir, env), ffmpeg: findTool('ffmpeg', env), aria2c: findTool('aria2c', env) }),
      parallelism: () => ({ fragments: o.settings.get().fragmentConcurrency, connectionsPerFile: o.settings.get().connectionsPerFile }),
      fetchYtDlp: o.fetchYtDlp,
      changed: (job) => o.events.jobUpdated(publicJob(job)),
      progressIntervalMs: o.progressIntervalMs ?? 250,
    };
  }

  /** The managed yt-dlp versions running downloads use. */
  toolVersionsInUse(): Set<string> {
    return new Set([...this.running.values()].flatMap((r) => (r.toolVersion ? [r.toolVersion] : [])));
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Nothing running and nothing waiting to run. */
  isIdle(): boolean {
    return this.running.size === 0 && this.o.store.countActive() === 0;
  }

  add(job: NewJob): Job {
    const added = this.o.store.add(job);
    this.changed(added);
    this.pump();
    return publicJob(this.o.store.require(added.id));
  }

  get(id: number): Job {
    return publicJob(this.o.store.require(id));
  }

  /** A completed job's file and what it was when it was moved into place. */
  fileOf(id: number): { id: number; filePath: string; fileIdentity: JobRecord['fileIdentity'] } {
    const job = this.o.store.require(id);
    if (job.status !== 'completed' || !job.filePath) {
      throw new VidQueueError('INVALID_TRANSITION', `Job ${job.id} is ${job.status}: only a completed job has a file to open`, 'jobId');
    }
    return { id: job.id, filePath: job.filePath, fileIdentity: job.fileIdentity };
  }

  /** A page of jobs: active ones in queue order, then the history, newest first. */
  list(cursor = 0, limit = 200): JobPage {
    const total = this.o.store.count();
    const rows = this.o.store.page(cursor, limit);
    const jobs: Job[] = [];
    let bytes = 0;
    for (const row of rows) {
      const job = publicJob(row);
      bytes += Buffer.byteLength(JSON.stringify(job));
      if (bytes > PAGE_BUDGET_BYTES && jobs.length > 0) break;
      jobs.push(job);
    }
    const next = cursor + jobs.length;
    return { jobs, nextCursor: next < total ? next : null, total };
  }

  async cancel(id: number): Promise<Job> {
    const runner = this.running.get(id);
    if (runner) return this.stopRunner(runner, 'cancel');
    const job = this.o.store.require(id);
    const now = Date.now();
    // Written first (a crash leaves a cancelled job whose folder recovery deletes), then
    // deleted; on a full disk the folder goes first, to make room for the write.
    const dir = job.stagingDir;
    let cancelled = await writeOrFreeSpace(
      () => this.o.store.apply(id, 'cancel', { cancelledAt: now, finishedAt: now, progress: { ...job.progress, speed: null, eta: null } }),
      dir ? () => removeStaging(dir) : null,
    );
    if (job.stagingDir) {
      try {
        await removeStaging(job.stagingDir);
        cancelled = this.o.store.patch(id, { stagingDir: null });
      } catch (err) {
        this.o.log.error(`job ${id}: could not delete ${job.stagingDir}`, err);
      }
    }
    return this.changed(cancelled);
  }

  /** Cancels everything queued, paused, downloading or recording; returns the cancelled jobs. */
  async cancelAll(): Promise<Job[]> {
    const store = this.o.store;
    const ids = [...store.withStatus('downloading'), ...store.withStatus('recording'), ...store.withStatus('queued'), ...store.withStatus('paused')].map(
      (j) => j.id,
    );
    // Queued jobs first, so none of them starts in a slot a cancelled download frees.
    const order = [...ids.filter((id) => !this.running.has(id)), ...ids.filter((id) => this.running.has(id))];
    const results = await Promise.allSettled(order.map((id) => this.cancel(id)));
    return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  }

  /**
   * Ends a live recording, keeping what was recorded: ffmpeg finishes its file, and the job
   * completes with it, moved into the download folder like any download.
   */
  async stopRecording(id: number): Promise<Job> {
    const job = this.o.store.require(id);
    const t = transition(job.status, 'stop');
    if (!t.ok) throw new VidQueueError('INVALID_TRANSITION', `Job ${id}: ${t.message}`, 'jobId');
    const runner = this.running.get(id);
    // Recovery settles every recording a crash cut off before the daemon takes requests.
    if (!runner) throw new VidQueueError('INVALID_TRANSITION', `Job ${id} is not being recorded by this daemon; cancel it instead`, 'jobId');
    return this.stopRunner(runner, 'keep');
  }

  async pause(id: number): Promise<Job> {
    const runner = this.running.get(id);
    if (runner) {
      // A recording has no pause (the stream moves on): refused here, before anything is stopped.
      const t = transition(this.o.store.require(id).status, 'pause');
      if (!t.ok) throw new VidQueueError('INVALID_TRANSITION', `Job ${id}: ${t.message}`, 'jobId');
      return this.stopRunner(runner, 'pause');
    }
    return this.changed(this.o.store.apply(id, 'pause'));
  }

  resume(id: number): Job {
    const job = this.changed(this.o.store.apply(id, 'resume'));
    this.pump();
    return this.get(job.id);
  }

  /**
   * Queues a failed or cancelled job again. It may be given a new `url` (and `referer`) only
   * if nothing of the old one was downloaded: a job is the download of one video.
   */
  retry(id: number, change: { url?: string | undefined; referer?: string | null | undefined } = {}): Job {
    const before = this.o.store.require(id);
    const t = transition(before.status, 'retry');
    if (!t.ok) throw new VidQueueError('INVALID_TRANSITION', `Job ${id}: ${t.message}`, 'jobId');
    const newUrl = change.url !== undefined && change.url !== before.url ? change.url : undefined;
    if (newUrl !== undefined && before.progress.downloadedBytes > 0) {
      throw new VidQueueError(
        'INVALID_TRANSITION',
        `Job ${id} had downloaded ${formatBytes(before.progress.downloadedBytes)} of ${quote(before.url)}, so it cannot be retried with another URL (${quote(newUrl)}): retry it as it is, or add the new URL as a new download`,
        'url',
      );
    }
    // A job whose finished file could not be moved keeps it in its staging folder: reuse it.
    const keep = newUrl === undefined && before.error?.code === 'OUTPUT_FAILED' && before.stagingDir !== null;
    const job = this.o.store.apply(id, 'retry', {
      ...(newUrl !== undefined ? { url: newUrl } : {}),
      ...(change.referer !== undefined ? { referer: change.referer } : {}),
      live: false,
      error: null,
      filePath: null,
      startedAt: null,
      finishedAt: null,
      cancelledAt: null,
      stagingDir: keep ? before.stagingDir : null,
      fileIdentity: null,
      note: null,
      progress: emptyProgress(),
    });
    this.o.store.sendToBack(job.id);
    this.changed(this.o.store.require(job.id));
    this.pump();
    return this.get(job.id);
  }

  moveToTop(id: number): Job {
    return this.changed(this.o.store.moveToTop(id));
  }

  /** Removes a finished job from the history and, when asked, its file. */
  async remove(id: number, deleteFile: boolean): Promise<{ jobId: number; fileDeleted: boolean }> {
    const job = this.o.store.require(id);
    if (!isFinished(job.status)) {
      throw new VidQueueError('INVALID_TRANSITION', `Job ${id}: cannot remove a job that is ${job.status} (cancel it first)`, 'jobId');
    }
    let fileDeleted = false;
    if (deleteFile && job.status === 'completed' && job.filePath) {
      try {
        const st = await fs.stat(job.filePath, { bigint: true });
        if (job.fileIdentity && (String(st.ino) !== job.fileIdentity.ino || Number(st.size) !== job.fileIdentity.size)) {
          throw new VidQueueError(
            'FILE_NOT_DELETED',
            `Job ${id}: ${job.filePath} is no longer the file this job downloaded (it was replaced since); it was left alone and the job kept`,
            'deleteFile',
          );
        }
        await fs.unlink(job.filePath);
        fileDeleted = true;
      } catch (err) {
        if (err instanceof VidQueueError) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') {
          throw new VidQueueError('FILE_NOT_DELETED', `Job ${id}: could not delete ${job.filePath}: ${code}; the job was kept`, 'deleteFile');
        }
      }
    }
    this.o.store.deleteFinished(id);
    this.o.events.jobsRemoved([id]);
    return { jobId: id, fileDeleted };
  }

  /** Removes every finished job from the history; files stay. */
  clear(): number[] {
    const ids = this.o.store.deleteAllFinished();
    if (ids.length > 0) this.o.events.jobsRemoved(ids);
    return ids;
  }

  /** Finished jobs older than the retention setting leave the history. */
  expire(now = Date.now()): number[] {
    const days = this.o.settings.get().historyRetentionDays;
    if (days === 0) return [];
    let ids: number[];
    try {
      ids = this.o.store.deleteAllFinished(now - days * 86_400_000);
    } catch (err) {
      // Housekeeping: on a full disk it waits for the next hour.
      this.o.log.warn('old history could not be removed now', err);
      return [];
    }
    if (ids.length > 0) this.o.events.jobsRemoved(ids);
    return ids;
  }

  /**
   * Starts queued jobs while there are free slots. Never throws (it runs after every request
   * and every settled download): a job that cannot be started now (the database refuses the
   * write on a full disk) stays queued, and is tried again a little later.
   */
  pump(): void {
    if (this.stopping) return;
    const free = this.o.settings.get().concurrency - this.running.size;
    if (free <= 0) return;
    // A job retried while its last run is still settling (deleting its staging folder) waits for it: one runner a job.
    const ready = this.o.store.nextQueued(free + this.running.size).filter((job) => !this.running.has(job.id));
    for (const job of ready.slice(0, free)) {
      try {
        this.startRunner(job);
      } catch (err) {
        this.o.log.error(`job ${job.id}: could not be started`, err);
        this.retryPumpLater();
        return;
      }
    }
  }

  private pumpTimer: ReturnType<typeof setTimeout> | null = null;
  private retryPumpLater(): void {
    this.pumpTimer ??= setTimeout(() => {
      this.pumpTimer = null;
      this.pump();
    }, 10_000);
    this.pumpTimer.unref();
  }

  /** Daemon shutdown: running downloads stop and go back to the queue, resumable; recordings stop and are kept (completed). */
  async shutdown(): Promise<void> {
    this.stopping = true;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    await Promise.all([...this.running.values()].map((r) => r.stop('shutdown')));
  }

  private startRunner(job: JobRecord): void {
    const runner = new Runner(job, this.runnerDeps);
    this.running.set(job.id, runner);
    void runner.settled.then(() => {
      this.running.delete(job.id);
      this.pump();
      this.o.onSettled?.();
    });
  }

  private async stopRunner(runner: Runner, reason: StopReason): Promise<Job> {
    const reached = await runner.stop(reason);
    const job = this.o.store.require(runner.id);
    const expected = ({ cancel: 'cancelled', pause: 'paused', shutdown: 'queued', keep: 'completed' } as const)[reason];
    if (reason === 'keep' && reached === 'failed' && job.error) {
      const code = (ERROR_CODES as readonly string[]).includes(job.error.code) ? (job.error.code as ErrorCode) : 'DOWNLOAD_FAILED';
      throw new VidQueueError(code, `Job ${job.id}: the recording could not be kept: ${job.error.message}`, 'jobId', job.error.detail);
    }
    if (reached !== expected) {
      throw new VidQueueError(
        'INVALID_TRANSITION',
        `Job ${job.id}: cannot ${reason} a job that is ${job.status} (it ${job.status === 'completed' ? 'finished' : 'ended'} first)`,
        'jobId',
      );
    }
    return publicJob(job);
  }

  private changed(job: JobRecord): Job {
    const pub = publicJob(job);
    this.o.events.jobUpdated(pub);
    return pub;
  }
}
