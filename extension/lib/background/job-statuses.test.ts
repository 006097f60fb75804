import { describe, expect, it } from 'vitest';
import { makeJob } from '../fake-host';
import { createJobStatuses } from './job-statuses';

describe('job statuses', () => {
  it('reports a status change once, not each progress tick', () => {
    const s = createJobStatuses();
    const tick = (percent: number) => ({
      event: 'job.updated' as const,
      data: { job: makeJob({ id: 1, status: 'downloading', progress: { ...makeJob({ id: 1 }).progress, percent } }) },
    });
    expect(s.apply(tick(1))).toMatchObject({ from: undefined, job: { id: 1, status: 'downloading' } });
    expect(s.apply(tick(2))).toBeNull();
    expect(s.apply({ event: 'job.updated', data: { job: makeJob({ id: 1, status: 'completed' }) } })).toMatchObject({
      from: 'downloading',
      job: { status: 'completed' },
    });
  });

  it('counts queued and downloading jobs as active, not paused or finished ones', () => {
    const s = createJobStatuses();
    s.learn([
      makeJob({ id: 1, status: 'queued' }),
      makeJob({ id: 2, status: 'downloading' }),
      makeJob({ id: 3, status: 'paused' }),
      makeJob({ id: 4, status: 'failed' }),
    ]);
    expect(s.activeCount()).toBe(2);
    s.apply({ event: 'jobs.removed', data: { jobIds: [1] } });
    expect(s.activeCount()).toBe(1);
    s.apply({ event: 'daemon.stopping', data: { reason: 'idle' } });
    expect(s.activeCount()).toBe(0);
  });
});
