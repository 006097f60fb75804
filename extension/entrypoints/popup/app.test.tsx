import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../../shared/job';
import type { ProbeResult } from '../../../shared/probe';
import type { Event, Notice } from '../../../shared/protocol';
import type { PageInfo } from '../../components/current-page';
import type { PageVideosResult } from '../../lib/view-messages';
import { makeJob, makeProbe } from '../../lib/fake-host';
import type { HostStatus } from '../../lib/host-connection';
import type { ViewClient } from '../../lib/view-port';
import { PopupApp } from './app';

const candidate = (url: string, over: object = {}) => ({
  url,
  pageUrl: 'https://blog.test/p',
  referer: null,
  kind: 'file' as const,
  live: false,
  height: null,
  ...over,
});
const oneVideo: PageVideosResult = {
  videos: [
    {
      frameId: 0,
      key: 'm1',
      media: 'video',
      label: 'The clip',
      title: 'The clip',
      poster: null,
      candidates: [candidate('https://cdn.test/v.mp4', { height: 360 })],
    },
  ],
  others: [],
  page: { url: 'https://blog.test/p', pageUrl: null, referer: null, kind: 'page', live: false, height: null },
};

/** What the daemon's probe says of a URL: an answer, else (by default) a failure with its sentence. */
type Probes = Record<string, ProbeResult>;

function fakeClient(
  jobs: Job[],
  status: HostStatus = { state: 'connected', daemonVersion: '0.1.0' },
  notices: Notice[] = [],
  listing: PageVideosResult = oneVideo,
  probes: Probes = {},
) {
  const events: ((e: Event) => void)[] = [];
  const videoListeners: ((tabId: number) => void)[] = [];
  const noticeListeners: ((n: Notice[]) => void)[] = [];
  const statuses: ((s: HostStatus) => void)[] = [];
  const calls: { type: string; params: any }[] = [];
  let resolveCancel: (v: unknown) => void = () => {};
  const client = {
    request: vi.fn((type: string, params: any) => {
      calls.push({ type, params });
      if (type === 'jobs.list') {
        const cursor = params.cursor ?? 0;
        const page = jobs.slice(cursor, cursor + params.limit);
        return Promise.resolve({ jobs: page, nextCursor: cursor + page.length < jobs.length ? cursor + page.length : null, total: jobs.length });
      }
      if (type === 'settings.get') return Promise.resolve({ settings: { defaultPreset: '720p' } });
      if (type === 'jobs.cancel') return new Promise((r) => (resolveCancel = r));
      if (type === 'probe') return probes[params.url] ? Promise.resolve(probes[params.url]) : Promise.reject(new Error('yt-dlp cannot read this address.'));
      return Promise.resolve({});
    }),
    download: vi.fn(() => Promise.resolve({ job: makeJob({ id: 99 }) })),
    pageVideos: vi.fn(() => Promise.resolve(listing)),
    onPageVideosChanged: (fn: (tabId: number) => void) => {
      videoListeners.push(fn);
      return () => {};
    },
    retryHost: vi.fn(),
    doctor: vi.fn(() =>
      Promise.resolve({
        ok: false,
        checks: [
          { id: 'node', title: 'Node.js', status: 'ok', detail: 'Node v20.19.0' },
          { id: 'yt-dlp', title: 'yt-dlp', status: 'fail', detail: 'yt-dlp was not found on PATH', fix: 'sudo apt install yt-dlp' },
        ],
      }),
    ),
    onStatus: (fn: (s: HostStatus) => void) => {
      statuses.push(fn);
      fn(status);
      return () => {};
    },
    onEvent: (fn: (e: Event) => void) => {
      events.push(fn);
      return () => {};
    },
    onNotices: (fn: (n: Notice[]) => void) => {
      noticeListeners.push(fn);
      fn(notices);
      return () => {};
    },
    dismissNotice: vi.fn(() => Promise.resolve({})),
    close: vi.fn(),
  };
  return {
    client: client as unknown as ViewClient & { dismissNotice: typeof client.dismissNotice },
    setNotices: (n: Notice[]) => {
      for (const fn of noticeListeners) fn(n);
    },
    calls,
    emit: (e: Event) => {
      for (const fn of events) fn(e);
    },
    setStatus: (s: HostStatus) => {
      for (const fn of statuses) fn(s);
    },
    finishCancel: (job: Job) => resolveCancel({ job }),
    videosChanged: (tabId: number, next: PageVideosResult) => {
      listing = next;
      for (const fn of videoListeners) fn(tabId);
    },
  };
}

const page: PageInfo = { tabId: 3, url: 'https://blog.test/p', title: 'A blog post' };
const mount = (client: ViewClient, confirmAboveBytes = 0) =>
  render(
    <PopupApp client={client} loadPage={() => Promise.resolve(page)} confirmAboveBytes={confirmAboveBytes} extensionId="jmbanghbfkaamlnhdlipdknhfpnimkjc" />,
  );

const downloading = (id: number, percent: number, total = 10 * 1024 * 1024) =>
  makeJob({
    id,
    status: 'downloading',
    title: `Video ${id}`,
    progress: {
      downloadedBytes: (total * percent) / 100,
      totalBytes: total,
      totalIsEstimate: false,
      speed: 1024 * 1024,
      eta: 5,
      fragmentIndex: null,
      fragmentCount: null,
      percent,
    },
  });

afterEach(cleanup);

describe('popup', () => {
  it('shows a first page it was given in its very first render, and asks for it no more; one on its way, it waits for', async () => {
    const f = fakeClient([downloading(1, 40), downloading(2, 10)]);
    const given = { jobs: [downloading(1, 40), downloading(2, 10)], nextCursor: null, total: 2 };
    const props = { client: f.client, loadPage: () => Promise.resolve(page), confirmAboveBytes: 0, extensionId: 'jmbanghbfkaamlnhdlipdknhfpnimkjc' };
    render(<PopupApp {...props} firstPage={given} />);
    // No await: the rows are there at once.
    expect(screen.getByText('Video 1')).toBeTruthy();
    await screen.findByText('A blog post');
    expect(f.calls.filter((c) => c.type === 'jobs.list')).toEqual([]);
    cleanup();
    let answer: (p: typeof given) => void = () => {};
    render(<PopupApp {...props} firstPage={new Promise((r) => (answer = r))} />);
    expect(screen.queryByText('Video 2')).toBeNull();
    answer(given);
    await screen.findByText('Video 2');
    expect(f.calls.filter((c) => c.type === 'jobs.list')).toEqual([]);
  });

  it('shows the page, its video and a download with the daemon default preset', async () => {
    const f = fakeClient([]);
    mount(f.client);
    await screen.findByText('A blog post');
    expect(screen.getByText('1 video on this page')).toBeTruthy();
    await waitFor(() => expect((screen.getByRole('combobox', { name: 'Quality of The clip' }) as HTMLSelectElement).value).toBe('720p'));
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    await waitFor(() => expect(f.client.download).toHaveBeenCalledWith(expect.objectContaining({ url: 'https://cdn.test/v.mp4', preset: '720p', tabId: 3 })));
    expect(f.client.download).toHaveBeenCalledWith(expect.objectContaining({ frameId: 0, videoKey: 'm1', pageUrl: 'https://blog.test/p' }));
  });

  it('lists each video found (every frame) readably, each with its own Download, and Download all', async () => {
    const listing: PageVideosResult = {
      videos: [
        {
          frameId: 0,
          key: 'm1',
          media: 'video',
          label: 'Trailer',
          title: 'Trailer',
          poster: null,
          candidates: [candidate('https://cdn.test/a/master.m3u8', { kind: 'hls', height: 720 })],
        },
        { frameId: 0, key: 'm2', media: 'video', label: null, title: 'A blog post (2)', poster: null, candidates: [candidate('https://cdn.test/b.mp4')] },
        {
          frameId: 7,
          key: 'm1',
          media: 'video',
          label: null,
          title: 'A blog post (3)',
          poster: null,
          candidates: [
            candidate('https://live.test/x/index.m3u8', { kind: 'hls', live: true, referer: 'https://player.test/e' }),
            candidate('https://live.test/y.mp4'),
          ],
        },
        { frameId: 7, key: 'm2', media: 'video', label: 'Not loaded yet', title: 'Not loaded yet', poster: null, candidates: [] },
      ],
      others: [],
      page: null,
    };
    const f = fakeClient([], undefined, [], listing);
    mount(f.client);
    await screen.findByText('4 videos on this page');
    const rows = within(screen.getByRole('list', { name: 'Videos on this page' })).getAllByRole('listitem');
    expect(rows.map((r) => r.querySelector('.video-label')!.textContent)).toEqual(['Trailer', 'Video 2', 'Video 3', 'Not loaded yet']);
    expect(rows.map((r) => r.querySelector('.video-details')!.textContent)).toEqual([
      '720p · stream · cdn.test',
      'file · cdn.test',
      'live · live.test',
      'Play it once on the page to find its stream',
    ]);
    // The URL is a tooltip and a copy, never the label.
    expect(rows[0]!.querySelector('.video-label')!.getAttribute('title')).toBe('https://cdn.test/a/master.m3u8');
    expect(within(rows[0]!).getByRole('button', { name: 'Copy the address of Trailer' })).toBeTruthy();
    expect(within(rows[3]!).queryByRole('button', { name: 'Download' })).toBeNull();
    // A second source of a video is a choice of its own row.
    fireEvent.input(within(rows[2]!).getByRole('combobox', { name: 'Source of Video 3' }), { target: { value: 'https://live.test/y.mp4' } });
    await waitFor(() => expect(rows[2]!.querySelector('.video-details')!.textContent).toBe('file · live.test'));
    fireEvent.click(within(rows[2]!).getByRole('button', { name: 'Download' }));
    await waitFor(() =>
      expect(f.client.download).toHaveBeenLastCalledWith(expect.objectContaining({ url: 'https://live.test/y.mp4', frameId: 7, videoKey: 'm1', tabId: 3 })),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Download all' }));
    await waitFor(() => expect(f.client.download).toHaveBeenCalledTimes(4));
    expect(
      vi
        .mocked(f.client.download)
        .mock.calls.slice(1)
        .map((c: any[]) => [c[0].frameId, c[0].videoKey, c[0].url]),
    ).toEqual([
      [0, 'm1', 'https://cdn.test/a/master.m3u8'],
      [0, 'm2', 'https://cdn.test/b.mp4'],
      [7, 'm1', 'https://live.test/y.mp4'],
    ]);
  });

  it('asks again for the videos when the background says the tab changed, and offers the page when there are none', async () => {
    const f = fakeClient([], undefined, [], { videos: [], others: [], page: oneVideo.page });
    mount(f.client);
    await screen.findByText('No video found on this page. VidQueue can still try the page address.');
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    await waitFor(() => expect(f.client.download).toHaveBeenCalledWith(expect.objectContaining({ url: 'https://blog.test/p' })));
    f.videosChanged(3, oneVideo);
    await screen.findByText('1 video on this page');
    // Only the first look asks the frames to report again.
    expect(vi.mocked(f.client.pageVideos).mock.calls.map((c) => c[0].refresh)).toEqual([true, false]);
  });

  it('shows a recording with a red dot, its time and size instead of a percent, and Stop next to Cancel', async () => {
    const rec = makeJob({
      id: 1,
      status: 'recording',
      live: true,
      title: 'Live show',
      startedAt: Date.now() - 65_000,
      progress: { ...makeJob({ id: 1 }).progress, downloadedBytes: 5 * 1024 * 1024, percent: null },
    });
    const f = fakeClient([rec]);
    mount(f.client);
    const bar = await screen.findByRole('progressbar', { name: 'Progress of Live show' });
    expect(bar.getAttribute('aria-valuenow')).toBeNull();
    expect(bar.getAttribute('aria-valuetext')).toMatch(/^1m0[56]s recorded · 5\.0 MiB$/);
    const row = screen.getAllByRole('listitem').find((li) => li.dataset.jobId === '1')!;
    expect(row.querySelector('.rec-dot')).toBeTruthy();
    expect(within(row).getByText('Recording')).toBeTruthy();
    expect(
      within(row)
        .getAllByRole('button')
        .map((b) => b.title),
    ).toEqual(['Stop', 'Cancel']);
    fireEvent.click(within(row).getByRole('button', { name: 'Stop recording Live show and keep it' }));
    expect(f.calls).toContainEqual({ type: 'jobs.stopRecording', params: { jobId: 1 } });
  });

  it('never shows more than 100 % or more done than the total, and says "about" of an estimate', async () => {
    const over = downloading(1, 130);
    over.progress = { ...over.progress, downloadedBytes: 12 * 1024 * 1024, totalBytes: 10 * 1024 * 1024 };
    const estimate = downloading(2, 40);
    estimate.progress = { ...estimate.progress, totalIsEstimate: true };
    const f = fakeClient([over, estimate]);
    mount(f.client);
    const first = await screen.findByRole('progressbar', { name: 'Progress of Video 1' });
    expect(first.getAttribute('aria-valuenow')).toBe('100');
    expect(first.getAttribute('aria-valuetext')).toMatch(/^100\.0% · 12\.0 MiB downloaded/);
    expect(screen.getByRole('progressbar', { name: 'Progress of Video 2' }).getAttribute('aria-valuetext')).toContain('4.0 MiB of about 10.0 MiB');
  });

  it('keeps showing a finished job by its title; the file name is its tooltip', async () => {
    const f = fakeClient([makeJob({ id: 1, status: 'completed', title: 'The caption', filePath: '/dl/master [master].mp4', finishedAt: 1 })]);
    mount(f.client);
    const title = await screen.findByText('The caption');
    expect(title.getAttribute('title')).toBe('/dl/master [master].mp4');
    expect(screen.queryByText('master [master].mp4')).toBeNull();
  });

  it('renders each job with an accessible progress bar that follows events', async () => {
    const f = fakeClient([downloading(1, 25)]);
    mount(f.client);
    const bar = await screen.findByRole('progressbar', { name: 'Progress of Video 1' });
    expect(bar.getAttribute('aria-valuenow')).toBe('25');
    expect(bar.getAttribute('aria-valuetext')).toContain('2.5 MiB of 10.0 MiB');
    f.emit({ event: 'job.updated', data: { job: downloading(1, 60) } });
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('60'));
  });

  it('says "Cancelling…" at once and settles when the daemon confirms', async () => {
    const f = fakeClient([downloading(1, 40)]);
    mount(f.client);
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel Video 1' }));
    expect(await screen.findByText('Cancelling…')).toBeTruthy();
    expect(f.calls).toContainEqual({ type: 'jobs.cancel', params: { jobId: 1 } });
    const cancelled = makeJob({ id: 1, status: 'cancelled', title: 'Video 1', finishedAt: 2 });
    f.emit({ event: 'job.updated', data: { job: cancelled } });
    f.finishCancel(cancelled);
    await screen.findByText('Cancelled');
    expect(screen.queryByText('Cancelling…')).toBeNull();
    expect(screen.getByRole('button', { name: 'Retry Video 1' })).toBeTruthy();
  });

  it('asks before cancelling a download past the size threshold', async () => {
    const f = fakeClient([downloading(1, 40, 500 * 1024 * 1024)]);
    mount(f.client, 100 * 1024 * 1024);
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel Video 1' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(f.calls.some((c) => c.type === 'jobs.cancel')).toBe(false);
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Yes, cancel'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Yes, cancel' }));
    expect(f.calls).toContainEqual({ type: 'jobs.cancel', params: { jobId: 1 } });
  });

  it('offers only the actions a job state allows', async () => {
    const f = fakeClient([
      makeJob({ id: 1, status: 'paused', title: 'P' }),
      makeJob({ id: 2, status: 'completed', title: 'C', filePath: '/dl/c.mp4', finishedAt: 3 }),
      makeJob({ id: 3, status: 'failed', title: 'F', finishedAt: 2, error: { code: 'DOWNLOAD_FAILED', message: 'HTTP Error 404' } }),
    ]);
    mount(f.client);
    const names = async (id: number) =>
      within((await screen.findAllByRole('listitem')).find((li) => li.dataset.jobId === String(id))!)
        .getAllByRole('button')
        .map((b) => b.title);
    expect(await names(1)).toEqual(['Resume', 'Cancel']);
    expect(await names(2)).toEqual(['Open file', 'Show in folder', 'Remove']);
    expect(await names(3)).toEqual(['Retry', 'Remove']);
    expect(screen.getByRole('alert').textContent).toBe('HTTP Error 404');
  });

  it('lists the queue in the daemon order and moves a job up when the daemon says it moved to the top', async () => {
    const f = fakeClient([
      makeJob({ id: 1, title: 'First', position: 2 }),
      makeJob({ id: 2, title: 'Second', position: 3 }),
      makeJob({ id: 7, title: 'Older id, later', position: 9 }),
    ]);
    mount(f.client);
    const rowIds = () =>
      screen
        .getAllByRole('listitem')
        .filter((li) => li.dataset.jobId)
        .map((li) => Number(li.dataset.jobId));
    await screen.findByText('Older id, later');
    expect(rowIds()).toEqual([1, 2, 7]);
    f.emit({ event: 'job.updated', data: { job: makeJob({ id: 7, title: 'Older id, later', position: 1 }) } });
    await waitFor(() => expect(rowIds()).toEqual([7, 1, 2]));
  });

  it('offers Cancel all while a paused job is unfinished, and Clear finished for the history', async () => {
    const f = fakeClient([makeJob({ id: 1, status: 'paused', title: 'P' }), makeJob({ id: 2, status: 'failed', title: 'F', finishedAt: 1 })]);
    mount(f.client);
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel all' }));
    expect(f.calls).toContainEqual({ type: 'jobs.cancelAll', params: {} });
    expect(screen.getByRole('button', { name: 'Clear finished' })).toBeTruthy();
  });

  it('shows the daemon notices as a banner; dismissing one tells the background', async () => {
    const f = fakeClient([], undefined, [{ id: 4, code: 'DATABASE_RESET', message: 'The queue database was damaged and set aside', createdAt: 1 }]);
    mount(f.client);
    const banner = await screen.findByRole('region', { name: 'Notices from VidQueue' });
    expect(within(banner).getByText('The queue database was damaged and set aside')).toBeTruthy();
    fireEvent.click(within(banner).getByRole('button', { name: 'Dismiss the notice: The queue database was damaged and set aside' }));
    expect(f.client.dismissNotice).toHaveBeenCalledWith(4);
    expect(screen.queryByRole('region', { name: 'Notices from VidQueue' })).toBeNull();
    f.setNotices([{ id: 5, code: 'X', message: 'Another one', createdAt: 2 }]);
    await screen.findByText('Another one');
  });

  it('shows a failed job sentence with the tool raw output behind it, and a job note as a quiet line', async () => {
    const f = fakeClient([
      makeJob({
        id: 1,
        status: 'completed',
        title: 'C',
        filePath: '/dl/c.mp4',
        finishedAt: 3,
        note: 'ffmpeg is missing: downloaded a single-file format instead',
      }),
      makeJob({
        id: 2,
        status: 'failed',
        title: 'F',
        finishedAt: 2,
        error: {
          code: 'HTTP_404',
          message: 'The site says this video does not exist (HTTP 404).',
          detail: 'ERROR: [generic] Unable to download webpage: HTTP Error 404: Not Found',
        },
      }),
      makeJob({ id: 3, status: 'cancelled', title: 'X', finishedAt: 1, note: 'Cancelled by the CLI' }),
    ]);
    mount(f.client);
    const row = async (id: number) => (await screen.findAllByRole('listitem')).find((li) => li.dataset.jobId === String(id))!;
    const error = within(await row(2)).getByRole('alert');
    expect(error.firstElementChild!.textContent).toBe('The site says this video does not exist (HTTP 404).');
    const details = error.querySelector('details')!;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')!.textContent).toBe('Details');
    expect(details.querySelector('pre')!.textContent).toBe('ERROR: [generic] Unable to download webpage: HTTP Error 404: Not Found');
    expect(within(await row(1)).getByText('ffmpeg is missing: downloaded a single-file format instead').className).toBe('job-note');
    expect(within(await row(3)).getByText('Cancelled by the CLI')).toBeTruthy();
  });

  it('shows a missing host with the command that fixes it', async () => {
    const f = fakeClient([], { state: 'problem', problem: { kind: 'not-installed', detail: 'Specified native messaging host not found.' }, retryInMs: 5000 });
    mount(f.client);
    const alert = (await screen.findAllByRole('alert')).find((a) => a.classList.contains('host-problem'))!;
    expect(within(alert).getByText('The VidQueue program is not installed for this browser.')).toBeTruthy();
    expect(within(alert).getByText('npx vidqueue install')).toBeTruthy();
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(f.client.retryHost).toHaveBeenCalled();
  });

  it('shows what the host doctor found when the host runs but fails', async () => {
    const f = fakeClient([], { state: 'problem', problem: { kind: 'exited', detail: 'Native host has exited.' }, retryInMs: 1000 });
    mount(f.client);
    const report = await screen.findByRole('list', { name: 'What VidQueue found' });
    expect(within(report).getByText('sudo apt install yt-dlp')).toBeTruthy();
    expect(within(report).queryByText(/Node v20/)).toBeNull();
    expect(screen.getByText('npx vidqueue daemon --foreground')).toBeTruthy();
  });

  it('does not ask a host that is not installed for its report', async () => {
    const f = fakeClient([], { state: 'problem', problem: { kind: 'not-installed', detail: 'Specified native messaging host not found.' }, retryInMs: null });
    mount(f.client);
    await screen.findByText('npx vidqueue install');
    expect(f.client.doctor).not.toHaveBeenCalled();
  });

  it('renders a long history without putting every row in the page', async () => {
    const history = Array.from({ length: 10_000 }, (_, i) =>
      makeJob({ id: i + 1, title: `History ${i + 1}`, status: 'completed', finishedAt: 10_000 - i, filePath: `/dl/${i}.mp4` }),
    );
    const f = fakeClient(history);
    mount(f.client);
    await screen.findByText('History 1');
    expect(screen.getAllByRole('listitem').filter((li) => li.dataset.jobId).length).toBeLessThan(20);
    expect(f.calls.filter((c) => c.type === 'jobs.list')).toHaveLength(1);
  });
});

describe('popup cards from probes', () => {
  const fmt = (id: string, height: number | null, bytes: number, over: object = {}) => ({
    id,
    label: id,
    width: null,
    height,
    fps: null,
    hasVideo: height !== null,
    hasAudio: true,
    videoCodec: null,
    audioCodec: 'aac',
    container: 'mp4',
    bitrate: null,
    size: { bytes, estimate: true },
    protocol: 'hls',
    ...over,
  });
  const hls = makeProbe('https://cdn.test/v.mp4', {
    duration: 65,
    thumbnail: 'https://cdn.test/t.jpg',
    formats: [fmt('hls-720', 720, 2_200_000), fmt('hls-360', 360, 600_000), fmt('a', null, 94_000, { hasVideo: false })],
    subtitles: ['en'],
  });

  it('probes the page first, then each video; lists real qualities with sizes and downloads the one chosen, with subtitles', async () => {
    const f = fakeClient([], undefined, [], oneVideo, { 'https://cdn.test/v.mp4': hls });
    mount(f.client);
    const quality = () => screen.getByRole('combobox', { name: 'Quality of The clip' }) as HTMLSelectElement;
    await waitFor(() => expect([...quality().options].map((o) => o.text)).toEqual(['720p · ~2.2 MB', '360p · ~600 KB', 'Audio only · ~94 KB']));
    // The default preset (720p) picks its quality.
    expect(quality().value).toBe('format:hls-720');
    expect(f.calls.filter((c) => c.type === 'probe').map((c) => c.params.url)).toEqual(['https://blog.test/p', 'https://cdn.test/v.mp4']);
    expect(screen.getByText('1:05')).toBeTruthy();
    expect(document.querySelector('.thumb img')!.getAttribute('loading')).toBe('lazy');
    fireEvent.input(quality(), { target: { value: 'format:hls-360' } });
    fireEvent.input(screen.getByRole('combobox', { name: 'Subtitles of The clip' }), { target: { value: 'sub:en' } });
    fireEvent.input(await screen.findByRole('combobox', { name: 'How to save the subtitles of The clip' }), { target: { value: 'file' } });
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    await waitFor(() => expect(f.client.download).toHaveBeenCalled());
    const target = vi.mocked(f.client.download).mock.calls[0]![0] as any;
    expect(target).toMatchObject({
      url: 'https://cdn.test/v.mp4',
      videoKey: 'm1',
      choice: { format: { kind: 'format', formatId: 'hls-360' }, subtitles: { languages: ['en'], mode: 'file', fileFormat: 'srt' } },
    });
    expect(target.preset).toBeUndefined();
  });

  it('says why when the probe fails, and still downloads with a preset', async () => {
    const f = fakeClient([]);
    mount(f.client);
    await screen.findByText('Qualities unknown: yt-dlp cannot read this address. You can still download with a preset.');
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    await waitFor(() => expect(f.client.download).toHaveBeenCalledWith(expect.objectContaining({ preset: '720p' })));
  });

  it('shows a quiet spinner while the probe runs, with what the page knows', async () => {
    const f = fakeClient([]);
    vi.mocked(f.client.request).mockImplementation(((type: string) =>
      type === 'probe' ? new Promise(() => {}) : Promise.resolve({ jobs: [], nextCursor: null, total: 0, settings: { defaultPreset: 'best' } })) as never);
    mount(f.client);
    expect((await screen.findByRole('status')).textContent).toBe('Looking for qualities…');
    expect(screen.getByText('The clip')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Download' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('offers a playlist as one card with its count, and adds the first N entries in one request', async () => {
    const entries = Array.from({ length: 1000 }, (_, i) => ({ index: i + 1, id: `e${i + 1}`, title: `Entry ${i + 1}`, duration: 60, url: null }));
    const list = makeProbe('https://blog.test/p', {
      extractor: 'Tube',
      generic: false,
      title: 'A list',
      playlist: { id: 'l', title: 'A list', count: 1000, entries: entries.slice(0, 200), cursor: 0, nextCursor: 200 },
    });
    const f = fakeClient([], undefined, [], { videos: [], others: [], page: oneVideo.page }, { 'https://blog.test/p': list });
    mount(f.client);
    fireEvent.click(await screen.findByRole('button', { name: 'Choose the videos' }));
    const checklist = await screen.findByRole('list', { name: 'Videos of A list' });
    // Only the rows in view are drawn.
    expect(within(checklist).getAllByRole('checkbox').length).toBeLessThan(20);
    fireEvent.input(screen.getByRole('spinbutton'), { target: { value: '25' } });
    fireEvent.click(screen.getByRole('button', { name: 'Download 25' }));
    await waitFor(() => expect(f.calls.some((c) => c.type === 'jobs.addPlaylist')).toBe(true));
    expect(f.calls.find((c) => c.type === 'jobs.addPlaylist')!.params).toEqual({
      url: 'https://blog.test/p',
      pageUrl: null,
      referer: null,
      entries: { kind: 'first', count: 25 },
      preset: '720p',
    });
  });

  it('opens the options page from the header', async () => {
    const f = fakeClient([]);
    const openOptions = vi.fn();
    render(<PopupApp client={f.client} loadPage={() => Promise.resolve(page)} confirmAboveBytes={0} extensionId="x" openOptions={openOptions} />);
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    expect(openOptions).toHaveBeenCalled();
  });
});
