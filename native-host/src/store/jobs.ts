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
}

/** What the daemon knows of a job beyond what clients see. */
export interface JobRecord extends Job {
  pgid: number | null;
  stagingDir: string | null;
  attempts: number;
  /** Inode and size of the finished file when it was moved into place. */
  fileIdentity: { ino: string; size: number } | null;
}

export interface NewJob {
  url: string;
  pageUrl: string | null;
  referer?: string | null;
  title: string | null;
  preset: Preset;
}

/** Column changes that may go with a transition. */
export interface JobPatch {
  /** Only a retry changes them: a job that failed before any byte came, given what a page found since. */
  url?: string;
  referer?: string | null;
  title?: string | null;
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
}

const FINISHED_SQL = `(${FINISHED_STATUSES.map((s) => `'${s}'`).join(',')})`;
const ACTIVE_SQL = `(${ACTIVE_STATUSES.map((s) => `'${s}'`).join(',')})`;
/** Unfinished jobs first in queue order, then the history, newest first: `compareJobs` in SQL. */
const LIST_ORDER = `ORDER BY (status IN ${FINISHED_SQL}), CASE WHEN status IN ${FINISHED_SQL} THEN -finished_at ELSE position END, id`;

function toJob(r: JobRow): JobRecord {
  return {
    id: r.id,
    url: r.url,
    pageUrl: r.page_url,
    title: r.title,
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
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    cancelledAt: r.cancelled_at,
    position: r.position,
    pgid: r.pgid,
    stagingDir: r.staging_dir,
    attempts: r.attempts,
    fileIdentity: r.file_ino ? { ino: r.file_ino, size: r.file_size ?? 0 } : null,
  };
}

/** Strips the daemon's own fields: what goes on the wire. */
export function publicJob(j: JobRecord): Job {
  const { pgid: _g, stagingDir: _s, attempts: _a, fileIdentity: _f, ...job } = j;
  return job;
}

/** The jobs table. Every status change goes through `apply`, which checks the transition. */
export class JobStore {
  private readonly stmts;

  constructor(private readonly db: DB) {
    this.stmts = {
      get: db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?'),
      insert: db.prepare(
        `INSERT INTO jobs (url, page_url, referer, title, preset, status, position, created_at)
         VALUES (@url, @pageUrl, @referer, @title, @preset, 'queued', (SELECT COALESCE(MAX(position), 0) + 1 FROM jobs), @createdAt)`,
      ),
      nextQueued: db.prepare<[number], JobRow>(`SELECT * FROM jobs WHERE status = 'queued' ORDER BY position, id LIMIT ?`),
      maxPosition: db.prepare<[], { p: number }>(`SELECT COALESCE(MAX(position), 0) AS p FROM jobs`),
      minPosition: db.prepare<[], { p: number | null }>(`SELECT MIN(position) AS p FROM jobs`),
      byStatus: db.prepare<[string], JobRow>(`SELECT * FROM jobs WHERE status = ? ORDER BY position, id`),
      page: db.prepare<[number, number], JobRow>(`SELECT * FROM jobs ${LIST_ORDER} LIMIT ? OFFSET ?`),
      count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM jobs'),
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
    const info = this.stmts.insert.run({ referer: null, ...job, createdAt: now });
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
        return this.require(id);
      })
      .immediate();
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
    if (sets.length > 0) this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = @id`).run(values);
    if (patch.progress) this.updateProgress(id, patch.progress);
  }
}
