import { describe, expect, it, vi } from 'vitest';
import type { Job } from '../../../shared/job';
import type { Notice } from '../../../shared/protocol';
import { makeJob } from '../fake-host';
import { createOwnership } from './content-policy';
import { createDownloads } from './downloads';
import { createPageVideos } from './page-videos';
import { fakeViewPort, until } from './fake-view-port';
import { createViewHub } from './view-hub';

const EXTENSION = 'chrome-extension://jmbanghbfkaamlnhdlipdknhfpnimkjc/';

function memoryStore() {
  let value: Record<string, number[]> = {};
  return {
    getValue: async () => value,
    setValue: async (v: Record<string, number[]>) => {
      value = structuredClone(v);
    },
  };
}

function setup(store = memoryStore()) {
  const requests: { type: string; params: any }[] = [];
  const jobs = new Map<number, Job>([[1, makeJob({ id: 1 })]]);
  const request = vi.fn(async (type: string, params: any) => {
    requests.push({ type, params });
    if (type === 'jobs.add') {
      const job = makeJob({ id: 100 + requests.length, url: params.url, pageUrl: params.pageUrl });
      jobs.set(job.id, job);
      return { job };
    }
    if (type === 'jobs.list') return { jobs: [...jobs.values()], nextCursor: null, total: jobs.size };
    return { job: jobs.get(params.jobId) ?? makeJob({ id: params.jobId }) };
  });
  const host = { request: request as never, doctor: vi.fn(), hold: vi.fn(() => () => {}), retryNow: vi.fn() };
  const ownership = createOwnership({ store });
  let noticeList: Notice[] = [{ id: 1, code: 'DATABASE_RESET', message: 'The queue database was damaged and set aside', createdAt: 1 }];
  const notices = {
    current: () => noticeList,
    dismiss: vi.fn(async (id: number) => {
      noticeList = noticeList.filter((n) => n.id !== id);
    }),
  };
  const videos = createPageVideos({ store: { getValue: async () => ({ frames: {}, jobs: {} }), setValue: async () => {} } });
  const askReports = vi.fn();
  const hub = createViewHub({
    extensionOrigin: EXTENSION,
    host,
    downloads: createDownloads({ host, mediaFor: () => [], videos }),
    videos,
    askReports,
    ownership,
    notices,
  });
  const update = (job: Job) => {
    jobs.set(job.id, job);
    hub.relay({ event: 'job.updated', data: { job } });
  };
  return { hub, host, request, requests, store, ownership, update, notices, videos, askReports };
}

/** An array nested `depth` deep: [[[…]]]. */
function deepArray(depth: number): unknown {
  let x: unknown = [];
  for (let i = 0; i < depth; i++) x = [x];
  return x;
}

describe('view hub: what a view sends', () => {
  it('answers a 4,000-deep array from a content script with an error naming the field, and goes on answering', async () => {
    const { hub, requests } = setup();
    const page = fakeViewPort({ tabId: 3 });
    hub.connect(page.port);
    page.send({ kind: 'download', id: 5, target: { pageUrl: deepArray(4000), pageTitle: null } });
    await until(() => page.reply(5));
    expect(page.reply(5)).toEqual({
      kind: 'reply',
      id: 5,
      ok: false,
      error: {
        code: 'INVALID_MESSAGE',
        field: expect.stringMatching(/^message\.target\.pageUrl\[0\]/),
        message: expect.stringContaining('nested more than 32 levels deep'),
      },
    });
    page.send({ kind: 'download', id: 6, target: { pageUrl: 'https://site-3.test/page', pageTitle: null, videoSrc: 'https://cdn.test/v.mp4' } });
    await until(() => page.reply(6));
    expect(page.reply(6)).toMatchObject({ ok: true });
    expect(requests.map((r) => r.type)).toEqual(['jobs.add']);
  });

  it('answers a 4,000-deep array from the popup with an error naming the field, and goes on answering', async () => {
    const { hub, requests } = setup();
    const popup = fakeViewPort();
    hub.connect(popup.port);
    popup.send({ kind: 'request', id: 1, type: 'jobs.list', params: {}, extra: deepArray(4000) });
    popup.send({ kind: 'candidates', id: 2, target: { pageUrl: null, pageTitle: null, videoSrc: deepArray(4000) } });
    await until(() => popup.replies().length === 2);
    expect(popup.reply(1).error).toMatchObject({
      code: 'INVALID_MESSAGE',
      field: expect.stringMatching(/^message\.extra\[0\]\[0\]/),
      message: expect.stringContaining('nested more than 32 levels deep'),
    });
    expect(popup.reply(2).error).toMatchObject({ code: 'INVALID_MESSAGE', field: expect.stringMatching(/^message\.target\.videoSrc\[0\]/) });
    popup.send({ kind: 'request', id: 3, type: 'jobs.list', params: {} });
    await until(() => popup.reply(3));
    expect(popup.reply(3)).toMatchObject({ ok: true });
    expect(requests.map((r) => r.type)).toEqual(['jobs.list']);
  });

  it('refuses a huge object by its size, before any schema reads it', async () => {
    const { hub, requests } = setup();
    const popup = fakeViewPort();
    hub.connect(popup.port);
    const target: Record<string, unknown> = { pageUrl: null, pageTitle: null };
    for (let i = 0; i < 120_000; i++) target[`k${i}`] = i;
    popup.send({ kind: 'download', id: 9, target });
    await until(() => popup.reply(9), 10_000);
    expect(popup.reply(9).error).toMatchObject({ code: 'INVALID_MESSAGE', message: expect.stringContaining('more than 100000 values') });
    expect(requests).toEqual([]);
  });

  it('cannot answer a message with no usable id, and still answers the next one', async () => {
    const { hub } = setup();
    const popup = fakeViewPort();
    hub.connect(popup.port);
    popup.send(deepArray(4000));
    popup.send(null);
    popup.send({ kind: 'request', id: 'x'.repeat(10_000), type: 'jobs.list' });
    popup.send({ kind: 'request', id: 4, type: 'jobs.list', params: {} });
    await until(() => popup.reply(4));
    expect(popup.replies().map((r) => r.id)).toEqual([4]);
  });

  it('names the refused field and value of a malformed request', async () => {
    const { hub } = setup();
    const popup = fakeViewPort();
    hub.connect(popup.port);
    popup.send({ kind: 'download', id: 2, target: { pageUrl: 42, pageTitle: null } });
    await until(() => popup.reply(2));
    expect(popup.reply(2).error).toEqual({ code: 'INVALID_MESSAGE', field: 'message.target.pageUrl', message: expect.stringContaining('`42` (number)') });
  });
});

/** A job as the daemon has it: a file on disk, the URLs it came from. */
const running = (id: number, percent: number, over: Partial<Job> = {}) =>
  makeJob({
    id,
    status: 'downloading',
    url: `https://cdn.test/${id}.mp4`,
    pageUrl: 'https://private.test/inbox',
    filePath: `/home/alice/Downloads/.vidqueue-staging/job-${id}/x.mp4`,
    progress: { ...makeJob({ id }).progress, percent },
    ...over,
  });

/** A content script's download: its page's video, answered with the new job. */
async function startDownload(page: ReturnType<typeof fakeViewPort>, id: number, pageUrl: string) {
  page.send({ kind: 'download', id, target: { pageUrl, pageTitle: 'A page', videoSrc: 'https://cdn.test/v.mp4' } });
  await until(() => page.reply(id));
  return page.reply(id).result.job.id as number;
}

describe('view hub: content scripts are treated like the page they run in', () => {
  it('a content script hears only of the jobs its own page started, reduced to what its button shows', async () => {
    const { hub, update } = setup();
    const popup = fakeViewPort({ url: `${EXTENSION}popup.html` });
    const mine = fakeViewPort({ tabId: 3, url: 'https://a.test/watch' });
    const other = fakeViewPort({ tabId: 4, url: 'https://b.test/page' });
    for (const v of [popup, mine, other]) hub.connect(v.port);
    const jobId = await startDownload(mine, 1, 'https://a.test/watch');
    update(running(jobId, 42.6));
    update(running(1, 10));
    hub.status({ state: 'connected', daemonVersion: '0.1.0' });
    expect(mine.received.filter((m) => m.kind !== 'reply')).toEqual([{ kind: 'page-job', job: { id: jobId, status: 'downloading', percent: 42 } }]);
    expect(other.received).toEqual([]);
    expect(JSON.stringify(mine.received)).not.toMatch(/alice|private\.test|cdn\.test|Video/);
    // The extension's own pages hear everything.
    expect(popup.received.filter((m) => m.kind === 'event').map((m) => m.event.data.job.id)).toEqual([jobId, 1]);
  });

  it('answers a content script download with only what its button needs', async () => {
    const { hub } = setup();
    const page = fakeViewPort({ tabId: 3, url: 'https://a.test/watch' });
    hub.connect(page.port);
    const jobId = await startDownload(page, 7, 'https://a.test/watch');
    expect(page.reply(7)).toEqual({ kind: 'reply', id: 7, ok: true, result: { job: { id: jobId, status: 'queued', percent: null } } });
  });

  it('lets a content script retry or cancel only the jobs it started, and refuses jobs.get of any other job', async () => {
    const { hub, requests } = setup();
    const page = fakeViewPort({ tabId: 3, url: 'https://a.test/watch' });
    hub.connect(page.port);
    const mine = await startDownload(page, 1, 'https://a.test/watch');
    page.send({ kind: 'request', id: 2, type: 'jobs.retry', params: { jobId: 1 } });
    page.send({ kind: 'request', id: 3, type: 'jobs.cancel', params: { jobId: 1 } });
    page.send({ kind: 'request', id: 4, type: 'jobs.get', params: { jobId: 1 } });
    page.send({ kind: 'request', id: 5, type: 'jobs.get', params: { jobId: 999 } });
    await until(() => page.replies().length === 5);
    for (const id of [2, 3, 4, 5]) expect(page.reply(id)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', field: 'params.jobId' } });
    // A job that exists and one that does not get the same answer: a page cannot probe ids.
    expect(page.reply(4).error.message).toBe('This page started no download with id 1');
    expect(requests.map((r) => r.type)).toEqual(['jobs.add']);

    page.send({ kind: 'request', id: 6, type: 'jobs.cancel', params: { jobId: mine } });
    page.send({ kind: 'request', id: 7, type: 'jobs.retry', params: { jobId: mine } });
    page.send({ kind: 'request', id: 8, type: 'jobs.get', params: { jobId: mine } });
    await until(() => page.replies().length === 8);
    expect([6, 7, 8].map((id) => page.reply(id).result)).toEqual([0, 1, 2].map(() => ({ job: { id: mine, status: 'queued', percent: null } })));
    expect(requests.map((r) => r.type)).toEqual(['jobs.add', 'jobs.cancel', 'jobs.retry', 'jobs.get']);
  });

  it('lets a content script stop the recordings it started, and no other', async () => {
    const { hub, requests } = setup();
    const page = fakeViewPort({ tabId: 3, url: 'https://a.test/watch' });
    hub.connect(page.port);
    const mine = await startDownload(page, 1, 'https://a.test/watch');
    page.send({ kind: 'request', id: 2, type: 'jobs.stopRecording', params: { jobId: 1 } });
    page.send({ kind: 'request', id: 3, type: 'jobs.stopRecording', params: { jobId: mine } });
    await until(() => page.replies().length === 3);
    expect(page.reply(2)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(page.reply(3)).toMatchObject({ ok: true, result: { job: { id: mine } } });
    expect(requests.map((r) => r.type)).toEqual(['jobs.add', 'jobs.stopRecording']);
  });

  it('gives nothing to another site that later loads in the same tab, nor to the same site in another tab', async () => {
    const { hub, update, requests } = setup();
    const first = fakeViewPort({ tabId: 3, url: 'https://a.test/watch' });
    hub.connect(first.port);
    const jobId = await startDownload(first, 1, 'https://a.test/watch');
    first.close();
    const nextSite = fakeViewPort({ tabId: 3, url: 'https://evil.test/' });
    const otherTab = fakeViewPort({ tabId: 9, url: 'https://a.test/watch' });
    hub.connect(nextSite.port);
    hub.connect(otherTab.port);
    update(running(jobId, 50));
    expect(nextSite.received).toEqual([]);
    expect(otherTab.received).toEqual([]);
    nextSite.send({ kind: 'request', id: 1, type: 'jobs.get', params: { jobId } });
    otherTab.send({ kind: 'request', id: 1, type: 'jobs.retry', params: { jobId } });
    await until(() => nextSite.reply(1) && otherTab.reply(1));
    expect([nextSite.reply(1).error.code, otherTab.reply(1).error.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect(requests.map((r) => r.type)).toEqual(['jobs.add']);
    // The same site, back in its tab (a reload), is the same page.
    const again = fakeViewPort({ tabId: 3, url: 'https://a.test/other' });
    hub.connect(again.port);
    update(running(jobId, 60));
    expect(again.received).toEqual([{ kind: 'page-job', job: { id: jobId, status: 'downloading', percent: 60 } }]);
  });

  it('keeps what each page started across a restart of the background', async () => {
    const store = memoryStore();
    const before = setup(store);
    const page = fakeViewPort({ tabId: 3, url: 'https://a.test/watch' });
    before.hub.connect(page.port);
    const jobId = await startDownload(page, 1, 'https://a.test/watch');

    const after = setup(store);
    const reopened = fakeViewPort({ tabId: 3, url: 'https://a.test/watch' });
    after.hub.connect(reopened.port);
    reopened.send({ kind: 'request', id: 1, type: 'jobs.retry', params: { jobId } });
    await until(() => reopened.reply(1));
    expect(reopened.reply(1)).toMatchObject({ ok: true, result: { job: { id: jobId } } });
    after.update(running(jobId, 5));
    expect(reopened.received.at(-1)).toEqual({ kind: 'page-job', job: { id: jobId, status: 'downloading', percent: 5 } });
  });

  it('forgets a page job when it leaves the history, and every job of a closed tab', async () => {
    const { hub, ownership } = setup();
    const page = fakeViewPort({ tabId: 3, url: 'https://a.test/watch' });
    hub.connect(page.port);
    const a = await startDownload(page, 1, 'https://a.test/watch');
    const b = await startDownload(page, 2, 'https://a.test/watch');
    hub.relay({ event: 'jobs.removed', data: { jobIds: [a] } });
    await until(() => !ownership.owns('3 https://a.test', a));
    expect(ownership.owns('3 https://a.test', b)).toBe(true);
    await ownership.forgetTab(3);
    expect(ownership.owns('3 https://a.test', b)).toBe(false);
  });

  it('tells a content script of its job only when its button would change', async () => {
    const { hub, update } = setup();
    const page = fakeViewPort({ tabId: 3, url: 'https://a.test/watch' });
    hub.connect(page.port);
    const jobId = await startDownload(page, 1, 'https://a.test/watch');
    for (const p of [10.1, 10.4, 10.9, 11.2, 11.3])
      update(running(jobId, p, { progress: { ...makeJob({ id: 1 }).progress, percent: p, speed: p * 1000, downloadedBytes: p * 1e6 } }));
    expect(page.received.filter((m) => m.kind === 'page-job').map((m) => m.job.percent)).toEqual([10, 11]);
  });

  it('refuses a content script anything but its downloads, and never gives it the host status', async () => {
    const { hub, host, requests } = setup();
    const page = fakeViewPort({ tabId: 3, url: 'https://a.test/watch' });
    hub.connect(page.port);
    page.send({ kind: 'request', id: 1, type: 'jobs.list', params: {} });
    page.send({ kind: 'candidates', id: 2, target: { pageUrl: 'https://a.test/watch', pageTitle: null } });
    page.send({ kind: 'doctor', id: 3 });
    page.send({ kind: 'retry-host' });
    page.send({ kind: 'dismiss-notice', id: 4, noticeId: 1 });
    await until(() => page.replies().length === 4);
    expect(page.replies().map((r) => r.error.code)).toEqual(['INVALID_MESSAGE', 'INVALID_MESSAGE', 'INVALID_MESSAGE', 'INVALID_MESSAGE']);
    expect(requests).toEqual([]);
    expect(host.retryNow).not.toHaveBeenCalled();
    expect(host.hold).not.toHaveBeenCalled();
    expect(page.received.some((m) => m.kind === 'status' || m.kind === 'notices')).toBe(false);
  });
});

describe('view hub: the videos frames report', () => {
  const report = (key: string, url: string) => ({
    videos: [
      {
        key,
        media: 'video',
        label: null,
        src: 'blob:x',
        width: 640,
        height: 360,
        sources: [{ url, kind: 'hls', live: false, height: 720, parts: [] }],
        fed: true,
      },
    ],
    others: [],
  });

  it("lists every frame's videos for the popup, tells it when they change, and forgets a frame that went", async () => {
    const { hub, askReports } = setup();
    const popup = fakeViewPort({ url: `${EXTENSION}popup.html` });
    const top = fakeViewPort({ tabId: 3, url: 'https://a.test/watch' });
    const frame = fakeViewPort({ tabId: 3, url: 'https://player.test/embed' });
    frame.port.sender = { tab: { id: 3, url: 'https://a.test/watch' }, frameId: 8, url: 'https://player.test/embed' };
    for (const v of [popup, top, frame]) hub.connect(v.port);
    top.send({ kind: 'report-videos', report: report('m1', 'https://cdn.test/a.m3u8') });
    frame.send({ kind: 'report-videos', report: report('m1', 'https://cdn.test/b.m3u8') });
    // A frame asked to report again says the same: no news for the popup (or they would ask each other forever).
    top.send({ kind: 'report-videos', report: report('m1', 'https://cdn.test/a.m3u8') });
    expect(popup.received.filter((m) => m.kind === 'page-videos-changed')).toEqual([
      { kind: 'page-videos-changed', tabId: 3 },
      { kind: 'page-videos-changed', tabId: 3 },
    ]);
    popup.send({ kind: 'page-videos', id: 1, tabId: 3, pageUrl: 'https://a.test/watch', pageTitle: 'Watch', refresh: true });
    await until(() => popup.reply(1));
    expect(askReports.mock.calls).toEqual([[3]]);
    expect(popup.reply(1).result.videos.map((v: any) => [v.frameId, v.title, v.candidates[0].url, v.candidates[0].referer])).toEqual([
      [0, 'Watch (1)', 'https://cdn.test/a.m3u8', null],
      [8, 'Watch (2)', 'https://cdn.test/b.m3u8', 'https://player.test/embed'],
    ]);
    frame.close();
    popup.send({ kind: 'page-videos', id: 2, tabId: 3, pageUrl: 'https://a.test/watch', pageTitle: 'Watch' });
    await until(() => popup.reply(2));
    expect(popup.reply(2).result.videos.map((v: any) => v.frameId)).toEqual([0]);
    expect(askReports).toHaveBeenCalledTimes(1);
  });

  it("never tells a content script another frame's videos, nor takes a report from a page with no tab", async () => {
    const { hub, videos } = setup();
    const page = fakeViewPort({ tabId: 3, url: 'https://a.test/watch' });
    const tabless = fakeViewPort({ url: 'https://b.test/' });
    tabless.port.sender = { url: 'https://b.test/' };
    hub.connect(page.port);
    hub.connect(tabless.port);
    tabless.send({ kind: 'report-videos', report: report('m1', 'https://cdn.test/b.m3u8') });
    page.send({ kind: 'page-videos', id: 1, tabId: 3, pageUrl: null, pageTitle: null });
    await until(() => page.reply(1));
    expect(page.reply(1)).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    expect(videos.frames(3)).toEqual([]);
    expect(page.received.some((m) => m.kind === 'page-videos-changed')).toBe(false);
  });

  it("retries a page's job with its video's sources as they are now, never with a URL the page sends", async () => {
    const { hub, requests, update } = setup();
    const page = fakeViewPort({ tabId: 3, url: 'https://a.test/watch' });
    hub.connect(page.port);
    page.send({ kind: 'download', id: 1, target: { video: report('m1', 'https://cdn.test/old.m3u8').videos[0] } });
    await until(() => page.reply(1));
    const jobId = page.reply(1).result.job.id;
    update(makeJob({ id: jobId, status: 'failed', url: 'https://cdn.test/old.m3u8' }));
    page.send({ kind: 'report-videos', report: report('m1', 'https://cdn.test/new.m3u8') });
    page.send({ kind: 'request', id: 2, type: 'jobs.retry', params: { jobId, url: 'https://evil.test/x', referer: 'https://evil.test/' } });
    await until(() => page.reply(2));
    expect(requests.at(-1)).toEqual({ type: 'jobs.retry', params: { jobId, url: 'https://cdn.test/new.m3u8', referer: null } });
  });
});

describe('view hub: notices', () => {
  it('gives the notices to the extension pages as they open and change, never to content scripts', async () => {
    const { hub, notices } = setup();
    const popup = fakeViewPort({ url: `${EXTENSION}popup.html` });
    const page = fakeViewPort({ tabId: 3, url: 'https://a.test/watch' });
    hub.connect(popup.port);
    hub.connect(page.port);
    expect(popup.received.find((m) => m.kind === 'notices').notices.map((n: Notice) => n.id)).toEqual([1]);
    popup.send({ kind: 'dismiss-notice', id: 5, noticeId: 1 });
    await until(() => popup.reply(5));
    expect(popup.reply(5)).toMatchObject({ ok: true });
    expect(notices.dismiss).toHaveBeenCalledWith(1);
    hub.notices([]);
    expect(popup.received.filter((m) => m.kind === 'notices').at(-1)).toEqual({ kind: 'notices', notices: [] });
    expect(page.received).toEqual([]);
  });
});
