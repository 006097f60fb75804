import { type Job, type JobStatus, isActive } from '../../../shared/job';
import type { Event } from '../../../shared/protocol';

/** A job whose status an event changed, with the status it had (undefined: never seen). */
export interface StatusChange {
  job: Job;
  from: JobStatus | undefined;
}

/**
 * Each job's last known status, learnt from the daemon's list and events: what the badge
 * counts, and what tells a job that just finished from a progress tick. Pure: no I/O.
 */
export function createJobStatuses() {
  const byId = new Map<number, JobStatus>();
  return {
    /** Folds one daemon event in; returns the status change it made, if any. */
    apply(event: Event): StatusChange | null {
      if (event.event === 'job.updated') {
        const { job } = event.data;
        const from = byId.get(job.id);
        byId.set(job.id, job.status);
        return from === job.status ? null : { job, from };
      }
      if (event.event === 'jobs.removed') for (const id of event.data.jobIds) byId.delete(id);
      // Its downloads go back to the queue and resume at its next start: nothing runs now.
      if (event.event === 'daemon.stopping') byId.clear();
      return null;
    },
    /** Jobs from a `jobs.list` page. */
    learn(jobs: Job[]): void {
      for (const job of jobs) byId.set(job.id, job.status);
    },
    activeCount(): number {
      let n = 0;
      for (const s of byId.values()) if (isActive(s)) n++;
      return n;
    },
  };
}

export type JobStatuses = ReturnType<typeof createJobStatuses>;
