import { describe, expect, it } from 'vitest';
import { compareJobs } from '../../shared/job';
import { applyEvent, applyPage, emptyQueue, finishedCount, unfinishedCount } from './queue-model';
import { makeJob } from './fake-host';

const updated = (job: ReturnType<typeof makeJob>) => ({ event: 'job.updated' as const, data: { job } });

describe('queue model', () => {
  it('shows unfinished jobs in the daemon queue position order, not by id or status, then the history newest first', () => {
    const page = {
      jobs: [
        makeJob({ id: 1, status: 'completed', finishedAt: 10 }),
        makeJob({ id: 2, status: 'queued', position: 30 }),
        makeJob({ id: 3, status: 'downloading', position: 20 }),
        makeJob({ id: 4, status: 'cancelled', finishedAt: 20 }),
        makeJob({ id: 5, status: 'paused', position: 40 }),
        makeJob({ id: 6, status: 'queued', position: 5 }),
      ],
      nextCursor: null,
      total: 6,
    };
    expect(applyPage(emptyQueue(), page, true).order).toEqual([6, 3, 2, 5, 4, 1]);
  });

  it('orders exactly as the shared compareJobs does (the daemon list order)', () => {
    const jobs = Array.from({ length: 40 }, (_, i) =>
      makeJob({
        id: i + 1,
        status: (['queued', 'downloading', 'paused', 'completed', 'failed', 'cancelled'] as const)[i % 6]!,
        position: (i * 7) % 40,
        finishedAt: i % 6 >= 3 ? (i * 13) % 50 : null,
      }),
    );
    expect(applyPage(emptyQueue(), { jobs, nextCursor: null, total: 40 }, true).order).toEqual([...jobs].sort(compareJobs).map((j) => j.id));
  });

  it('keeps the order on progress events and reorders on a status change', () => {
    let m = applyPage(
      emptyQueue(),
      { jobs: [makeJob({ id: 1, status: 'downloading' }), makeJob({ id: 2, status: 'queued' })], nextCursor: null, total: 2 },
      true,
    );
    const order = m.order;
    m = applyEvent(m, updated(makeJob({ id: 1, status: 'downloading', progress: { ...makeJob({ id: 1 }).progress, percent: 50 } })));
    expect(m.order).toBe(order);
    expect(m.jobs.get(1)!.progress.percent).toBe(50);
    m = applyEvent(m, updated(makeJob({ id: 1, status: 'completed', finishedAt: 5 })));
    expect(m.order).toEqual([2, 1]);
  });

  it('moves a job to the top when an event says its position changed (move to top)', () => {
    let m = applyPage(emptyQueue(), { jobs: [1, 2, 3].map((id) => makeJob({ id, position: id })), nextCursor: null, total: 3 }, true);
    expect(m.order).toEqual([1, 2, 3]);
    m = applyEvent(m, updated(makeJob({ id: 3, position: 0 })));
    expect(m.order).toEqual([3, 1, 2]);
  });

  it('puts a retried job at the back of the queue, where the daemon will run it', () => {
    let m = applyPage(
      emptyQueue(),
      {
        jobs: [makeJob({ id: 1, position: 1 }), makeJob({ id: 2, position: 2 }), makeJob({ id: 3, status: 'failed', position: 0, finishedAt: 9 })],
        nextCursor: null,
        total: 3,
      },
      true,
    );
    expect(m.order).toEqual([1, 2, 3]);
    m = applyEvent(m, updated(makeJob({ id: 3, status: 'queued', position: 3 })));
    expect(m.order).toEqual([1, 2, 3]);
    m = applyEvent(m, updated(makeJob({ id: 1, status: 'failed', position: 1, finishedAt: 10 })));
    m = applyEvent(m, updated(makeJob({ id: 1, status: 'queued', position: 4 })));
    expect(m.order).toEqual([2, 3, 1]);
  });

  it('counts paused jobs as unfinished and the history as finished', () => {
    const m = applyPage(
      emptyQueue(),
      {
        jobs: [
          makeJob({ id: 1, status: 'paused' }),
          makeJob({ id: 2, status: 'completed', finishedAt: 1 }),
          makeJob({ id: 3, status: 'cancelled', finishedAt: 2 }),
        ],
        nextCursor: null,
        total: 3,
      },
      true,
    );
    expect([unfinishedCount(m), finishedCount(m)]).toEqual([1, 2]);
  });

  it('adds new jobs and drops removed ones, keeping the paging offsets right', () => {
    let m = applyPage(emptyQueue(), { jobs: [makeJob({ id: 1 })], nextCursor: 1, total: 3 }, true);
    m = applyEvent(m, updated(makeJob({ id: 9 })));
    expect(m).toMatchObject({ total: 4, nextCursor: 2 });
    m = applyEvent(m, { event: 'jobs.removed', data: { jobIds: [1, 77] } });
    expect(m).toMatchObject({ total: 3, nextCursor: 1, order: [9] });
  });
});
