import { promises as fs } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import type { Cookie } from '../../../shared/cookies';
import { VidQueueError } from '../../../shared/errors';
import { type JobError, type JobProgress, type JobStatus, emptyProgress } from '../../../shared/job';
import { chooseTitle, hostTitle } from '../../../shared/title';
import { type FfmpegPlan, buildYtDlpArgs, ffmpegPlan, fileDownloader } from '../downloader/args';
import { removeCookieFile, writeCookieFile } from '../downloader/cookies';
import { Download, loadProcessRunner } from '../downloader/download';
import { moveSubtitles } from '../downloader/companions';
import { fileNameFor, moveIntoPlace, removeStaging, stagingDirFor } from '../downloader/files';
import { videoKey } from '../downloader/video-key';
import { thumbnailOf } from '../probe/reduce';
import { ProgressTracker, type RawInfo } from '../downloader/progress';
import { probeLive } from '../downloader/live-probe';
import { findRecording, finishRecording, recordedBytes } from '../downloader/recording';
import { finishedFile, hasAria2cPartial, prepareStaging } from '../downloader/staging';
import type { ToolLookup } from '../downloader/tools';
import { ytdlpFeatures } from '../tools/features';
import { findJsRuntime } from '../tools/js-runtime';
import type { YtDlpLookup } from '../tools/resolve';
import { classifyError } from '../downloader/ytdlp-errors';
import { diskFullError, freeSpace, isDiskFull, writeOrFreeSpace } from '../faults/disk';
import type { Logger } from '../log';
import type { JobPatch, JobRecord, JobStore } from '../store/jobs';
import { Throttle } from '../util/throttle';
import { KILL_SCHEDULE, STOPPED, type StopReason, decideOutcome, stopFor, strongerStop } from './outcome';

export type { StopReason };

export interface RunnerDeps {
  store: JobStore;
  log: Logger;
  downloadDir: () => string;
  findTools: () => { ytdlp: YtDlpLookup; ffmpeg: ToolLookup; aria2c: ToolLookup };
  /** The browser's cookies a job was given (kept in memory only), or null. */
  cookiesFor: (jobId: number) => readonly Cookie[] | null;
  /** How many connections a download may use: fragments at once (HLS, DASH), connections for a file (aria2c). */
  parallelism: () => { fragments: number; connectionsPerFile: number };
  /** No usable yt-dlp at all: fetch VidQueue's own copy (when it keeps one), then look again. */
  fetchYtDlp?: () => Promise<void>;
  /** A job changed: tell every client. */
  changed: (job: JobRecord) => void;
  /** At most 4 progress events a second a job. */
  progressIntervalMs: number;
}

/** Below this, a download is not started: it would fail at once, leaving a partial file behind. */
const MIN_FREE_TO_START = 1024 * 1024;
/** How often a recording's size is measured on disk (ffmpeg reports no progress). */
const RECORDING_MEASURE_MS = 1000;

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
  /** The managed yt-dlp version this run uses, if it is one: an update must not delete it meanwhile. */
  toolVersion: string | null = null;
  private ffmpegPath: string | null = null;
  private progressDropped = false;
  /** Measures a recording's size while it records. */
  private measure: ReturnType<typeof setInterval> | null = null;

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

  /** Recording a live stream (status `recording`): it has no pause and no way back to the queue. */
  private get recording(): boolean {
    return this.job.status === 'recording';
  }

  /**
   * Stops the job for `reason` and resolves, once it is settled, with the status it
   * reached: `cancelled`/`paused`/`queued`, or `completed` when the download had finished
   * first (completion wins, and the finished file stays), or when a recording was stopped
   * to keep it (`keep`, and a daemon stop, do that to a recording: see `stopFor`).
   */
  async stop(reason: StopReason): Promise<JobStatus | undefined> {
    if (!this.finalizing) {
      const effective = stopFor(reason, this.recording);
      // A keep that raced the stream's own end: nothing to stop.
      if (effective === null) return this.deps.store.get(this.job.id)?.status;
      this.stopReason = strongerStop(this.stopReason, effective);
      const download = this.download;
      if (download) await download.kill(KILL_SCHEDULE[this.stopReason]);
    }
    await this.settled;
    return this.deps.store.get(this.job.id)?.status;
  }

  private async run(resume: boolean): Promise<void> {
    const stagingDir = this.job.stagingDir!;
    try {
      let tools = this.deps.findTools();
      if (!tools.ytdlp.ok && this.deps.fetchYtDlp) {
        this.deps.log.info(`job ${this.job.id}: no usable yt-dlp: fetching VidQueue's own copy first`);
        await this.deps.fetchYtDlp().catch((err) => this.deps.log.warn('fetching yt-dlp failed', err));
        tools = this.deps.findTools();
      }
      if (!tools.ytdlp.ok) return await this.fail(tools.ytdlp.error.toJSON());
      this.toolVersion = tools.ytdlp.managedVersion ?? null;
      // An option newer yt-dlp versions have is passed only to one that lists it.
      const jsRuntime = (await ytdlpFeatures(tools.ytdlp.path)).jsRuntimes ? findJsRuntime() : null;
      const staging = await prepareStaging(stagingDir, resume);
      if (staging.discarded) {
        this.deps.log.warn(`job ${this.job.id}: its staging folder was not sound (${staging.discarded}); starting afresh`);
        this.tracker = new ProgressTracker(emptyProgress());
      }
      const free = freeSpace(stagingDir);
      if (free !== null && free < MIN_FREE_TO_START) return await this.fail(diskFullError(this.deps.downloadDir(), 'The download was not started').toJSON());
      let ffmpeg: FfmpegPlan | null = null;
      if (tools.ffmpeg.ok) {
        this.ffmpegPath = tools.ffmpeg.path;
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
      const early = this.earlyStop();
      if (early) return await this.settleStopped(early);

      // yt-dlp cannot tell a live HLS stream from a video: the server is asked first.
      const referer = this.job.referer ?? this.job.pageUrl;
      const live = await probeLive(this.job.url, referer);
      this.deps.log.info(`job ${this.job.id}: ${live.detail}`);
      const probed = this.earlyStop();
      if (probed) return await this.settleStopped(probed);
      if (live.live) {
        if (!ffmpeg) {
          return await this.fail({
            code: 'FFMPEG_MISSING',
            message: `This is a live stream: recording it needs ffmpeg, and ${this.ffmpegProblem ?? 'ffmpeg cannot be used'}`,
          });
        }
        this.startRecording();
      }

      const { fragments, connectionsPerFile } = this.deps.parallelism();
      // A direct file over several connections, when aria2c is there (its name on PATH: no path for yt-dlp to expand);
      // a partial file aria2c left is continued by aria2c alone.
      const { aria2c, discard } = fileDownloader({
        aria2cPath: tools.aria2c.ok ? tools.aria2c.path : null,
        connections: connectionsPerFile,
        aria2cPartial: staging.resumed && (await hasAria2cPartial(stagingDir)),
      });
      if (discard) {
        this.deps.log.warn(`job ${this.job.id}: its partial file was made by aria2c, which is no longer there: starting afresh`);
        await prepareStaging(stagingDir, false);
        this.tracker = new ProgressTracker(emptyProgress());
      }
      // The browser's login for this download, in a private file while yt-dlp runs.
      const cookies = this.deps.cookiesFor(this.job.id);
      if (cookies) await writeCookieFile(stagingDir, cookies);
      const download = Download.start({
        ytdlp: tools.ytdlp.path,
        args: buildYtDlpArgs({
          url: this.job.url,
          referer,
          preset: this.job.preset,
          ffmpeg,
          choice: this.job.choice ?? null,
          playlistIndex: this.job.playlistIndex ?? null,
          live: live.live,
          jsRuntime,
          fragments,
          aria2c,
          cookies: cookies !== null,
        }),
        cwd: stagingDir,
        pathDir: [ffmpeg?.pathDir, aria2c ? dirname(aria2c.path) : null].filter((d): d is string => !!d),
        onLine: (line) => {
          // A recording's progress is its size on disk; yt-dlp's one line at its end would read as a percent.
          if (line.kind === 'progress' && !this.recording) this.throttle.push(this.tracker.update(line.progress, line.formatId));
          else if (line.kind === 'info') {
            if (!this.recording) this.tracker.setFormats(line.formats, line.info);
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
      if (cookies) await this.dropCookies(stagingDir);
      this.stopMeasuring();
      this.throttle.cancel();

      const recording = this.recording;
      const error = (): JobError =>
        exit.exitCode === 0
          ? { code: 'OUTPUT_FAILED', message: 'yt-dlp finished without reporting a file.', ...(exit.errorText ? { detail: exit.errorText } : {}) }
          : classifyError(exit.errorText, {
              exitCode: exit.exitCode,
              signal: exit.signal,
              ffmpegProblem: this.ffmpegProblem,
              downloadDir: this.deps.downloadDir(),
              freeBytes: () => freeSpace(stagingDir),
            });
      const outcome = decideOutcome({
        exitCode: exit.exitCode,
        file: exit.file,
        stop: this.stopReason,
        recording,
        // What a recording left when yt-dlp did not finish it (stopped hard, or failed): kept, not thrown away.
        recorded: recording && !(exit.exitCode === 0 && exit.file) ? await findRecording(stagingDir) : null,
        error,
      });
      if (outcome.kind === 'complete') {
        this.finalizing = true;
        return await this.complete(outcome.file);
      }
      if (outcome.kind === 'keep') {
        this.finalizing = true;
        const why = outcome.cut === 'failed' ? error() : null;
        return await this.complete(outcome.file, why ? `The recording ended early (${why.message}); what was recorded until then is kept.` : null);
      }
      if (outcome.kind === 'stopped') return await this.settleStopped(outcome.reason);
      return await this.fail(outcome.error);
    } catch (err) {
      this.deps.log.error(`job ${this.job.id}: unexpected error`, err);
      await this.dropCookies(stagingDir);
      this.stopMeasuring();
      if (this.stopReason && this.stopReason !== 'keep') return await this.settleStopped(this.stopReason);
      const error =
        err instanceof VidQueueError
          ? err.toJSON()
          : isDiskFull(err)
            ? diskFullError(this.deps.downloadDir()).toJSON()
            : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
      return await this.fail(error);
    }
  }

  /**
   * The job is a live recording from now on: `recording`, `live`, and its progress is its
   * size on disk, measured every second.
   */
  private startRecording(): void {
    this.job = this.deps.store.apply(this.job.id, 'record', { live: true, progress: this.tracker.recording(0) });
    this.deps.changed(this.job);
    const dir = this.job.stagingDir!;
    this.measure = setInterval(() => {
      recordedBytes(dir).then(
        (bytes) => {
          if (this.measure) this.throttle.push(this.tracker.recording(bytes));
        },
        () => {},
      );
    }, RECORDING_MEASURE_MS);
    this.measure.unref();
    this.deps.log.info(`job ${this.job.id}: recording a live stream`);
  }

  /** A stop asked before yt-dlp started: never `keep`, since nothing records yet (`stopFor`). */
  private earlyStop(): Exclude<StopReason, 'keep'> | null {
    return this.stopReason === 'keep' ? null : this.stopReason;
  }

  private stopMeasuring(): void {
    if (this.measure) clearInterval(this.measure);
    this.measure = null;
  }

  /** What yt-dlp said of the video: its title (`chooseTitle` decides which one the job keeps), and the format it chose. */
  private learnt(info: RawInfo): void {
    // An extractor that knows the stream is live (the daemon's own check knows only HLS).
    if (info.is_live && !this.recording && !this.stopReason) {
      try {
        this.startRecording();
      } catch (err) {
        this.deps.log.error(`job ${this.job.id}: could not mark the job as recording`, err);
      }
    }
    const patch: JobPatch = {};
    const title = chooseTitle({ queued: this.job.title, extracted: { title: info.title, extractor: info.extractor_key }, url: this.job.url });
    if (title !== this.job.title) patch.title = title;
    // The site's image of the video, where nobody gave one when it was queued.
    const thumbnail = this.job.thumbnail ? null : thumbnailOf(info as Record<string, unknown>);
    if (thumbnail) patch.thumbnail = thumbnail;
    // Which video this is, as yt-dlp says: remembered when it completes (a playlist skips it next time).
    const key = info.extractor_key && info.id ? videoKey(info.extractor_key, info.id, info.webpage_url ?? null) : null;
    if (key && (info.extractor_key !== this.job.extractor || key !== this.job.videoId)) {
      patch.extractor = info.extractor_key!.slice(0, 100);
      patch.videoId = key;
    }
    if (this.ffmpegProblem !== null && !this.job.note) {
      const what = [info.height ? `${info.height}p` : null, info.ext ?? null].filter(Boolean).join(' ') || `format ${info.format_id ?? '?'}`;
      patch.note = `ffmpeg is not installed, so a format that is a single file was downloaded (${what}); install ffmpeg for the best quality.`;
    }
    if (Object.keys(patch).length > 0) this.patch(patch);
  }

  /** Moves the finished file into place and completes the job (with `note`: a recording cut short). */
  private async complete(reported: string, note: string | null = null): Promise<void> {
    const stagingDir = this.job.stagingDir!;
    let file: string;
    try {
      // A recording is MPEG-TS (or a partial file): made the file to keep first, MP4 when ffmpeg can.
      const done = this.recording
        ? await finishRecording(stagingDir, resolve(stagingDir, reported), {
            ffmpeg: this.ffmpegPath,
            onRemuxFailed: (why) => this.deps.log.warn(`job ${this.job.id}: the recording is kept as MPEG-TS: remuxing it to MP4 failed: ${why}`),
          })
        : reported;
      file = await finishedFile(stagingDir, done);
    } catch (err) {
      // Not a media file of ours (a .desktop, a symlink…): nothing of it is kept.
      return this.fail(err instanceof VidQueueError ? err.toJSON() : { code: 'OUTPUT_FAILED', message: (err as Error).message });
    }
    let finalPath: string;
    let identity: { ino: string; size: number };
    let subtitleFiles: string[] = [];
    try {
      // Named after the job's title, not yt-dlp's template: `Cats on a boat.mp4`, never `index [index].mp4`.
      const name = fileNameFor(this.job.title ?? hostTitle(this.job.url), extname(file));
      finalPath = await moveIntoPlace(file, this.deps.downloadDir(), name);
      subtitleFiles = await moveSubtitles(file, finalPath, (m, err) => this.deps.log.warn(`job ${this.job.id}: ${m}`, err));
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
      this.deps.store.apply(this.job.id, this.stopReason === 'keep' ? 'stop' : 'complete', {
        ...(note ? { note } : {}),
        filePath: finalPath,
        finishedAt: Date.now(),
        pgid: null,
        fileIdentity: identity,
        subtitleFiles,
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

  private async settleStopped(reason: Exclude<StopReason, 'keep'>): Promise<void> {
    this.throttle.cancel();
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

  /** The cookie file goes as soon as yt-dlp is gone, whatever comes next (a paused job's folder stays). */
  private async dropCookies(stagingDir: string): Promise<void> {
    await removeCookieFile(stagingDir).catch((err) => this.deps.log.error(`job ${this.job.id}: could not delete its cookie file`, err));
  }

  /** Deletes the staging folder of a job whose outcome is written, then tells everyone. */
  private async dropStaging(): Promise<void> {
    // This run's own folder: a retry may already have cleared the job's record of it.
    const dir = this.job.stagingDir;
    if (dir) {
      try {
        await removeStaging(dir);
        if (this.deps.store.require(this.job.id).stagingDir === dir) this.patch({ stagingDir: null });
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
