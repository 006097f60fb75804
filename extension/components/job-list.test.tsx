import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Group } from '../../shared/group';
import type { Job } from '../../shared/job';
import { makeJob } from '../lib/fake-host';
import { JobList } from './job-list';

afterEach(cleanup);

const group = {
  id: 7,
  title: 'Three clips',
  done: 1,
  failed: 1,
  remaining: 1,
  skipped: 2,
  total: 3,
  bytes: { downloaded: 3, total: 6, totalIsEstimate: false },
} as Group;
const list: Job[] = [
  makeJob({ id: 1, title: 'Alone', status: 'downloading' }),
  makeJob({ id: 2, title: 'Clip 1', groupId: 7, status: 'completed' }),
  makeJob({ id: 3, title: 'Clip 2', groupId: 7, status: 'failed' }),
  makeJob({ id: 4, title: 'Clip 3', groupId: 7, status: 'queued' }),
];

function show(onGroupAction = vi.fn()) {
  render(
    <JobList
      jobs={new Map(list.map((j) => [j.id, j]))}
      order={list.map((j) => j.id)}
      pending={new Map()}
      confirmAbove={0}
      onAction={vi.fn()}
      hasMore={false}
      onLoadMore={vi.fn()}
      height={600}
      groups={new Map([[7, group]])}
      onGroupAction={onGroupAction}
    />,
  );
  return onGroupAction;
}

describe('playlist groups in the Downloads list', () => {
  it('shows a group as one row with its counts, its skipped entries and its bytes, closed', () => {
    show();
    const rows = screen.getAllByRole('listitem').filter((li) => li.classList.contains('job'));
    expect(rows.map((r) => r.querySelector('.job-title')!.textContent)).toEqual(['Alone', 'Three clips']);
    const row = rows[1]!;
    expect(row.textContent).toContain('1 done · 1 failed · 1 to go');
    expect(row.textContent).toContain('2 downloaded before, skipped');
    expect(within(row).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('50');
    expect(within(row).getByRole('button', { name: 'Show the videos of Three clips' }).getAttribute('aria-expanded')).toBe('false');
  });

  it('opens to its entries, each its own row, and closes again', () => {
    show();
    fireEvent.click(screen.getByRole('button', { name: 'Show the videos of Three clips' }));
    const titles = () => screen.getAllByRole('listitem').flatMap((li) => (li.classList.contains('job') ? [li.querySelector('.job-title')!.textContent] : []));
    expect(titles()).toEqual(['Alone', 'Three clips', 'Clip 1', 'Clip 2', 'Clip 3']);
    fireEvent.click(screen.getByRole('button', { name: 'Hide the videos of Three clips' }));
    expect(titles()).toEqual(['Alone', 'Three clips']);
  });

  it('acts on the whole group: pause all, retry the failed, cancel all', () => {
    const onGroupAction = show();
    for (const name of ['Pause all of Three clips', 'Retry the failed videos of Three clips', 'Cancel all of Three clips'])
      fireEvent.click(screen.getByRole('button', { name }));
    expect(onGroupAction.mock.calls).toEqual([
      [7, 'pause'],
      [7, 'retryFailed'],
      [7, 'cancel'],
    ]);
  });
});
