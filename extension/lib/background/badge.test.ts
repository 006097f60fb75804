import { describe, expect, it, vi } from 'vitest';
import { makeJob } from '../fake-host';
import { createBadge } from './badge';
import { createJobStatuses } from './job-statuses';

function setup(hintValue = false) {
  const texts: string[] = [];
  const busy: boolean[] = [];
  let hint = hintValue;
  const statuses = createJobStatuses();
  const request = vi.fn(async (_type: string, params: { cursor: number }) =>
    params.cursor === 0
      ? { jobs: [makeJob({ id: 1, status: 'downloading' }), makeJob({ id: 2, status: 'paused' })], nextCursor: 2, total: 4 }
      : { jobs: [makeJob({ id: 3, status: 'queued' }), makeJob({ id: 4, status: 'completed' })], nextCursor: null, total: 4 },
  );
  const badge = createBadge({
    action: { setBadgeText: ({ text }) => void texts.push(text), setBadgeBackgroundColor: () => {} },
    statuses,
    host: { request: request as never, setBusy: (b) => void busy.push(b) },
    hint: {
      getValue: async () => hint,
      setValue: async (v) => {
        hint = v;
      },
    },
  });
  return { badge, statuses, texts, busy, request, hint: () => hint };
}

describe('badge', () => {
  it('shows the active downloads from the list, pages until the history, and keeps the host busy', async () => {
    const { badge, texts, busy, request, hint } = setup();
    await badge.sync();
    expect(request).toHaveBeenCalledTimes(2);
    expect(texts).toEqual(['2']);
    expect(busy).toEqual([true]);
    expect(hint()).toBe(true);
  });

  it('clears when the last active download ends, and lets the host go', async () => {
    const { badge, statuses, texts, busy, hint } = setup();
    await badge.sync();
    statuses.apply({ event: 'job.updated', data: { job: makeJob({ id: 1, status: 'completed' }) } });
    badge.refresh();
    statuses.apply({ event: 'job.updated', data: { job: makeJob({ id: 3, status: 'cancelled' }) } });
    badge.refresh();
    badge.refresh();
    expect(texts).toEqual(['2', '1', '']);
    expect(busy.at(-1)).toBe(false);
    expect(hint()).toBe(false);
  });

  it('looks at the list on start only when downloads ran before a restart', async () => {
    const idle = setup(false);
    await idle.badge.start();
    expect(idle.request).not.toHaveBeenCalled();
    const running = setup(true);
    await running.badge.start();
    expect(running.texts).toEqual(['2']);
  });
});
