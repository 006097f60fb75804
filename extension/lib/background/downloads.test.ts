import { describe, expect, it, vi } from 'vitest';
import type { Job } from '../../../shared/job';
import { makeJob } from '../fake-host';
import { createMediaRequestLog } from '../media-requests';
import type { ReportedVideo } from '../view-messages';
import { createDownloads } from './downloads';
import { createPageVideos } from './page-videos';

const memory = () => {
  let value = { frames: {}, jobs: {} };
  return {
    getValue: async () => value,
    setValue: async (v: typeof value) => {
      value = v;
    },
  };
};

function setup() {
  const jobs = new Map<number, Job>();
  let next = 1;
  const request = vi.fn(async (type: string, params: any) => {
    if (type === 'jobs.add') {
      const job = makeJob({ id: next++, url: params.url, title: params.title });
      jobs.set(job.id, job);
      return { job };
    }
    return { job: jobs.get(params.jobId) ?? makeJob({ id: params.jobId }) };
  });
  const log = createMediaRequestLog();
  log.record(3, 'https://cdn.test/live/master.m3u8');
  const videos = createPageVideos({ store: memory(), saveDelayMs: 1 });
  const downloads = createDownloads({ host: { request: request as never }, mediaFor: log.forTab, videos });
  return { downloads, request, videos, log, jobs };
}

const video = (key: string, over: Partial<ReportedVideo> = {}): ReportedVideo => ({
  key,
  media: 'video',
  label: null,
  src: 'blob:https://site.test/x',
  width: 640,
  height: 360,
  sources: [],
  fed: true,
  ...over,
});
const hls = (url: string, parts: string[] = []) => ({ url, kind: 'hls' as const, live: false, height: 720, parts });
const top = { frameId: 0, frameUrl: 'https://site.test/w', pageUrl: 'https://site.test/w', pageTitle: 'W' };

describe('downloads', () => {
  it('downloads a blob: player from the media requests of its tab, with the page as referer', async () => {
    const { downloads, request } = setup();
    await downloads.download({ pageUrl: 'https://site.test/w', pageTitle: 'W', videoSrc: 'blob:https://site.test/x' }, { tabId: 3 });
    expect(request).toHaveBeenCalledWith('jobs.add', { url: 'https://cdn.test/live/master.m3u8', pageUrl: 'https://site.test/w', title: 'W' });
  });

  it('refuses a picked URL that is not one of the candidates, naming it', async () => {
    const { downloads, request } = setup();
    await expect(downloads.download({ pageUrl: 'https://site.test/w', pageTitle: null, url: 'https://evil.test/x' }, { tabId: 3 })).rejects.toMatchObject({
      code: 'INVALID_URL',
      message: expect.stringContaining('https://evil.test/x'),
    });
    await expect(downloads.download({ pageUrl: 'file:///etc/passwd', pageTitle: null }, { tabId: null })).rejects.toMatchObject({ code: 'INVALID_URL' });
    expect(request).not.toHaveBeenCalled();
  });

  it('downloads a video in a frame from its own source, with the frame as Referer and the tab page as pageUrl', async () => {
    const { downloads, request } = setup();
    const frame = { frameId: 7, frameUrl: 'https://player.test/embed/1', pageUrl: 'https://site.test/w', pageTitle: 'W' };
    await downloads.download({ video: video('m1', { label: 'Trailer', sources: [hls('https://cdn.test/t/master.m3u8')], fed: true }) }, { tabId: 3, frame });
    expect(request).toHaveBeenCalledWith('jobs.add', {
      url: 'https://cdn.test/t/master.m3u8',
      pageUrl: 'https://site.test/w',
      referer: 'https://player.test/embed/1',
      title: 'Trailer',
    });
  });

  it('gives two players of one page two streams: each its own', async () => {
    const { downloads, request, videos } = setup();
    videos.report(3, 0, top.frameUrl, {
      videos: [video('m1', { sources: [hls('https://cdn.test/a/master.m3u8')] }), video('m2', { sources: [hls('https://cdn.test/b/master.m3u8')] })],
      others: [],
    });
    await downloads.download({ tabId: 3, pageUrl: top.pageUrl, pageTitle: 'W', frameId: 0, videoKey: 'm2' }, { tabId: 3 });
    await downloads.download({ tabId: 3, pageUrl: top.pageUrl, pageTitle: 'W', frameId: 0, videoKey: 'm1' }, { tabId: 3 });
    expect(request.mock.calls.map((c) => [c[1].url, c[1].title])).toEqual([
      ['https://cdn.test/b/master.m3u8', 'W (2)'],
      ['https://cdn.test/a/master.m3u8', 'W (1)'],
    ]);
  });

  it("gives a job its video's poster as thumbnail, from the button, the popup's list and the page menu; never a poster that is not http(s)", async () => {
    const { downloads, request, videos } = setup();
    const source = { sources: [hls('https://cdn.test/a/master.m3u8')] };
    await downloads.download({ video: video('m1', { ...source, poster: 'https://cdn.test/a/poster.jpg' }) }, { tabId: 3, frame: top });
    videos.report(3, 0, top.frameUrl, { videos: [video('m2', { ...source, poster: 'https://cdn.test/b.jpg' })], others: [] });
    expect(downloads.list(3, top.pageUrl, 'W').videos[0]!.poster).toBe('https://cdn.test/b.jpg');
    await downloads.download({ tabId: 3, pageUrl: top.pageUrl, pageTitle: 'W', frameId: 0, videoKey: 'm2' }, { tabId: 3 });
    await downloads.download({ pageUrl: top.pageUrl, pageTitle: 'W' }, { tabId: 3 });
    videos.report(3, 0, top.frameUrl, { videos: [video('m3', { ...source, poster: 'data:image/png;base64,AAAA' })], others: [] });
    await downloads.download({ tabId: 3, pageUrl: top.pageUrl, pageTitle: 'W', frameId: 0, videoKey: 'm3' }, { tabId: 3 });
    expect(request.mock.calls.map((c) => c[1].thumbnail)).toEqual([
      'https://cdn.test/a/poster.jpg',
      'https://cdn.test/b.jpg',
      'https://cdn.test/b.jpg',
      undefined,
    ]);
  });

  it('says "Play the video once, then click" for a player that has loaded nothing yet, and queues nothing', async () => {
    const { downloads, request, log } = setup();
    log.clearTab(3);
    await expect(downloads.download({ video: video('m1') }, { tabId: 3, frame: top })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      field: 'video',
      message: 'Play the video once, then click',
    });
    expect(request).not.toHaveBeenCalled();
  });

  it('lists each video with its own candidates and title, and what no video claims apart, variants folded', () => {
    const { downloads, videos, log } = setup();
    log.clearTab(3);
    log.record(3, 'https://cdn.test/a/master.m3u8');
    log.record(3, 'https://cdn.test/a/360p/index.m3u8');
    log.record(3, 'https://cdn.test/a/360p/init.mp4', 'video/mp4');
    log.record(3, 'https://cdn.test/extra/clip.mp4');
    videos.report(3, 0, top.frameUrl, {
      videos: [
        video('m1', { label: 'First', sources: [hls('https://cdn.test/a/master.m3u8', ['https://cdn.test/a/360p/index.m3u8'])] }),
        video('m2', { fed: false }),
      ],
      others: [],
    });
    const listing = downloads.list(3, top.pageUrl, 'W');
    expect(listing.videos.map((v) => [v.key, v.title, v.candidates.map((c) => c.url)])).toEqual([
      ['m1', 'First', ['https://cdn.test/a/master.m3u8']],
      ['m2', 'W (2)', []],
    ]);
    expect(listing.others.map((c) => c.url)).toEqual(['https://cdn.test/extra/clip.mp4']);
    expect(listing.page).toMatchObject({ url: 'https://site.test/w', kind: 'page' });
  });

  it('retries a job from a video that failed before any byte with the source the video has now', async () => {
    const { downloads, request, videos, jobs } = setup();
    videos.report(3, 0, top.frameUrl, { videos: [video('m1', { sources: [hls('https://cdn.test/old.m3u8')] })], others: [] });
    const { job } = await downloads.download({ tabId: 3, pageUrl: top.pageUrl, pageTitle: 'W', frameId: 0, videoKey: 'm1' }, { tabId: 3 });
    jobs.set(job.id, { ...job, status: 'failed' });
    videos.report(3, 0, top.frameUrl, { videos: [video('m1', { sources: [hls('https://cdn.test/new.m3u8')] })], others: [] });
    await downloads.retry(job.id);
    expect(request).toHaveBeenLastCalledWith('jobs.retry', { jobId: job.id, url: 'https://cdn.test/new.m3u8', referer: null });
    // Once bytes came, the job resumes what it had: no new URL.
    jobs.set(job.id, { ...job, status: 'failed', progress: { ...job.progress, downloadedBytes: 10 } });
    await downloads.retry(job.id);
    expect(request).toHaveBeenLastCalledWith('jobs.retry', { jobId: job.id });
  });
});
