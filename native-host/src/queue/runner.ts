import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import { VidQueueError } from '../../../shared/errors';
import type { JobError, JobProgress, JobStatus } from '../../../shared/job';
import { buildYtDlpArgs } from '../downloader/args';
import { Download, type Exit, loadProcessRunner } from '../downloader/download';
import { ensureDir, isInside, moveIntoPlace, removeStaging, stagingDirFor } from '../downloader/files';
import { ProgressTracker, Throttle } from '../downloader/progress';
import type { ToolLookup } from '../downloader/tools';
import type { Logger } from '../log';
import type { JobRecord, JobStore } from '../store/jobs';
import { CANCEL_SCHEDULE, GRACEFUL_SCHEDULE } from '../terminate/kill';

export type StopReason = 'cancel' | 'pause' | 'shutdown';

export interface RunnerDeps {
  store: JobStore;
  log: Logger;
  downloadDir: () => string;
  findTools: () => { ytdlp: ToolLookup; ffmpeg: ToolLookup };
  /** A job changed: tell every client. */
  changed: (job: JobRecord) => void;
  /** At most 4 progress events a second a job. */
  progressIntervalMs: number;
}

const STRENGTH: Record<StopReason, number> = { shutdown: 0, pause: 1, cancel: 2 };

/**
 * Runs one job from `downloading` to its end. Every status change of a started job is
 * written here and nowhere else, so a stop request and the process's own exit can
 * never both decide the outcome.
 */
export class Runner {
  /** Resolves once the job's outcome is written and its processes and files are settled. */
  readonly settled: Promise<void>;
  private reason: StopReason | null = null;
  private download: Download | null = null;
  private finalizing = false;
  private readonly tracker: ProgressTracker;
  private readonly throttle: Throttle<JobProgress>;

  constructor(
    private job: JobRecord,
    private readonly deps: RunnerDeps,
  ) {
    const stagingDir = job.stagingDir ?? stagingDirFor(deps.downloadDir(), job.id);
    // Synchronous: from here on the job is `downloading` and counted against the limit.
    this.job = deps.store.apply(job.id, 'start', {
      startedAt: Date.now(),
      stagingDir,
      attempts: job.attempts + 1,
      error: null,
      finishedAt: null,
    });
    this.tracker = new ProgressTracker(this.job.progress);
    this.throttle = new Throttle(deps.progressIntervalMs, (p) => this.saveProgress(p));
    deps.changed(this.job);
    this.settled = this.run().catch((err) => deps.log.error(`job ${job.id}: runner failed`, err));
  }

  get id(): number {
    return this.job.id;
  }

  /**
   * Stops the job for `reason` and resolves, once it is settled, with the status it
   * reached: `cancelled`/`paused`/`queued`, or `completed` when the download had finished
   * first (completion wins, and the finished file stays).
   */
  async stop(reason: StopReason): Promise<JobStatus | undefined> {
    if (!this.finalizing) {
      if (this.reason === null || STRENGTH[reason] > STRENGTH[this.reason]) this.reason = reason;
      const download = this.download;
      if (download) await download.kill(this.reason === 'cancel' ? CANCEL_SCHEDULE : GRACEFUL_SCHEDULE);
    }
    await this.settled;
    return this.deps.store.get(this.job.id)?.status;
  }

  private async run(): Promise<void> {
    const { store } = this.deps;
    const stagingDir = this.job.stagingDir!;
    try {
      await ensureDir(join(stagingDir, 'part'));
      const tools = this.deps.findTools();
      if (!tools.ytdlp.ok) return await this.fail(tools.ytdlp.error.toJSON());
      if (this.job.preset === 'audio' && !tools.ffmpeg.ok) return await this.fail(tools.ffmpeg.error.toJSON());
      await loadProcessRunner();
      if (this.reason) return await this.settleStopped();

      const args = buildYtDlpArgs({
        url: this.job.url,
        referer: this.job.pageUrl,
        preset: this.job.preset,
        stagingDir,
        ffmpegPath: tools.ffmpeg.ok ? tools.ffmpeg.path : null,
      });
      const download = Download.start({
        ytdlp: tools.ytdlp.path,
        args,
        cwd: stagingDir,
        onLine: (line) => {
          if (line.kind === 'progress') this.throttle.push(this.tracker.update(line.progress, line.formatId));
          else if (line.kind === 'info') {
            this.tracker.setFormats(line.formats, line.info);
            if (!this.job.title && line.info.title) this.job = store.patch(this.job.id, { title: cleanTitle(line.info.title) });
          }
        },
      });
      this.download = download;
      if (download.pgid > 1) this.job = store.patch(this.job.id, { pgid: download.pgid });
      this.deps.log.info(`job ${this.job.id}: started yt-dlp (pgid ${download.pgid})`);
      const exit = await download.done;
      // The group is gone: never signal its number again (it may be reused).
      this.download = null;
      this.throttle.cancel();

      // yt-dlp exiting 0 with its final file means the download finished: that wins over a stop.
      if (exit.exitCode === 0 && exit.file) {
        this.finalizing = true;
        return await this.complete(exit.file);
      }
      if (this.reason) return await this.settleStopped();
      return await this.fail(errorFromExit(exit));
    } catch (err) {
      this.deps.log.error(`job ${this.job.id}: unexpected error`, err);
      if (this.reason) return await this.settleStopped();
      return await this.fail({ code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) });
    }
  }

  private async complete(reported: string): Promise<void> {
    const stagingDir = this.job.stagingDir!;
    if (!isInside(stagingDir, reported)) {
      return this.fail({ code: 'OUTPUT_FAILED', message: `yt-dlp reported a file outside the job's folder: ${reported}` });
    }
    let finalPath: string;
    let identity: { ino: string; size: number };
    try {
      finalPath = await moveIntoPlace(reported, this.deps.downloadDir(), basename(reported));
      const st = await fs.stat(finalPath, { bigint: true });
      identity = { ino: String(st.ino), size: Number(st.size) };
    } catch (err) {
      // The finished file is still in the staging folder: keep it, a retry picks it up.
      return this.fail({ code: 'OUTPUT_FAILED', message: `Could not move the finished file into ${this.deps.downloadDir()}: ${(err as Error).message}` }, true);
    }
    // The outcome is written first: a crash after this line loses nothing, and recovery
    // deletes the staging folder of a job that is no longer live.
    this.deps.store.apply(this.job.id, 'complete', {
      filePath: finalPath,
      finishedAt: Date.now(),
      pgid: null,
      fileIdentity: identity,
      progress: this.tracker.complete(identity.size),
    });
    await this.dropStaging();
    this.deps.log.info(`job ${this.job.id}: completed → ${finalPath}`);
  }

  private async fail(error: JobError, keepStaging = false): Promise<void> {
    this.throttle.cancel();
    this.deps.store.apply(this.job.id, 'fail', {
      error,
      finishedAt: Date.now(),
      pgid: null,
      progress: { ...this.tracker.progress, speed: null, eta: null },
    });
    if (keepStaging) this.publish(this.deps.store.require(this.job.id));
    else await this.dropStaging();
    this.deps.log.warn(`job ${this.job.id}: failed: ${error.code}: ${error.message}`);
  }

  private async settleStopped(): Promise<void> {
    this.throttle.cancel();
    const progress = { ...this.tracker.progress, speed: null, eta: null };
    const { store } = this.deps;
    const id = this.job.id;
    if (this.reason === 'cancel') {
      const now = Date.now();
      store.apply(id, 'cancel', { cancelledAt: now, finishedAt: now, pgid: null, progress });
      // The reply to a cancel is sent only after this: no process, no partial file.
      await this.dropStaging();
    } else if (this.reason === 'pause') {
      this.publish(store.apply(id, 'pause', { pgid: null, progress }));
    } else {
      this.publish(store.apply(id, 'requeue', { pgid: null, progress }));
    }
    this.deps.log.info(`job ${id}: stopped (${this.reason})`);
  }

  /** Deletes the staging folder of a job whose outcome is written, then tells everyone. */
  private async dropStaging(): Promise<void> {
    const dir = this.deps.store.require(this.job.id).stagingDir;
    if (dir) {
      try {
        await removeStaging(dir);
        this.deps.store.patch(this.job.id, { stagingDir: null });
      } catch (err) {
        // Kept on record: the next daemon start deletes it (the job is no longer live).
        this.deps.log.error(`job ${this.job.id}: could not delete ${dir}`, err);
      }
    }
    this.publish(this.deps.store.require(this.job.id));
  }

  private saveProgress(p: JobProgress): void {
    if (this.reason || this.finalizing) return;
    this.deps.store.updateProgress(this.job.id, p);
    this.job = { ...this.job, progress: p };
    this.deps.changed(this.job);
  }

  private publish(job: JobRecord): void {
    this.job = job;
    this.deps.changed(job);
  }
}

/** yt-dlp's error, with a code a client can act on. */
export function errorFromExit(exit: Exit): JobError {
  const text = exit.errorText.trim() || `yt-dlp exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.exitCode}`}`;
  if (/Unsupported URL/i.test(text)) return { code: 'UNSUPPORTED_URL', message: text };
  if (exit.exitCode === 0 && !exit.file) return { code: 'OUTPUT_FAILED', message: `yt-dlp finished without reporting a file. ${text}`.trim() };
  return { code: 'DOWNLOAD_FAILED', message: text };
}

/** Titles are for display only; still, no control or bidi-override characters, and a sane length. */
export function cleanTitle(title: string): string {
  return title
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim()
    .slice(0, 1000);
}

export { VidQueueError };
