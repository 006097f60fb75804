import { describe, expect, it } from 'vitest';
import { applyEvent, applyPage, emptyQueue } from './queue-model';
import { makeJob } from './fake-host';

describe('queue model', () => {
  it('orders downloads, then queued and paused by age, then the history newest first', () => {
    const page = {
      jobs: [
        makeJob({ id: 1, status: 'completed', finishedAt: 10 }),
        makeJob({ id: 2, status: 'queued' }),
        makeJob({ id: 3, status: 'downloading' }),
        makeJob({ id: 4, status: 'cancelled', finishedAt: 20 }),
        makeJob({ id: 5, status: 'paused' }),
      ],
      nextCursor: null,
      total: 5,
    };
    expect(applyPage(emptyQueue(), page, true).order).toEqual([3, 2, 5, 4, 1]);
  });

  it('keeps the order on progress events and reorders on a status change', () => {
    let m = applyPage(emptyQueue(), { jobs: [makeJob({ id: 1, status: 'downloading' }), makeJob({ id: 2, status: 'queued' })], nextCursor: null, total: 2 }, true);
    const order = m.order;
    m = applyEvent(m, { event: 'job.updated', data: { job: makeJob({ id: 1, status: 'downloading', progress: { ...makeJob({ id: 1 }).progress, percent: 50 } }) } });
    expect(m.order).toBe(order);
    expect(m.jobs.get(1)!.progress.percent).toBe(50);
    m = applyEvent(m, { event: 'job.updated', data: { job: makeJob({ id: 1, status: 'completed', finishedAt: 5 }) } });
    expect(m.order).toEqual([2, 1]);
  });

  it('adds new jobs and drops removed ones, keeping the paging offsets right', () => {
    let m = applyPage(emptyQueue(), { jobs: [makeJob({ id: 1 })], nextCursor: 1, total: 3 }, true);
    m = applyEvent(m, { event: 'job.updated', data: { job: makeJob({ id: 9 }) } });
    expect(m).toMatchObject({ total: 4, nextCursor: 2 });
    m = applyEvent(m, { event: 'jobs.removed', data: { jobIds: [1, 77] } });
    expect(m).toMatchObject({ total: 3, nextCursor: 1, order: [9] });
  });
});
