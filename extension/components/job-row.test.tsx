import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../shared/job';
import { makeJob } from '../lib/fake-host';
import { JobRow } from './job-row';

afterEach(cleanup);

const row = (job: Job) => {
  render(<JobRow job={job} pending={null} confirmAbove={0} onAction={vi.fn()} />);
  return screen.getByRole('listitem');
};

describe('a row of the Downloads list', () => {
  it('shows the video’s thumbnail, loaded lazily, sending no Referer; an icon when there is none', () => {
    const img = row(makeJob({ id: 1, title: 'With a picture', status: 'downloading', thumbnail: 'https://cdn.test/t.jpg' })).querySelector('.job-thumb img')!;
    expect(img.getAttribute('src')).toBe('https://cdn.test/t.jpg');
    expect(img.getAttribute('loading')).toBe('lazy');
    expect(img.getAttribute('referrerpolicy')).toBe('no-referrer');
    expect(img.getAttribute('alt')).toBe('');
    cleanup();
    const none = row(makeJob({ id: 2, title: 'Without', status: 'queued', thumbnail: null }));
    expect(none.querySelector('.job-thumb img')).toBeNull();
    expect(none.querySelector('.job-thumb svg')).not.toBeNull();
  });

  it('falls back to the icon when the image fails to load', () => {
    const li = row(makeJob({ id: 1, title: 'Broken', status: 'downloading', thumbnail: 'https://cdn.test/gone.jpg' }));
    fireEvent.error(li.querySelector('.job-thumb img')!);
    expect(li.querySelector('.job-thumb img')).toBeNull();
    expect(li.querySelector('.job-thumb svg')).not.toBeNull();
  });

  it('is light once completed: no progress bar, only the file’s size and kind, with Open, Show in folder and Remove', () => {
    const job = makeJob({ id: 1, title: 'Done', status: 'completed', filePath: '/dl/Done.mp4', finishedAt: 1 });
    job.progress = { ...job.progress, downloadedBytes: 1_000_000, totalBytes: 1_000_000, percent: 100 };
    const li = row(job);
    expect(within(li).queryByRole('progressbar')).toBeNull();
    expect(li.querySelector('.job-meta')!.textContent).toBe('976.6 KiB · MP4');
    expect(
      within(li)
        .getAllByRole('button')
        .map((b) => b.getAttribute('title')),
    ).toEqual(['Open file', 'Show in folder', 'Remove']);
  });

  it('keeps its progress bar while it downloads', () => {
    const job = makeJob({ id: 1, title: 'Going', status: 'downloading' });
    job.progress = { ...job.progress, downloadedBytes: 500, totalBytes: 1000, percent: 50 };
    expect(within(row(job)).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('50');
  });
});
