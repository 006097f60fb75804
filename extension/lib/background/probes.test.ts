import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../../shared/probe';
import { makeProbe } from '../fake-host';
import { HostRequestError } from '../host-connection';
import { createOwnership } from './content-policy';
import { createDownloads } from './downloads';
import { fakeViewPort, until } from './fake-view-port';
import { createPageVideos } from './page-videos';
import { createProbes } from './probes';
import { createViewHub } from './view-hub';

const EXTENSION = 'chrome-extension://jmbanghbfkaamlnhdlipdknhfpnimkjc/';

/** A daemon whose probes answer when the test says so. */
function setup() {
  const sent: { type: string; params: any }[] = [];
  const waiting = new Map<string, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  const request = async (type: string, params: any): Promise<any> => {
    sent.push({ type, params });
    if (type === 'probe') return new Promise((resolve, reject) => waiting.set(params.url, { resolve, reject }));
    if (type === 'probe.cancel') return { cancelled: true };
    if (type === 'jobs.add') return { job: { id: 7, url: params.url } };
    return {};
  };
  const host = { request: request as never, doctor: async () => ({}) as never, hold: () => () => {}, retryNow: () => {} };
  const probes = createProbes({ host });
  const videos = createPageVideos({ store: { getValue: async () => ({ frames: {}, jobs: {} }), setValue: async () => {} } });
  const itself = {};
  const downloads = createDownloads({
    host,
    mediaFor: () => [],
    videos,
    extractors: { known: probes.knownExtractor, ask: (u) => probes.hasExtractor(itself, u, 200) },
  });
  const ownership = createOwnership({ store: { getValue: async () => ({}), setValue: async () => {} } });
  const hub = createViewHub({
    extensionOrigin: EXTENSION,
    host,
    downloads,
    videos,
    ownership,
    notices: { current: () => [], dismiss: async () => {} },
    probes,
  });
  const answer = (url: string, over: Partial<ProbeResult> = {}) => waiting.get(url)!.resolve(makeProbe(url, over));
  return { hub, sent, waiting, answer, videos, downloads, probes };
}

describe('probes from the extension pages', () => {
  it('sends a few probes at once, each in a slot of its own so that none replaces another in the daemon; the rest wait in order', async () => {
    const { hub, sent, answer } = setup();
    const popup = fakeViewPort();
    hub.connect(popup.port);
    for (let i = 1; i <= 5; i++) popup.send({ kind: 'request', id: i, type: 'probe', params: { url: `https://a.test/${i}`, slot: 'mine' } });
    await until(() => sent.length === 3);
    await new Promise((r) => setTimeout(r, 10));
    expect(sent.map((s) => s.params.url)).toEqual(['https://a.test/1', 'https://a.test/2', 'https://a.test/3']);
    // The view's own slot name is not the background's to use: each probe has its own.
    const slots = sent.map((s) => s.params.slot);
    expect(new Set(slots).size).toBe(3);
    expect(slots).not.toContain('mine');
    answer('https://a.test/2', { title: 'Two' });
    await until(() => popup.reply(2));
    expect(popup.reply(2)).toMatchObject({ ok: true, result: { title: 'Two' } });
    await until(() => sent.length === 4);
    expect(sent[3]!.params.url).toBe('https://a.test/4');
    for (const i of [1, 3, 4]) answer(`https://a.test/${i}`);
    await until(() => sent.length === 5);
    answer('https://a.test/5');
    await until(() => popup.replies().length === 5);
    expect(popup.replies().every((r) => r.ok)).toBe(true);
  });

  it("cancels the closed view's sent probes in the daemon, slot by slot, and drops its waiting ones", async () => {
    const { hub, sent, waiting } = setup();
    const popup = fakeViewPort();
    const options = fakeViewPort();
    hub.connect(popup.port);
    hub.connect(options.port);
    for (let i = 1; i <= 4; i++) popup.send({ kind: 'request', id: i, type: 'probe', params: { url: `https://a.test/${i}` } });
    options.send({ kind: 'request', id: 1, type: 'probe', params: { url: 'https://b.test/1' } });
    await until(() => sent.length === 3);
    popup.close();
    const cancels = sent.filter((s) => s.type === 'probe.cancel').map((s) => s.params.slot);
    expect(cancels.sort()).toEqual(
      sent
        .filter((s) => s.type === 'probe')
        .map((s) => s.params.slot)
        .sort(),
    );
    // The daemon answers the cancelled ones so; the other view's probe goes next, and nothing more of the closed view's.
    for (let i = 1; i <= 3; i++) waiting.get(`https://a.test/${i}`)!.reject(new HostRequestError('PROBE_CANCELLED', 'cancelled'));
    await until(() => sent.some((s) => s.params.url === 'https://b.test/1'));
    await new Promise((r) => setTimeout(r, 10));
    expect(sent.filter((s) => s.type === 'probe').map((s) => s.params.url)).toEqual([
      'https://a.test/1',
      'https://a.test/2',
      'https://a.test/3',
      'https://b.test/1',
    ]);
  });

  it('refuses a probe from a content script: a web page may not make the daemon fetch URLs', async () => {
    const { hub, sent } = setup();
    const page = fakeViewPort({ tabId: 3 });
    hub.connect(page.port);
    page.send({ kind: 'request', id: 1, type: 'probe', params: { url: 'https://a.test/1' } });
    page.send({ kind: 'request', id: 2, type: 'probe.cancel', params: {} });
    await until(() => page.replies().length === 2);
    expect(page.reply(1).error).toMatchObject({ code: 'INVALID_MESSAGE', message: expect.stringContaining('"probe"') });
    expect(page.reply(2).error).toMatchObject({ code: 'INVALID_MESSAGE' });
    expect(sent).toEqual([]);
  });

  it('offers the page URL first where a probe found a site-specific extractor, not where it found the generic one', async () => {
    const { hub, answer, videos, downloads } = setup();
    const video = { key: 'k', media: 'video' as const, label: null, src: 'blob:x', width: 640, height: 360, sources: [], fed: true };
    const file = { url: 'https://cdn.test/v.mp4', kind: 'file' as const, live: false, height: null, parts: [] };
    videos.report(1, 0, 'https://tube.test/watch', { videos: [{ ...video, sources: [file] }], others: [] });
    videos.report(2, 0, 'https://blog.test/post', { videos: [{ ...video, sources: [file] }], others: [] });
    const popup = fakeViewPort();
    hub.connect(popup.port);
    popup.send({ kind: 'request', id: 1, type: 'probe', params: { url: 'https://tube.test/watch' } });
    popup.send({ kind: 'request', id: 2, type: 'probe', params: { url: 'https://blog.test/post' } });
    answer('https://tube.test/watch', { extractor: 'Tube', generic: false });
    await until(() => popup.reply(1));
    await new Promise((r) => setTimeout(r, 0));
    answer('https://blog.test/post');
    await until(() => popup.reply(2));
    expect(downloads.list(1, 'https://tube.test/watch', null).videos[0]!.candidates.map((c) => c.url)).toEqual([
      'https://tube.test/watch',
      'https://cdn.test/v.mp4',
    ]);
    expect(downloads.list(2, 'https://blog.test/post', null).videos[0]!.candidates.map((c) => c.url)).toEqual(['https://cdn.test/v.mp4']);
  });

  it('probes a page nobody probed before a page-level download, and gives up waiting after a while', async () => {
    const { downloads, sent, answer } = setup();
    const done = downloads.download({ pageUrl: 'https://tube.test/watch', pageTitle: 'Watch' }, { tabId: null });
    await until(() => sent.length === 1);
    answer('https://tube.test/watch', { extractor: 'Tube', generic: false });
    await done;
    expect(sent.map((s) => s.type)).toEqual(['probe', 'jobs.add']);
    expect(sent[1]!.params.url).toBe('https://tube.test/watch');
    // Never answered: after the wait, the download goes on without knowing.
    const late = await downloads.download({ pageUrl: 'https://slow.test/p', pageTitle: null, videoSrc: 'https://cdn.test/x.mp4' }, { tabId: null });
    expect(late.job).toMatchObject({ url: 'https://cdn.test/x.mp4' });
  });
});
