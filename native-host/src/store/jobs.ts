import * as v from 'valibot';
import { type Choice, ChoiceSchema } from '../../../shared/choice';
import { VidQueueError } from '../../../shared/errors';
import {
  ACTIVE_STATUSES,
  FINISHED_STATUSES,
  type Job,
  type JobAction,
  type JobError,
  type JobProgress,
  type JobStatus,
  type Preset,
  transition,
} from '../../../shared/job';
import type { DB } from './db';

interface JobRow {
  id: number;
  url: string;
  page_url: string | null;
  title: string | null;
  preset: string;
  status: string;
  position: number;
  downloaded_bytes: number;
  total_bytes: number | null;
  total_is_estimate: number;
  speed: number | null;
  eta: number | null;
  fragment_index: number | null;
  fragment_count: number | null;
  percent: number | null;
  file_path: string | null;
  error_code: string | null;
  error_message: string | null;
  error_detail?: string | null;
  note?: string | null;
  referer?: string | null;
  live?: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  cancelled_at: number | null;
  pgid: number | null;
  staging_dir: string | null;
  attempts: number;
  file_ino?: string | null;
  file_size?: number | null;
  group_id?: number | null;
  playlist_index?: number | null;
  choice?: string | null;
  extractor?: string | null;
  video_id?: string | null;
  expected_size?: number | null;
  expected_size_estimate?: number;
  subtitle_files?: string | null;
  thumbnail?: string | null;
}

/** What the daemon knows of a job beyond what clients see. */
export interface JobRecord extends Job {
  pgid: number | null;
  stagingDir: string | null;
  attempts: number;
  /** Inode and size of the finished file when it was moved into place. */
  fileIdentity: { ino: string; size: number } | null;
  /** The site (yt-dlp's extractor) and its id of the video: what `downloaded` remembers once it completes. */
  extractor: string | null;
  videoId: string | null;
}

export interface NewJob {
  url: string;
  pageUrl: string | null;
  referer?: string | null;
  title: string | null;
  thumbnail?: string | null;
  preset: Preset;
  choice?: Choice | null;
  groupId?: number | null;
  playlistIndex?: number | null;
  extractor?: string | null;
  videoId?: string | null;
  expectedSize?: { bytes: number; estimate: boolean } | null;
}

/** Column changes that may go with a transition. */
export interface JobPatch {
  /** Only a retry changes them: a job that failed before any byte came, given what a page found since. */
  url?: string;
  referer?: string | null;
  title?: string | null;
  thumbnail?: string | null;
  filePath?: string | null;
  error?: JobError | null;
  note?: string | null;
  live?: boolean;
  startedAt?: number | null;
  finishedAt?: number | null;
  cancelledAt?: number | null;
  pgid?: number | null;
  stagingDir?: string | null;
  attempts?: number;
  progress?: JobProgress;
  fileIdentity?: { ino: string; size: number } | null;
  subtitleFiles?: string[];
  extractor?: string | null;
  videoId?: string | null;
}

const FINISHED_SQL = `(${FINISHED_STATUSES.map((s) => `'${s}'`).join(',')})`;
const ACTIVE_SQL = `(${ACTIVE_STATUSES.map((s) => `'${s}'`).join(',')})`;
/** Unfinished jobs first in queue order, then the history, newest first: `compareJobs` in SQL (index `jobs_list_order`, migration 006). */
const LIST_ORDER = `ORDER BY (status IN ${FINISHED_SQL}), CASE WHEN status IN ${FINISHED_SQL} THEN -finished_at ELSE position END, id`;

/** A page of the job list. */
export const LIST_PAGE_SQL = `SELECT * FROM jobs ${LIST_ORDER} LIMIT ? OFFSET ?`;

/** A stored choice is checked again: one that no longer passes (a hand-edited row) leaves the preset to decide. */
function choiceOf(json: string | null | undefined): Choice | null {
  if (!json) return null;
  try {
    const parsed = v.safeParse(ChoiceSchema, JSON.parse(json));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}

function filesOf(json: string | null | undefined): string[] {
  if (!json) return [];
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
}

function toJob(r: JobRow): JobRecord {
  return {
    id: r.id,
    url: r.url,
    pageUrl: r.page_url,
    title: r.title,
    thumbnail: r.thumbnail ?? null,
    preset: r.preset as Preset,
    status: r.status as JobStatus,
    progress: {
      downloadedBytes: r.downloaded_bytes,
      totalBytes: r.total_bytes,
      totalIsEstimate: r.total_is_estimate === 1,
      speed: r.speed,
      eta: r.eta,
      fragmentIndex: r.fragment_index,
      fragmentCount: r.fragment_count,
      percent: r.percent,
    },
    filePath: r.file_path,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '', ...(r.error_detail ? { detail: r.error_detail } : {}) } : null,
    note: r.note ?? null,
    referer: r.referer ?? null,
    live: r.live === 1,
    groupId: r.group_id ?? null,
    playlistIndex: r.playlist_index ?? null,
    choice: choiceOf(r.choice),
    subtitleFiles: filesOf(r.subtitle_files),
    expectedSize: r.expected_size == null ? null : { bytes: r.expected_size, estimate: r.expected_size_estimate === 1 },
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    cancelledAt: r.cancelled_at,
    position: r.position,
    pgid: r.pgid,
    stagingDir: r.staging_dir,
    attempts: r.attempts,
    fileIdentity: r.file_ino ? { ino: r.file_ino, size: r.file_size ?? 0 } : null,
    extractor: r.extractor ?? null,
    videoId: r.video_id ?? null,
  };
}

/** Strips the daemon's own fields: what goes on the wire. */
export function publicJob(j: JobRecord): Job {
  const { pgid: _g, stagingDir: _s, attempts: _a, fileIdentity: _f, extractor: _e, videoId: _v, ...job } = j;
  return job;
}

/** The jobs table. Every status change goes through `apply`, which checks the transition. */
export class JobStore {
  private readonly stmts;

  constructor(private readonly db: DB) {
    this.stmts = {
      get: db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?'),
      insert: db.prepare(
        `INSERT INTO jobs (url, page_url, referer, title, thumbnail, preset, status, position, created_at,
                           choice, group_id, playlist_index, extractor, video_id, expected_size, expected_size_estimate)
         VALUES (@url, @pageUrl, @referer, @title, @thumbnail, @preset, 'queued', (SELECT COALESCE(MAX(position), 0) + 1 FROM jobs), @createdAt,
                 @choice, @groupId, @playlistIndex, @extractor, @videoId, @expectedSize, @expectedSizeEstimate)`,
      ),
      nextQueued: db.prepare<[number], JobRow>(`SELECT * FROM jobs WHERE status = 'queued' ORDER BY position, id LIMIT ?`),
      maxPosition: db.prepare<[], { p: number }>(`SELECT COALESCE(MAX(position), 0) AS p FROM jobs`),
      minPosition: db.prepare<[], { p: number | null }>(`SELECT MIN(position) AS p FROM jobs`),
      byStatus: db.prepare<[string], JobRow>(`SELECT * FROM jobs WHERE status = ? ORDER BY position, id`),
      page: db.prepare<[number, number], JobRow>(LIST_PAGE_SQL),
      count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM jobs'),
      groupPage: db.prepare<[number, number, number], JobRow>(`SELECT * FROM jobs WHERE group_id = ? ${LIST_ORDER} LIMIT ? OFFSET ?`),
      groupCount: db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM jobs WHERE group_id = ?'),
      inGroup: db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE group_id = ? ORDER BY position, id'),
      recordDownloaded: db.prepare(
        `INSERT INTO downloaded (extractor, video_id, job_id, completed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (extractor, video_id) DO UPDATE SET job_id = excluded.job_id, completed_at = excluded.completed_at`,
      ),
      wasDownloaded: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM downloaded WHERE extractor = ? AND video_id = ?'),
      countActive: db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM jobs WHERE status IN ${ACTIVE_SQL}`),
      withPgid: db.prepare<[], JobRow>('SELECT * FROM jobs WHERE pgid IS NOT NULL'),
      withStaging: db.prepare<[], JobRow>('SELECT * FROM jobs WHERE staging_dir IS NOT NULL'),
      finishedIds: db.prepare<[], { id: number }>(`SELECT id FROM jobs WHERE status IN ${FINISHED_SQL}`),
      expiredIds: db.prepare<[number], { id: number }>(`SELECT id FROM jobs WHERE status IN ${FINISHED_SQL} AND finished_at IS NOT NULL AND finished_at < ?`),
      delete: db.prepare<[number]>('DELETE FROM jobs WHERE id = ?'),
      progress: db.prepare(
        `UPDATE jobs SET downloaded_bytes = @downloadedBytes, total_bytes = @totalBytes, total_is_estimate = @totalIsEstimate,
         speed = @speed, eta = @eta, fragment_index = @fragmentIndex, fragment_count = @fragmentCount, percent = @percent
         WHERE id = @id`,
      ),
      setPosition: db.prepare<[number, number]>('UPDATE jobs SET position = ? WHERE id = ?'),
    };
  }

  add(job: NewJob, now = Date.now()): JobRecord {
    const info = this.stmts.insert.run({
      url: job.url,
      pageUrl: job.pageUrl,
      referer: job.referer ?? null,
      title: job.title,
      thumbnail: job.thumbnail ?? null,
      preset: job.preset,
      createdAt: now,
      choice: job.choice ? JSON.stringify(job.choice) : null,
      groupId: job.groupId ?? null,
      playlistIndex: job.playlistIndex ?? null,
      extractor: job.extractor ?? null,
      videoId: job.videoId ?? null,
      expectedSize: job.expectedSize?.bytes ?? null,
      expectedSizeEstimate: job.expectedSize?.estimate ? 1 : 0,
    });
    return this.require(Number(info.lastInsertRowid));
  }

  /** Many adds in one transaction: one fsync instead of one each. */
  addMany(jobs: NewJob[], now = Date.now()): JobRecord[] {
    return this.db.transaction(() => jobs.map((j) => this.add(j, now)))();
  }

  get(id: number): JobRecord | undefined {
    const row = this.stmts.get.get(id);
    return row ? toJob(row) : undefined;
  }

  require(id: number): JobRecord {
    const job = this.get(id);
    if (!job) throw new VidQueueError('NOT_FOUND', `No job with id ${id}`, 'jobId');
    return job;
  }

  /**
   * Applies `action` to job `id` if its current state allows it, with the column changes
   * that go with it, atomically. An invalid transition throws and changes nothing.
   */
  apply(id: number, action: JobAction, patch: JobPatch = {}): JobRecord {
    return this.db
      .transaction(() => {
        const job = this.require(id);
        const t = transition(job.status, action);
        if (!t.ok) throw new VidQueueError('INVALID_TRANSITION', `Job ${id}: ${t.message}`, 'jobId');
        this.write(id, { ...patch, status: t.to });
        const after = this.require(id);
        // What completed is remembered by site and video id: a playlist downloaded again skips it.
        if (t.to === 'completed' && after.extractor && after.videoId) {
          this.stmts.recordDownloaded.run(after.extractor, after.videoId, id, after.finishedAt ?? Date.now());
        }
        return after;
      })
      .immediate();
  }

  /** Whether this video (site and id) was downloaded to completion before. */
  wasDownloaded(extractor: string, videoId: string): boolean {
    return this.stmts.wasDownloaded.get(extractor, videoId)!.n > 0;
  }

  /** A page of one group's jobs, in the list's order. */
  pageInGroup(groupId: number, offset: number, limit: number): JobRecord[] {
    return this.stmts.groupPage.all(groupId, limit, offset).map(toJob);
  }

  countInGroup(groupId: number): number {
    return this.stmts.groupCount.get(groupId)!.n;
  }

  /** Every job of a group, in queue order. */
  inGroup(groupId: number): JobRecord[] {
    return this.stmts.inGroup.all(groupId).map(toJob);
  }

  /** Column changes that are not a status change (title learnt, pgid recorded). */
  patch(id: number, patch: JobPatch): JobRecord {
    this.write(id, patch);
    return this.require(id);
  }

  updateProgress(id: number, p: JobProgress): void {
    this.stmts.progress.run({ id, ...p, totalIsEstimate: p.totalIsEstimate ? 1 : 0 });
  }

  nextQueued(limit: number): JobRecord[] {
    return this.stmts.nextQueued.all(limit).map(toJob);
  }

  withStatus(status: JobStatus): JobRecord[] {
    return this.stmts.byStatus.all(status).map(toJob);
  }

  page(offset: number, limit: number): JobRecord[] {
    return this.stmts.page.all(limit, offset).map(toJob);
  }

  count(): number {
    return this.stmts.count.get()!.n;
  }

  countActive(): number {
    return this.stmts.countActive.get()!.n;
  }

  withPgid(): JobRecord[] {
    return this.stmts.withPgid.all().map(toJob);
  }

  withStagingDir(): JobRecord[] {
    return this.stmts.withStaging.all().map(toJob);
  }

  /** Puts a job at the end of the queue (a retried job waits its turn again). */
  sendToBack(id: number): void {
    this.stmts.setPosition.run(this.stmts.maxPosition.get()!.p + 1, id);
  }

  moveToTop(id: number): JobRecord {
    return this.db
      .transaction(() => {
        const job = this.require(id);
        if (job.status !== 'queued' && job.status !== 'paused') {
          throw new VidQueueError('INVALID_TRANSITION', `Job ${id}: cannot move a job that is ${job.status} to the top (only queued or paused jobs)`, 'jobId');
        }
        const min = this.stmts.minPosition.get()?.p ?? 0;
        this.stmts.setPosition.run(min - 1, id);
        return this.require(id);
      })
      .immediate();
  }

  /** Deletes a finished job; active jobs must be cancelled first. */
  deleteFinished(id: number): JobRecord {
    return this.db
      .transaction(() => {
        const job = this.require(id);
        if (!FINISHED_STATUSES.includes(job.status)) {
          throw new VidQueueError('INVALID_TRANSITION', `Job ${id}: cannot remove a job that is ${job.status} (cancel it first)`, 'jobId');
        }
        this.stmts.delete.run(id);
        return job;
      })
      .immediate();
  }

  /** Deletes every finished job, or those finished before `before`; returns their ids. */
  deleteAllFinished(before?: number): number[] {
    return this.db
      .transaction(() => {
        const ids = (before === undefined ? this.stmts.finishedIds.all() : this.stmts.expiredIds.all(before)).map((r) => r.id);
        for (const id of ids) this.stmts.delete.run(id);
        return ids;
      })
      .immediate();
  }

  private write(id: number, patch: JobPatch & { status?: JobStatus }): void {
    const sets: string[] = [];
    const values: Record<string, unknown> = { id };
    const col = (name: string, value: unknown) => {
      sets.push(`${name} = @${name}`);
      values[name] = value;
    };
    if (patch.status !== undefined) col('status', patch.status);
    if (patch.url !== undefined) col('url', patch.url);
    if (patch.referer !== undefined) col('referer', patch.referer);
    if (patch.title !== undefined) col('title', patch.title);
    if (patch.thumbnail !== undefined) col('thumbnail', patch.thumbnail);
    if (patch.filePath !== undefined) col('file_path', patch.filePath);
    if (patch.error !== undefined) {
      col('error_code', patch.error?.code ?? null);
      col('error_message', patch.error?.message ?? null);
      col('error_detail', patch.error?.detail ?? null);
    }
    if (patch.note !== undefined) col('note', patch.note);
    if (patch.live !== undefined) col('live', patch.live ? 1 : 0);
    if (patch.startedAt !== undefined) col('started_at', patch.startedAt);
    if (patch.finishedAt !== undefined) col('finished_at', patch.finishedAt);
    if (patch.cancelledAt !== undefined) col('cancelled_at', patch.cancelledAt);
    if (patch.pgid !== undefined) col('pgid', patch.pgid);
    if (patch.stagingDir !== undefined) col('staging_dir', patch.stagingDir);
    if (patch.attempts !== undefined) col('attempts', patch.attempts);
    if (patch.fileIdentity !== undefined) {
      col('file_ino', patch.fileIdentity?.ino ?? null);
      col('file_size', patch.fileIdentity?.size ?? null);
    }
    if (patch.subtitleFiles !== undefined) col('subtitle_files', patch.subtitleFiles.length > 0 ? JSON.stringify(patch.subtitleFiles) : null);
    if (patch.extractor !== undefined) col('extractor', patch.extractor);
    if (patch.videoId !== undefined) col('video_id', patch.videoId);
    if (sets.length > 0) this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = @id`).run(values);
    if (patch.progress) this.updateProgress(id, patch.progress);
  }
}
