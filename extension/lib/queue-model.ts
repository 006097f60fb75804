import { FINISHED_STATUSES, type Job, type JobStatus } from '../../shared/job';
import type { Event, JobPage } from '../../shared/protocol';

/** What the popup shows of the queue: the daemon's jobs as pages and events brought them. */
export interface QueueModel {
  jobs: Map<number, Job>;
  /** Ids in display order; recomputed only when a job appears, leaves or changes status. */
  order: number[];
  total: number;
  nextCursor: number | null;
}

export const emptyQueue = (): QueueModel => ({ jobs: new Map(), order: [], total: 0, nextCursor: 0 });

const RANK: Record<JobStatus, number> = { downloading: 0, queued: 1, paused: 2, completed: 3, failed: 3, cancelled: 3 };

/** Downloads first, then queued and paused in the order they were added, then the history, newest first. */
export function compareJobs(a: Job, b: Job): number {
  const r = RANK[a.status] - RANK[b.status];
  if (r !== 0) return r;
  if (FINISHED_STATUSES.includes(a.status)) return (b.finishedAt ?? 0) - (a.finishedAt ?? 0) || b.id - a.id;
  return a.id - b.id;
}

function reorder(jobs: Map<number, Job>): number[] {
  return [...jobs.values()].sort(compareJobs).map((j) => j.id);
}

export function applyPage(model: QueueModel, page: JobPage, fresh: boolean): QueueModel {
  const jobs = fresh ? new Map<number, Job>() : new Map(model.jobs);
  for (const job of page.jobs) jobs.set(job.id, job);
  return { jobs, order: reorder(jobs), total: page.total, nextCursor: page.nextCursor };
}

/** Folds one daemon event in; returns the same model when nothing visible changed. */
export function applyEvent(model: QueueModel, event: Event): QueueModel {
  if (event.event === 'job.updated') {
    const { job } = event.data;
    const before = model.jobs.get(job.id);
    const jobs = new Map(model.jobs);
    jobs.set(job.id, job);
    const reorderNeeded = !before || before.status !== job.status || before.finishedAt !== job.finishedAt;
    return {
      ...model,
      jobs,
      order: reorderNeeded ? reorder(jobs) : model.order,
      total: before ? model.total : model.total + 1,
      // A job that was not on a loaded page shifts the daemon's offsets by one.
      nextCursor: before || model.nextCursor === null ? model.nextCursor : model.nextCursor + 1,
    };
  }
  if (event.event === 'jobs.removed') {
    const removed = event.data.jobIds.filter((id) => model.jobs.has(id));
    if (removed.length === 0) return model;
    const jobs = new Map(model.jobs);
    for (const id of removed) jobs.delete(id);
    const gone = new Set(removed);
    return {
      jobs,
      order: model.order.filter((id) => !gone.has(id)),
      total: Math.max(0, model.total - removed.length),
      nextCursor: model.nextCursor === null ? null : Math.max(0, model.nextCursor - removed.length),
    };
  }
  return model;
}

export function activeCount(model: QueueModel): number {
  let n = 0;
  for (const j of model.jobs.values()) if (j.status === 'queued' || j.status === 'downloading' || j.status === 'paused') n++;
  return n;
}

export function finishedCount(model: QueueModel): number {
  let n = 0;
  for (const j of model.jobs.values()) if (FINISHED_STATUSES.includes(j.status)) n++;
  return n;
}
