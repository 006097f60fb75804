import { promises as fs } from 'node:fs';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { Choice } from '../../../shared/choice';
import type { Cookie } from '../../../shared/cookies';
import { ERROR_CODES, type ErrorCode, VidQueueError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import type { EntrySelection, Group } from '../../../shared/group';
import { type Job, type JobStatus, type Preset, emptyProgress, isFinished, transition } from '../../../shared/job';
import type { GroupActionResult, GroupPage, JobPage } from '../../../shared/protocol';
import { MAX_MESSAGE_TO_BROWSER } from '../../../shared/protocol';
import { quote } from '../../../shared/quote';
import { removeStaging } from '../downloader/files';
import { writeOrFreeSpace } from '../faults/disk';
import { findTool } from '../downloader/tools';
import { findYtDlp } from '../tools/resolve';
import type { Logger } from '../log';
import type { FullEntry } from '../probe/reduce';
import type { GroupStore } from '../store/groups';
import { type JobRecord, type JobStore, type NewJob, publicJob } from '../store/jobs';
import type { SettingsStore } from '../store/settings';
import { Throttle } from '../util/throttle';
import { type PlaylistSource, entryJob, pickEntries, planEntries } from './playlist-plan';
import { Runner, type RunnerDeps, type StopReason } from './runner';

/** How a job's format is decided: a preset, or an exact choice (then the nearest preset too). */
type JobFormat = { preset: Preset; choice: Choice | null };

interface QueueEvents {
  jobUpdated(job: Job): void;
  jobsRemoved(ids: number[]): void;
  groupUpdated(group: Group): void;
  groupsRemoved(ids: number[]): void;
}

export interface QueueOptions {
  store: JobStore;
  groups: GroupStore;
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
/** Playlist entries are added this many at a time (one transaction), the event loop free in between. */
const ADD_BATCH = 25;
/** At most this many `group.updated` events a second a group. */
const GROUP_EVENT_MS = 250;

/**
 * The queue: FIFO with a concurrency limit, and the user's actions on jobs. Jobs that are
 * not running are changed here directly; a running job is changed only through its Runner.
 */
export class Queue {
  private readonly running = new Map<number, Runner>();
  /** The browser's cookies of unfinished jobs that were given some: in memory only, gone when the job ends or the daemon stops. */
  private readonly cookies = new Map<number, readonly Cookie[]>();
  private readonly runnerDeps: RunnerDeps;
  private stopping = false;
  /** Groups whose entries are being added, and the adding's end. */
  private readonly adding = new Map<number, Promise<void>>();
  private readonly groupEvents = new Map<number, Throttle<number>>();

  constructor(private readonly o: QueueOptions) {
    const env = o.env ?? process.env;
    this.runnerDeps = {
      store: o.store,
      log: o.log,
      downloadDir: () => o.settings.get().downloadDir,
      findTools: () => ({ ytdlp: findYtDlp(o.dataDir, env), ffmpeg: findTool('ffmpeg', env), aria2c: findTool('aria2c', env) }),
      cookiesFor: (id) => this.cookies.get(id) ?? null,
      parallelism: () => ({ fragments: o.settings.get().fragmentConcurrency, connectionsPerFile: o.settings.get().connectionsPerFile }),
      fetchYtDlp: o.fetchYtDlp,
      changed: (job) => {
        this.changed(job);
      },
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

  add(job: NewJob, cookies: readonly Cookie[] = []): Job {
    const added = this.o.store.add(job);
    if (cookies.length > 0) this.cookies.set(added.id, cookies);
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

  /** A page of jobs (of one group, when given): active ones in queue order, then the history, newest first. */
  list(cursor = 0, limit = 200, groupId?: number): JobPage {
    if (groupId !== undefined) this.o.groups.require(groupId);
    const total = groupId === undefined ? this.o.store.count() : this.o.store.countInGroup(groupId);
    const rows = groupId === undefined ? this.o.store.page(cursor, limit) : this.o.store.pageInGroup(groupId, cursor, limit);
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
    if (runner) {
      // Finished on record while its run still settles (moving the file, deleting the folder):
      // answered as any finished job is, not as a race lost.
      const t = transition(this.o.store.require(id).status, 'cancel');
      if (!t.ok) throw new VidQueueError('INVALID_TRANSITION', `Job ${id}: ${t.message}`, 'jobId');
      return this.stopRunner(runner, 'cancel');
    }
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
  retry(id: number, change: { url?: string | undefined; referer?: string | null | undefined; cookies?: readonly Cookie[] | undefined } = {}): Job {
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
      subtitleFiles: [],
      note: null,
      progress: emptyProgress(),
    });
    if (change.cookies?.length) this.cookies.set(job.id, change.cookies);
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
      // Its subtitle files go with it, the video deleted or already gone (those gone too are no matter).
      for (const sub of job.subtitleFiles ?? []) await fs.unlink(sub).catch(() => {});
    }
    this.o.store.deleteFinished(id);
    this.o.events.jobsRemoved([id]);
    this.dropEmptyGroups();
    return { jobId: id, fileDeleted };
  }

  /** Removes every finished job from the history; files stay. */
  clear(): number[] {
    const ids = this.o.store.deleteAllFinished();
    if (ids.length > 0) this.o.events.jobsRemoved(ids);
    this.dropEmptyGroups();
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
    if (ids.length > 0) {
      this.o.events.jobsRemoved(ids);
      this.dropEmptyGroups();
    }
    return ids;
  }

  /**
   * Makes a playlist group and its jobs, one an entry: the first batch now, the rest in
   * batches with the event loop free in between (running downloads keep sending progress),
   * until all are added or the group is cancelled. Returns the group at once.
   */
  addPlaylist(source: PlaylistSource & { title: string | null }, entries: FullEntry[], sel: EntrySelection, how: JobFormat, again: boolean): Group {
    const picked = pickEntries(entries, sel);
    const plan = planEntries(picked, (extractor, videoId) => this.o.store.wasDownloaded(extractor, videoId), again);
    const created = this.o.groups.create({
      url: source.url,
      pageUrl: source.pageUrl,
      title: source.title,
      total: picked.length,
      skipped: plan.skipped,
      adding: true,
    });
    const jobs = plan.add.map((e) => entryJob(e, source, how, created.id));
    const done = this.addEntries(created.id, jobs);
    this.adding.set(created.id, done);
    void done.finally(() => this.adding.delete(created.id));
    return this.o.groups.require(created.id);
  }

  getGroup(id: number): Group {
    return this.o.groups.require(id);
  }

  /** Groups, newest first. */
  listGroups(cursor = 0, limit = 100): GroupPage {
    const total = this.o.groups.count();
    const groups = this.o.groups.page(cursor, limit);
    const next = cursor + groups.length;
    return { groups, nextCursor: next < total ? next : null, total };
  }

  /** Cancels every unfinished job of the group; entries not added yet never will be. */
  async cancelGroup(id: number): Promise<GroupActionResult> {
    const group = this.o.groups.require(id);
    const unfinished = this.o.store.inGroup(id).filter((j) => !isFinished(j.status));
    // Written before anything awaits: the adding stops at its next batch.
    if (group.adding || unfinished.length > 0) this.o.groups.setCancelled(id);
    // Queued and paused jobs first, so that none of them starts in a slot a cancelled download frees.
    const order = [...unfinished.filter((j) => !this.running.has(j.id)), ...unfinished.filter((j) => this.running.has(j.id))];
    const jobIds = await this.onEach(order, (jobId) => this.cancel(jobId));
    await this.adding.get(id);
    return { group: this.groupNow(id), jobIds };
  }

  /** Pauses the group's queued and running jobs (a live recording cannot be paused: it goes on). */
  async pauseGroup(id: number): Promise<GroupActionResult> {
    this.o.groups.require(id);
    const jobs = this.inGroupWith(id, ['queued', 'downloading']);
    const order = [...jobs.filter((j) => !this.running.has(j.id)), ...jobs.filter((j) => this.running.has(j.id))];
    const jobIds = await this.onEach(order, (jobId) => this.pause(jobId));
    return { group: this.groupNow(id), jobIds };
  }

  async resumeGroup(id: number): Promise<GroupActionResult> {
    this.o.groups.require(id);
    const jobIds = await this.onEach(this.inGroupWith(id, ['paused']), async (jobId) => this.resume(jobId));
    return { group: this.groupNow(id), jobIds };
  }

  async retryFailedInGroup(id: number): Promise<GroupActionResult> {
    this.o.groups.require(id);
    const jobIds = await this.onEach(this.inGroupWith(id, ['failed']), async (jobId) => this.retry(jobId));
    return { group: this.groupNow(id), jobIds };
  }

  private inGroupWith(id: number, statuses: JobStatus[]): JobRecord[] {
    return this.o.store.inGroup(id).filter((j) => statuses.includes(j.status));
  }

  /** Applies an action to each job (all started at once, in order); the ids of those it succeeded on. */
  private async onEach(jobs: JobRecord[], action: (jobId: number) => Promise<Job>): Promise<number[]> {
    const results = await Promise.allSettled(jobs.map((j) => action(j.id)));
    return results.flatMap((r, i) => (r.status === 'fulfilled' ? [jobs[i]!.id] : []));
  }

  private async addEntries(groupId: number, jobs: NewJob[]): Promise<void> {
    try {
      for (let i = 0; i < jobs.length; i += ADD_BATCH) {
        if (i > 0) await yieldToEvents();
        if (this.stopping || this.o.groups.isCancelled(groupId)) break;
        for (const job of this.o.store.addMany(jobs.slice(i, i + ADD_BATCH))) this.o.events.jobUpdated(publicJob(job));
        this.pump();
        this.groupChanged(groupId);
      }
    } catch (err) {
      this.o.log.error(`group ${groupId}: its entries could not all be added`, err);
    } finally {
      try {
        this.o.groups.setAdding(groupId, false);
      } catch (err) {
        // A full disk: the next start puts it right (`stopAllAdding`).
        this.o.log.error(`group ${groupId}: could not record that its adding ended`, err);
      }
      this.groupNow(groupId);
    }
  }

  /** Tells every client about the group, at most 4 times a second. */
  private groupChanged(id: number): void {
    this.groupThrottle(id).push(id);
  }

  /** Tells every client about the group now, and returns it. */
  private groupNow(id: number): Group {
    this.groupThrottle(id).flush(id);
    return this.o.groups.require(id);
  }

  private groupThrottle(id: number): Throttle<number> {
    let throttle = this.groupEvents.get(id);
    if (!throttle) {
      throttle = new Throttle(GROUP_EVENT_MS, (gid) => {
        try {
          this.o.events.groupUpdated(this.o.groups.require(gid));
        } catch {
          // removed meanwhile
        }
      });
      this.groupEvents.set(id, throttle);
    }
    return throttle;
  }

  /** Groups none of whose jobs is left in the history go too. */
  private dropEmptyGroups(): void {
    const ids = this.o.groups.deleteEmpty();
    for (const id of ids) {
      this.groupEvents.get(id)?.cancel();
      this.groupEvents.delete(id);
    }
    if (ids.length > 0) this.o.events.groupsRemoved(ids);
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
    for (const t of this.groupEvents.values()) t.cancel();
    await Promise.all([...this.running.values()].map((r) => r.stop('shutdown')));
    await Promise.all(this.adding.values());
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
    if (isFinished(job.status)) this.cookies.delete(job.id);
    const pub = publicJob(job);
    this.o.events.jobUpdated(pub);
    if (job.groupId) this.groupChanged(job.groupId);
    return pub;
  }
}
