import { type Job, compareJobs, isFinished } from '../../shared/job';
import type { Event, JobPage } from '../../shared/protocol';

/** What the popup shows of the queue: the daemon's jobs as pages and events brought them. */
export interface QueueModel {
  jobs: Map<number, Job>;
  /** Ids in the daemon's order (`compareJobs`); recomputed only when a job appears, leaves or moves. */
  order: number[];
  total: number;
  nextCursor: number | null;
}

export const emptyQueue = (): QueueModel => ({ jobs: new Map(), order: [], total: 0, nextCursor: 0 });

/** The daemon's own order, carried on the wire (position, then the history newest first). */
function reorder(jobs: Map<number, Job>): number[] {
  return [...jobs.values()].sort(compareJobs).map((j) => j.id);
}

/** Whether `order` is still sorted around the job at `index` once it has changed: no full sort for a progress tick. */
function stillInPlace(jobs: Map<number, Job>, order: number[], index: number): boolean {
  const job = jobs.get(order[index]!)!;
  const prev = index > 0 ? jobs.get(order[index - 1]!) : undefined;
  const next = index < order.length - 1 ? jobs.get(order[index + 1]!) : undefined;
  return (!prev || compareJobs(prev, job) <= 0) && (!next || compareJobs(job, next) <= 0);
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
    return {
      ...model,
      jobs,
      order: before && stillInPlace(jobs, model.order, model.order.indexOf(job.id)) ? model.order : reorder(jobs),
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

/** Jobs not finished yet (queued, downloading or paused): what "Cancel all" acts on. */
export function unfinishedCount(model: QueueModel): number {
  let n = 0;
  for (const j of model.jobs.values()) if (!isFinished(j.status)) n++;
  return n;
}

export function finishedCount(model: QueueModel): number {
  let n = 0;
  for (const j of model.jobs.values()) if (isFinished(j.status)) n++;
  return n;
}
