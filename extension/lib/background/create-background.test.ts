import { beforeEach, describe, expect, it } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing';
import { type FakeNativePort, createFakeNativePort, makeJob } from '../fake-host';
import { notifyOnFinish } from '../preferences';
import { VIEW_PORT } from '../view-port-name';
import { createBackground } from './create-background';
import type { ContextMenuInfo } from './menus';
import type { ViewPort as RuntimePort } from './view-hub';

/** A view's runtime port, as the background sees it. */
function fakeViewPort(tabId?: number) {
  const toBackground: ((m: unknown) => void)[] = [];
  const onDisconnect: (() => void)[] = [];
  const received: any[] = [];
  const port = {
    name: VIEW_PORT,
    sender: tabId === undefined ? {} : { tab: { id: tabId } },
    postMessage: (m: unknown) => void received.push(m),
    onMessage: { addListener: (fn: (m: unknown) => void) => void toBackground.push(fn) },
    onDisconnect: { addListener: (fn: () => void) => void onDisconnect.push(fn) },
    disconnect() {},
  };
  return {
    port: port as unknown as RuntimePort,
    received,
    send: (m: unknown) => toBackground.forEach((fn) => fn(m)),
    close: () => onDisconnect.forEach((fn) => fn()),
  };
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
      removeAll: () => void (menus.length = 0),
      onClicked: { addListener: (fn) => (menuClick = fn) },
    },
  });
  bg.start();
  const native = () => natives.at(-1)!;
  const hello = () => native().reply(0, { protocolVersion: 1, daemonVersion: '0.1.0', pid: 1 });
  return { bg, natives, native, hello, connectView: (p: RuntimePort) => connectView(p), menus, menuClick: (i: ContextMenuInfo, t?: object) => menuClick(i, t) };
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
    expect(view.received).toContainEqual(expect.objectContaining({ kind: 'reply', id: 8, ok: false, error: expect.objectContaining({ code: 'INVALID_URL', message: expect.stringContaining('javascript:alert(1)') }) }));
  });

  it('downloads a video from a content script: the http source, with the page as referer', async () => {
    const { native, hello, connectView } = setup();
    const view = fakeViewPort(12);
    connectView(view.port);
    view.send({ kind: 'download', id: 1, target: { pageUrl: 'https://blog.test/p', pageTitle: 'A post', videoSrc: 'https://cdn.test/v.mp4' } });
    await flush();
    hello();
    expect(native().sent.find((m) => m.type === 'jobs.add')!.params).toEqual({ url: 'https://cdn.test/v.mp4', pageUrl: 'https://blog.test/p', title: 'A post' });
  });

  it('uses the media requests of the sender tab for a blob: video', async () => {
    const { bg, native, hello, connectView } = setup();
    bg.recordMediaRequest(12, 'https://cdn.test/live/master.m3u8');
    const view = fakeViewPort(12);
    connectView(view.port);
    view.send({ kind: 'download', id: 1, target: { pageUrl: 'https://site.test/w', pageTitle: null, videoSrc: 'blob:https://site.test/x' } });
    await flush();
    hello();
    expect(native().sent.find((m) => m.type === 'jobs.add')!.params).toMatchObject({ url: 'https://cdn.test/live/master.m3u8', pageUrl: 'https://site.test/w' });
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
    native().reply(list.id!, { jobs: [makeJob({ id: 1, status: 'downloading' }), makeJob({ id: 2, status: 'queued' }), makeJob({ id: 3, status: 'completed' })], nextCursor: null, total: 3 });
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
    const { menus, menuClick, native, hello } = setup();
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
    expect(native().sent.find((m) => m.type === 'jobs.add')!.params).toEqual({ url: 'https://vimeo.com/123', pageUrl: null, title: 'Clip', preset: 'audio' });
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
});
