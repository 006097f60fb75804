import { beforeEach, describe, expect, it } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing';
import { type FakeNativePort, createFakeNativePort, makeJob } from '../fake-host';
import { notifyOnFinish } from '../preferences';
import { createBackground } from './create-background';
import type { ContextMenuInfo } from './menus';
import { fakeViewPort as fakeViewPortWith, until } from './fake-view-port';
import type { ViewPort as RuntimePort } from './view-hub';

function fakeViewPort(tabId?: number) {
  const v = fakeViewPortWith(tabId === undefined ? {} : { tabId });
  return { ...v, port: v.port as RuntimePort };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(idleMs?: number) {
  const natives: FakeNativePort[] = [];
  let connectView: (p: RuntimePort) => void = () => {};
  let menuClick: (info: ContextMenuInfo, tab?: { id?: number; url?: string; title?: string }) => void = () => {};
  const menus: { id: string; title: string; contexts: string[] }[] = [];
  const bg = createBackground({
    browser,
    connectNative: () => {
      const p = createFakeNativePort();
      natives.push(p);
      return p;
    },
    onViewConnect: (fn) => (connectView = fn),
    idleMs,
    contextMenus: {
      create: (m) => menus.push(m),
      removeAll: () => {
        menus.length = 0;
      },
      onClicked: { addListener: (fn) => (menuClick = fn) },
    },
  });
  bg.start();
  const native = () => natives.at(-1)!;
  const hello = () => native().reply(0, { protocolVersion: 1, daemonVersion: '0.1.0', pid: 1 });
  /** A download from a page nobody probed yet probes it first: the daemon answers with this extractor. */
  const answerProbe = async (extractor = 'Generic') => {
    await until(() => native().sent.some((m) => m.type === 'probe'));
    const probe = native().sent.find((m) => m.type === 'probe')!;
    native().reply(probe.id!, { url: (probe.params as { url: string }).url, extractor, generic: extractor === 'Generic', formats: [], playlist: null });
  };
  return {
    bg,
    natives,
    native,
    hello,
    answerProbe,
    connectView: (p: RuntimePort) => connectView(p),
    menus,
    menuClick: (i: ContextMenuInfo, t?: object) => menuClick(i, t),
  };
}

describe('createBackground', () => {
  beforeEach(() => fakeBrowser.reset());

  it('relays a view request to the host and the answer back, and tells views the host status', async () => {
    const { native, hello, connectView } = setup();
    const view = fakeViewPort();
    connectView(view.port);
    hello();
    view.send({ kind: 'request', id: 7, type: 'jobs.get', params: { jobId: 3 } });
    await flush();
    const sent = native().sent.find((m) => m.type === 'jobs.get')!;
    expect(sent.params).toEqual({ jobId: 3 });
    native().reply(sent.id!, { job: makeJob({ id: 3 }) });
    await flush();
    expect(view.received).toContainEqual({ kind: 'reply', id: 7, ok: true, result: { job: makeJob({ id: 3 }) } });
    expect(view.received).toContainEqual({ kind: 'status', status: { state: 'connected', daemonVersion: '0.1.0' } });
  });

  it('refuses a malformed view request before it reaches the host, naming the value', async () => {
    const { native, hello, connectView } = setup();
    const view = fakeViewPort();
    connectView(view.port);
    hello();
    view.send({ kind: 'request', id: 8, type: 'jobs.add', params: { url: 'javascript:alert(1)' } });
    await flush();
    expect(native().sent.some((m) => m.type === 'jobs.add')).toBe(false);
    expect(view.received).toContainEqual(
      expect.objectContaining({
        kind: 'reply',
        id: 8,
        ok: false,
        error: expect.objectContaining({ code: 'INVALID_URL', message: expect.stringContaining('javascript:alert(1)') }),
      }),
    );
  });

  it('downloads a video from a content script: the http source, with the page as referer', async () => {
    const { native, hello, answerProbe, connectView } = setup();
    const view = fakeViewPortWith({ tabId: 12, url: 'https://blog.test/p' });
    connectView(view.port);
    view.send({ kind: 'download', id: 1, target: { pageUrl: 'https://blog.test/p', pageTitle: 'A post', videoSrc: 'https://cdn.test/v.mp4' } });
    await flush();
    hello();
    await answerProbe();
    await until(() => native().sent.some((m) => m.type === 'jobs.add'));
    expect(native().sent.find((m) => m.type === 'jobs.add')!.params).toEqual({
      url: 'https://cdn.test/v.mp4',
      pageUrl: 'https://blog.test/p',
      title: 'A post',
    });
  });

  it('uses the media requests of the sender tab for a blob: video', async () => {
    const { bg, native, hello, answerProbe, connectView } = setup();
    bg.recordMediaRequest(12, 'https://cdn.test/live/master.m3u8');
    const view = fakeViewPortWith({ tabId: 12, url: 'https://site.test/w' });
    connectView(view.port);
    view.send({ kind: 'download', id: 1, target: { pageUrl: 'https://site.test/w', pageTitle: null, videoSrc: 'blob:https://site.test/x' } });
    await flush();
    hello();
    await answerProbe();
    await until(() => native().sent.some((m) => m.type === 'jobs.add'));
    expect(native().sent.find((m) => m.type === 'jobs.add')!.params).toMatchObject({
      url: 'https://cdn.test/live/master.m3u8',
      pageUrl: 'https://site.test/w',
    });
  });

  it('lets a page ask for its own downloads only, and answers what it refuses', async () => {
    const { natives, connectView } = setup();
    const page = fakeViewPort(7);
    connectView(page.port);
    page.send({ kind: 'request', id: 1, type: 'settings.set', params: { settings: { downloadDir: '/tmp/x' } } });
    page.send({ kind: 'request', id: 2, type: 'jobs.remove', params: { jobId: 1, deleteFile: true } });
    page.send({ kind: 'doctor', id: 3 });
    page.send({ kind: 'download', id: 4, target: { pageUrl: 'https://a.test/', pageTitle: 'x'.repeat(5000) } });
    await flush();
    expect(natives.flatMap((n) => n.sent).filter((m) => m.type !== 'hello' && m.type !== 'subscribe')).toEqual([]);
    const replies = page.received.filter((m) => m.kind === 'reply');
    expect(replies.map((m) => [m.id, m.error?.code])).toEqual([
      [1, 'INVALID_MESSAGE'],
      [2, 'INVALID_MESSAGE'],
      [3, 'INVALID_MESSAGE'],
      [4, 'INVALID_MESSAGE'],
    ]);
    expect(replies[0].error.message).toContain('"settings.set"');
  });

  it('keeps the host for an open popup, but not for the content script of every tab', async () => {
    const { natives, native, hello, connectView } = setup(20);
    await flush();
    connectView(fakeViewPort(5).port); // a content script
    await flush();
    expect(natives).toHaveLength(0);
    connectView(fakeViewPort().port); // the popup
    expect(natives).toHaveLength(1);
    hello();
    await new Promise((r) => setTimeout(r, 60));
    expect(native().disconnected).toBe(false);
  });

  it('shows the number of active downloads on the badge and notifies on completion', async () => {
    const { native, hello, connectView } = setup();
    connectView(fakeViewPort().port);
    hello();
    const list = native().sent.find((m) => m.type === 'jobs.list')!;
    native().reply(list.id!, {
      jobs: [makeJob({ id: 1, status: 'downloading' }), makeJob({ id: 2, status: 'queued' }), makeJob({ id: 3, status: 'completed' })],
      nextCursor: null,
      total: 3,
    });
    await flush();
    expect(await browser.action.getBadgeText({})).toBe('2');
    native().push({ event: 'job.updated', data: { job: makeJob({ id: 1, status: 'completed', title: 'My video' }) } });
    await flush();
    await flush();
    expect(await browser.action.getBadgeText({})).toBe('1');
    const all = await browser.notifications.getAll();
    expect(Object.keys(all)).toEqual(['vidqueue-job-1']);
  });

  it('does not notify when notifications are turned off', async () => {
    await notifyOnFinish.setValue(false);
    const { native, hello, connectView } = setup();
    connectView(fakeViewPort().port);
    hello();
    native().push({ event: 'job.updated', data: { job: makeJob({ id: 5, status: 'failed', error: { code: 'DOWNLOAD_FAILED', message: '404' } }) } });
    await flush();
    await flush();
    expect(await browser.notifications.getAll()).toEqual({});
  });

  it('creates the right-click menus on install and downloads audio from the page variant', async () => {
    const { menus, menuClick, native, hello, answerProbe } = setup();
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'install', temporary: false });
    await flush();
    expect(menus.map((m) => `${m.id}:${m.contexts.join()}`)).toEqual([
      'page:page',
      'page-audio:page',
      'link:link',
      'link-audio:link',
      'video:video',
      'video-audio:video',
    ]);
    expect(menus[0]!.title).toBe('Download video from this page');
    menuClick({ menuItemId: 'page-audio', pageUrl: 'https://vimeo.com/123' }, { id: 4, url: 'https://vimeo.com/123', title: 'Clip' });
    await flush();
    hello();
    // yt-dlp knows the site (the probe says so): the page's own URL is downloaded.
    await answerProbe('Vimeo');
    await until(() => native().sent.some((m) => m.type === 'jobs.add'));
    expect(native().sent.find((m) => m.type === 'jobs.add')!.params).toEqual({ url: 'https://vimeo.com/123', pageUrl: null, title: 'Clip', preset: 'audio' });
  });

  it('downloads a right-clicked video in a frame from what that frame reported, the frame as Referer', async () => {
    const { menuClick, native, hello, answerProbe, connectView } = setup();
    const frame = fakeViewPortWith({ tabId: 4, url: 'https://player.test/embed/7' });
    frame.port.sender = { tab: { id: 4, url: 'https://news.test/story', title: 'Story' }, frameId: 9, url: 'https://player.test/embed/7' };
    connectView(frame.port as RuntimePort);
    const stream = { url: 'https://cdn.test/s/master.m3u8', kind: 'hls', live: false, height: 720, parts: [] };
    frame.send({
      kind: 'report-videos',
      report: {
        videos: [{ key: 'm1', media: 'video', label: 'Clip', src: 'blob:https://player.test/42', width: 640, height: 360, sources: [stream], fed: true }],
        others: [],
      },
    });
    menuClick(
      { menuItemId: 'video', pageUrl: 'https://news.test/story', frameId: 9, frameUrl: 'https://player.test/embed/7', srcUrl: 'blob:https://player.test/42' },
      { id: 4, url: 'https://news.test/story', title: 'Story' },
    );
    await flush();
    hello();
    await answerProbe();
    await until(() => native().sent.some((m) => m.type === 'jobs.add'));
    expect(native().sent.find((m) => m.type === 'jobs.add')!.params).toEqual({
      url: 'https://cdn.test/s/master.m3u8',
      pageUrl: 'https://news.test/story',
      referer: 'https://player.test/embed/7',
      title: 'Clip',
    });
  });

  it('sends nothing but http(s) links, and says why in a notification', async () => {
    const { menuClick, native, hello, connectView } = setup();
    connectView(fakeViewPort().port);
    hello();
    menuClick({ menuItemId: 'link', linkUrl: 'javascript:alert(1)', pageUrl: 'https://a.test/' }, { id: 1 });
    menuClick({ menuItemId: 'link', linkUrl: 'https://b.test/clip.mp4', pageUrl: 'file:///home/u/x.html' }, { id: 1 });
    await flush();
    const adds = native().sent.filter((m) => m.type === 'jobs.add');
    expect(adds.map((m) => m.params)).toEqual([{ url: 'https://b.test/clip.mp4', pageUrl: null }]);
    const notes = Object.values(await browser.notifications.getAll()) as unknown as { message: string }[];
    expect(notes.map((n) => n.message)).toEqual([expect.stringContaining('javascript:alert(1)')]);
  });

  it('refuses a user-picked URL that is not one of the candidates', async () => {
    const { natives, connectView } = setup();
    const view = fakeViewPort(2);
    connectView(view.port);
    view.send({ kind: 'download', id: 3, target: { pageUrl: 'https://a.test/p', pageTitle: null, url: 'https://evil.test/x' } });
    await flush();
    expect(natives.flatMap((n) => n.sent).some((m) => m.type === 'jobs.add')).toBe(false);
    expect(view.received).toContainEqual(expect.objectContaining({ id: 3, ok: false, error: expect.objectContaining({ code: 'INVALID_URL' }) }));
  });

  it('tells a content script only of the job its page started, without paths or other pages URLs', async () => {
    const { native, hello, answerProbe, connectView } = setup();
    const popup = fakeViewPort();
    const mine = fakeViewPortWith({ tabId: 3, url: 'https://a.test/watch' });
    const other = fakeViewPortWith({ tabId: 4, url: 'https://b.test/page' });
    for (const v of [popup.port, mine.port, other.port]) connectView(v as RuntimePort);
    hello();
    mine.send({ kind: 'download', id: 1, target: { pageUrl: 'https://a.test/watch', pageTitle: 'A', videoSrc: 'https://cdn.test/a.mp4' } });
    await answerProbe();
    await until(() => native().sent.some((m) => m.type === 'jobs.add'));
    const add = native().sent.find((m) => m.type === 'jobs.add')!;
    native().reply(add.id!, { job: makeJob({ id: 50, url: 'https://cdn.test/a.mp4', pageUrl: 'https://a.test/watch' }) });
    await until(() => mine.reply(1));
    const secret = { filePath: '/home/alice/Downloads/x.mp4', pageUrl: 'https://private.test/inbox' };
    native().push({ event: 'job.updated', data: { job: makeJob({ id: 50, status: 'completed', ...secret, url: 'https://cdn.test/a.mp4' }) } });
    native().push({ event: 'job.updated', data: { job: makeJob({ id: 51, status: 'downloading', ...secret }) } });
    await until(() => popup.received.filter((m) => m.kind === 'event').length === 2);
    expect(mine.received.filter((m) => m.kind !== 'reply')).toEqual([{ kind: 'page-job', job: { id: 50, status: 'completed', percent: null } }]);
    expect(JSON.stringify(mine.received)).not.toMatch(/alice|private\.test|cdn\.test/);
    expect(other.received).toEqual([]);
    other.send({ kind: 'request', id: 2, type: 'jobs.get', params: { jobId: 50 } });
    await until(() => other.reply(2));
    expect(other.reply(2).error.code).toBe('NOT_FOUND');
    expect(native().sent.some((m) => m.type === 'jobs.get')).toBe(false);
  });

  it('answers a 4,000-deep array from a content script or the popup, and keeps working', async () => {
    const { native, hello, connectView } = setup();
    const popup = fakeViewPort();
    const page = fakeViewPortWith({ tabId: 3, url: 'https://a.test/watch' });
    connectView(popup.port);
    connectView(page.port as RuntimePort);
    hello();
    let deep: unknown = [];
    for (let i = 0; i < 4000; i++) deep = [deep];
    page.send({ kind: 'download', id: 1, target: { pageUrl: 'https://a.test/watch', pageTitle: deep } });
    popup.send({ kind: 'candidates', id: 1, target: { pageUrl: deep, pageTitle: null } });
    await until(() => page.reply(1) && popup.reply(1));
    expect(page.reply(1).error).toMatchObject({
      code: 'INVALID_MESSAGE',
      field: expect.stringMatching(/^message\.target\.pageTitle\[0\]/),
      message: expect.stringContaining('nested more than 32 levels'),
    });
    expect(popup.reply(1).error).toMatchObject({ code: 'INVALID_MESSAGE', field: expect.stringMatching(/^message\.target\.pageUrl\[0\]/) });
    popup.send({ kind: 'request', id: 2, type: 'jobs.get', params: { jobId: 3 } });
    await until(() => native().sent.some((m) => m.type === 'jobs.get'));
  });

  it('asks the host for its notices once per connection and shows each as a notification and to the popup', async () => {
    const { native, natives, hello, connectView } = setup();
    const popup = fakeViewPort();
    connectView(popup.port);
    hello();
    await until(() => native().sent.some((m) => m.type === 'notices.take'));
    const take = native().sent.find((m) => m.type === 'notices.take')!;
    native().reply(take.id!, {
      notices: [{ id: 7, code: 'DATABASE_RESET', message: 'The queue database was damaged; it was set aside as jobs.db.broken', createdAt: 1 }],
    });
    await until(() => popup.received.some((m) => m.kind === 'notices' && m.notices.length === 1));
    await until(async () => Object.keys(await browser.notifications.getAll()).length === 1);
    const all = (await browser.notifications.getAll()) as unknown as Record<string, { message: string }>;
    expect(all['vidqueue-notice-7']!.message).toContain('set aside as jobs.db.broken');
    // One request per connection: a second connection asks again, events do not.
    native().push({ event: 'jobs.removed', data: { jobIds: [1] } });
    expect(natives.flatMap((n) => n.sent).filter((m) => m.type === 'notices.take')).toHaveLength(1);
    native().push({ event: 'daemon.reconnected', data: {} });
    await until(() => native().sent.filter((m) => m.type === 'notices.take').length === 2);
  });
});
