import { promises as fs } from 'node:fs';
import { extname } from 'node:path';
import { VidQueueError } from '../../../shared/errors';
import { type JobError, type JobProgress, type JobStatus, emptyProgress } from '../../../shared/job';
import { chooseTitle, hostTitle } from '../../../shared/title';
import { type FfmpegPlan, buildYtDlpArgs, ffmpegPlan } from '../downloader/args';
import { Download, loadProcessRunner } from '../downloader/download';
import { fileNameFor, moveIntoPlace, removeStaging, stagingDirFor } from '../downloader/files';
import { ProgressTracker, type RawInfo } from '../downloader/progress';
import { finishedFile, prepareStaging } from '../downloader/staging';
import type { ToolLookup } from '../downloader/tools';
import { classifyError } from '../downloader/ytdlp-errors';
import { diskFullError, freeSpace, isDiskFull, writeOrFreeSpace } from '../faults/disk';
import type { Logger } from '../log';
import type { JobPatch, JobRecord, JobStore } from '../store/jobs';
import { CANCEL_SCHEDULE, GRACEFUL_SCHEDULE } from '../terminate/kill';
import { Throttle } from '../util/throttle';
import { STOPPED, type StopReason, decideOutcome, strongerStop } from './outcome';

export type { StopReason };

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

/** Below this, a download is not started: it would fail at once, leaving a partial file behind. */
const MIN_FREE_TO_START = 1024 * 1024;

/**
 * Runs one job from `downloading` to its end. Every status change of a started job is
 * written here and nowhere else; what the outcome is, is decided by `outcome.ts`.
 */
export class Runner {
  /** Resolves once the job's outcome is written and its processes and files are settled. */
  readonly settled: Promise<void>;
  private stopReason: StopReason | null = null;
  private download: Download | null = null;
  private finalizing = false;
  private tracker: ProgressTracker;
  private readonly throttle: Throttle<JobProgress>;
  /** Why ffmpeg is not there, when it is not: the job then downloads a single-file format. */
  private ffmpegProblem: string | null = null;
  private progressDropped = false;

  constructor(
    private job: JobRecord,
    private readonly deps: RunnerDeps,
  ) {
    const resume = job.stagingDir !== null;
    // Synchronous: from here on the job is `downloading` and counted against the limit. The
    // folder is recorded before anything is written in it, so a crash leaves nothing unknown.
    this.job = deps.store.apply(job.id, 'start', {
      startedAt: Date.now(),
      stagingDir: job.stagingDir ?? stagingDirFor(deps.downloadDir(), job.id),
      attempts: job.attempts + 1,
      error: null,
      finishedAt: null,
    });
    this.tracker = new ProgressTracker(this.job.progress);
    this.throttle = new Throttle(deps.progressIntervalMs, (p) => this.saveProgress(p));
    deps.changed(this.job);
    this.settled = this.run(resume).catch((err) => deps.log.error(`job ${job.id}: runner failed`, err));
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
      this.stopReason = strongerStop(this.stopReason, reason);
      const download = this.download;
      if (download) await download.kill(this.stopReason === 'cancel' ? CANCEL_SCHEDULE : GRACEFUL_SCHEDULE);
    }
    await this.settled;
    return this.deps.store.get(this.job.id)?.status;
  }

  private async run(resume: boolean): Promise<void> {
    const stagingDir = this.job.stagingDir!;
    try {
      const tools = this.deps.findTools();
      if (!tools.ytdlp.ok) return await this.fail(tools.ytdlp.error.toJSON());
      const staging = await prepareStaging(stagingDir, resume);
      if (staging.discarded) {
        this.deps.log.warn(`job ${this.job.id}: its staging folder was not sound (${staging.discarded}); starting afresh`);
        this.tracker = new ProgressTracker(emptyProgress());
      }
      const free = freeSpace(stagingDir);
      if (free !== null && free < MIN_FREE_TO_START) return await this.fail(diskFullError(this.deps.downloadDir(), 'The download was not started').toJSON());
      let ffmpeg: FfmpegPlan | null = null;
      if (tools.ffmpeg.ok) {
        ffmpeg = ffmpegPlan(tools.ffmpeg.path, stagingDir);
        if (!ffmpeg) {
          return await this.fail({
            code: 'FFMPEG_MISSING',
            message: `ffmpeg at ${tools.ffmpeg.path} cannot be handed to yt-dlp: its path holds a "$", which yt-dlp would read as a variable. Install ffmpeg elsewhere, or point VIDQUEUE_FFMPEG at a copy named ffmpeg.`,
          });
        }
      } else {
        this.ffmpegProblem = tools.ffmpeg.error.message;
      }
      await loadProcessRunner();
      if (this.stopReason) return await this.settleStopped();

      const download = Download.start({
        ytdlp: tools.ytdlp.path,
        args: buildYtDlpArgs({ url: this.job.url, referer: this.job.referer ?? this.job.pageUrl, preset: this.job.preset, ffmpeg }),
        cwd: stagingDir,
        pathDir: ffmpeg?.pathDir ?? null,
        onLine: (line) => {
          if (line.kind === 'progress') this.throttle.push(this.tracker.update(line.progress, line.formatId));
          else if (line.kind === 'info') {
            this.tracker.setFormats(line.formats, line.info);
            this.learnt(line.info);
          }
        },
      });
      this.download = download;
      if (download.pgid > 1) this.patch({ pgid: download.pgid });
      this.deps.log.info(`job ${this.job.id}: started yt-dlp (pgid ${download.pgid})`);
      const exit = await download.done;
      // The group is gone: never signal its number again (it may be reused).
      this.download = null;
      this.throttle.cancel();

      const outcome = decideOutcome({
        exitCode: exit.exitCode,
        file: exit.file,
        stop: this.stopReason,
        error: () =>
          exit.exitCode === 0
            ? { code: 'OUTPUT_FAILED', message: 'yt-dlp finished without reporting a file.', ...(exit.errorText ? { detail: exit.errorText } : {}) }
            : classifyError(exit.errorText, {
                exitCode: exit.exitCode,
                signal: exit.signal,
                ffmpegProblem: this.ffmpegProblem,
                downloadDir: this.deps.downloadDir(),
                freeBytes: () => freeSpace(stagingDir),
              }),
      });
      if (outcome.kind === 'complete') {
        this.finalizing = true;
        return await this.complete(outcome.file);
      }
      if (outcome.kind === 'stopped') return await this.settleStopped();
      return await this.fail(outcome.error);
    } catch (err) {
      this.deps.log.error(`job ${this.job.id}: unexpected error`, err);
      if (this.stopReason) return await this.settleStopped();
      const error =
        err instanceof VidQueueError
          ? err.toJSON()
          : isDiskFull(err)
            ? diskFullError(this.deps.downloadDir()).toJSON()
            : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
      return await this.fail(error);
    }
  }

  /** What yt-dlp said of the video: its title (`chooseTitle` decides which one the job keeps), and the format it chose. */
  private learnt(info: RawInfo): void {
    const patch: JobPatch = {};
    const title = chooseTitle({ queued: this.job.title, extracted: { title: info.title, extractor: info.extractor_key }, url: this.job.url });
    if (title !== this.job.title) patch.title = title;
    if (this.ffmpegProblem !== null && !this.job.note) {
      const what = [info.height ? `${info.height}p` : null, info.ext ?? null].filter(Boolean).join(' ') || `format ${info.format_id ?? '?'}`;
      patch.note = `ffmpeg is not installed, so a format that is a single file was downloaded (${what}); install ffmpeg for the best quality.`;
    }
    if (Object.keys(patch).length > 0) this.patch(patch);
  }

  private async complete(reported: string): Promise<void> {
    const stagingDir = this.job.stagingDir!;
    let file: string;
    try {
      file = await finishedFile(stagingDir, reported);
    } catch (err) {
      // Not a media file of ours (a .desktop, a symlink…): nothing of it is kept.
      return this.fail(err instanceof VidQueueError ? err.toJSON() : { code: 'OUTPUT_FAILED', message: (err as Error).message });
    }
    let finalPath: string;
    let identity: { ino: string; size: number };
    try {
      // Named after the job's title, not yt-dlp's template: `Cats on a boat.mp4`, never `index [index].mp4`.
      const name = fileNameFor(this.job.title ?? hostTitle(this.job.url), extname(file));
      finalPath = await moveIntoPlace(file, this.deps.downloadDir(), name);
      const st = await fs.stat(finalPath, { bigint: true });
      identity = { ino: String(st.ino), size: Number(st.size) };
    } catch (err) {
      // The finished file is still in the staging folder: keep it, a retry picks it up.
      const error = isDiskFull(err)
        ? diskFullError(this.deps.downloadDir(), 'The finished file could not be moved into place').toJSON()
        : { code: 'OUTPUT_FAILED', message: `Could not move the finished file into ${this.deps.downloadDir()}: ${(err as Error).message}` };
      return this.fail(error, true);
    }
    // The outcome is written first: a crash after this line loses nothing, and recovery
    // deletes the staging folder of a job that is no longer live.
    await this.writeOutcome(() =>
      this.deps.store.apply(this.job.id, 'complete', {
        filePath: finalPath,
        finishedAt: Date.now(),
        pgid: null,
        fileIdentity: identity,
        progress: this.tracker.complete(identity.size),
      }),
    );
    await this.dropStaging();
    this.deps.log.info(`job ${this.job.id}: completed → ${finalPath}`);
  }

  private async fail(error: JobError, keepStaging = false): Promise<void> {
    this.throttle.cancel();
    const progress = { ...this.tracker.progress, speed: null, eta: null };
    await this.writeOutcome(() => this.deps.store.apply(this.job.id, 'fail', { error, finishedAt: Date.now(), pgid: null, progress }), !keepStaging);
    if (keepStaging) this.publish(this.deps.store.require(this.job.id));
    else await this.dropStaging();
    this.deps.log.warn(`job ${this.job.id}: failed: ${error.code}: ${error.message}`);
  }

  private async settleStopped(): Promise<void> {
    this.throttle.cancel();
    const reason = this.stopReason!;
    const { status, keepStaging } = STOPPED[reason];
    const progress = { ...this.tracker.progress, speed: null, eta: null };
    const now = Date.now();
    const action = status === 'cancelled' ? 'cancel' : status === 'paused' ? 'pause' : 'requeue';
    const patch: JobPatch = status === 'cancelled' ? { cancelledAt: now, finishedAt: now, pgid: null, progress } : { pgid: null, progress };
    await this.writeOutcome(() => this.deps.store.apply(this.job.id, action, patch), !keepStaging);
    // The reply to a cancel is sent only after this: no process, no partial file.
    if (keepStaging) this.publish(this.deps.store.require(this.job.id));
    else await this.dropStaging();
    this.deps.log.info(`job ${this.job.id}: stopped (${reason})`);
  }

  /**
   * Writes the job's outcome. On a full disk the database may refuse it: the staging folder
   * (when it goes anyway) is deleted first to make room, and the write tried again. If it
   * still fails, the job stays `downloading` on record and recovery settles it at the next
   * start; nothing is lost.
   */
  private async writeOutcome(write: () => JobRecord, mayFreeStaging = false): Promise<void> {
    const dir = this.job.stagingDir;
    try {
      await writeOrFreeSpace(write, mayFreeStaging && dir ? () => removeStaging(dir) : null);
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      this.deps.log.error(`job ${this.job.id}: the disk is full: its outcome is settled at the next start`);
    }
  }

  /** Deletes the staging folder of a job whose outcome is written, then tells everyone. */
  private async dropStaging(): Promise<void> {
    const dir = this.deps.store.require(this.job.id).stagingDir;
    if (dir) {
      try {
        await removeStaging(dir);
        this.patch({ stagingDir: null });
      } catch (err) {
        // Kept on record: the next daemon start deletes it (the job is no longer live).
        this.deps.log.error(`job ${this.job.id}: could not delete ${dir}`, err);
      }
    }
    this.publish(this.deps.store.require(this.job.id));
  }

  /** A change that is not an outcome (title, pgid, note): not worth failing a download on a full disk. */
  private patch(patch: JobPatch): void {
    try {
      this.job = this.deps.store.patch(this.job.id, patch);
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      this.job = { ...this.job, ...(patch as Partial<JobRecord>) };
    }
  }

  private saveProgress(p: JobProgress): void {
    if (this.stopReason || this.finalizing) return;
    try {
      this.deps.store.updateProgress(this.job.id, p);
    } catch (err) {
      // A progress write that cannot be stored is dropped (it runs from a timer: never thrown):
      // the next one, or the outcome, follows.
      if (!this.progressDropped) this.deps.log.warn(`job ${this.job.id}: progress is not stored for now${isDiskFull(err) ? ': the disk is full' : ''}`, err);
      this.progressDropped = true;
    }
    this.job = { ...this.job, progress: p };
    this.deps.changed(this.job);
  }

  private publish(job: JobRecord): void {
    this.job = job;
    this.deps.changed(job);
  }
}
