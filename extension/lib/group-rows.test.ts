import { describe, expect, it } from 'vitest';
import type { Group } from '../../shared/group';
import type { Job } from '../../shared/job';
import { makeJob } from './fake-host';
import { groupSummary, listRows } from './group-rows';

const jobs = (...list: [number, number | null][]) => new Map(list.map(([id, groupId]) => [id, makeJob({ id, groupId }) as Job]));

describe('listRows', () => {
  it.each([
    ['no groups: one row a job', [1, 2, 3], jobs([1, null], [2, null], [3, null]), [], ['j1', 'j2', 'j3']],
    ['a closed group: one row where its first entry is', [1, 2, 3, 4], jobs([1, null], [2, 7], [3, 7], [4, null]), [], ['j1', 'g7:2,3', 'j4']],
    ['an open group: its entries follow its row', [1, 2, 3, 4], jobs([1, null], [2, 7], [3, 7], [4, null]), [7], ['j1', 'g7:2,3', 'j2', 'j3', 'j4']],
    ['entries apart in the order (one retried to the back): gathered', [2, 1, 3], jobs([1, null], [2, 7], [3, 7]), [], ['g7:2,3', 'j1']],
    ['two groups, one open', [1, 2, 3, 4], jobs([1, 7], [2, 8], [3, 7], [4, 8]), [8], ['g7:1,3', 'g8:2,4', 'j2', 'j4']],
  ] as const)('%s', (_what, order, map, open, expected) => {
    const rows = listRows(order, map, new Set(open)).map((r) => (r.kind === 'job' ? `j${r.id}` : `g${r.groupId}:${r.jobIds.join(',')}`));
    expect(rows).toEqual(expected);
  });
});

describe('groupSummary', () => {
  const group = (over: Partial<Group>): Group =>
    ({ id: 7, done: 2, failed: 1, remaining: 2, skipped: 3, total: 5, bytes: { downloaded: 50, total: 200, totalIsEstimate: false }, ...over }) as Group;
  it.each([
    ["the daemon's aggregate, by bytes", group({}), [], { done: 2, failed: 1, remaining: 2, skipped: 3, percent: 25 }],
    ['by entries when no byte total is known', group({ bytes: { downloaded: 0, total: null, totalIsEstimate: false } }), [], { percent: 40 }],
    ['never over 100', group({ bytes: { downloaded: 300, total: 200, totalIsEstimate: true } }), [], { percent: 100 }],
    [
      'from the loaded entries before the aggregate arrives',
      undefined,
      [
        makeJob({ id: 1, status: 'completed' }),
        makeJob({ id: 2, status: 'failed' }),
        makeJob({ id: 3, status: 'downloading' }),
        makeJob({ id: 4, status: 'queued' }),
      ],
      { done: 1, failed: 1, remaining: 2, skipped: 0, percent: 25 },
    ],
  ] as const)('%s', (_what, g, entries, expected) => {
    expect(groupSummary(g as Group | undefined, entries as readonly Job[])).toMatchObject(expected);
  });
});
