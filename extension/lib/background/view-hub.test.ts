import { describe, expect, it, vi } from 'vitest';
import type { Job } from '../../../shared/job';
import { makeJob } from '../fake-host';
import { createDownloads } from './downloads';
import { fakeViewPort, until } from './fake-view-port';
import { createViewHub } from './view-hub';

const EXTENSION = 'chrome-extension://jmbanghbfkaamlnhdlipdknhfpnimkjc/';

function setup() {
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
  const hub = createViewHub({ extensionOrigin: EXTENSION, host, downloads: createDownloads({ host, mediaFor: () => [] }) });
  return { hub, host, requests };
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
      error: { code: 'INVALID_MESSAGE', field: expect.stringMatching(/^message\.target\.pageUrl\[0\]/), message: expect.stringContaining('nested more than 32 levels deep') },
    });
    page.send({ kind: 'download', id: 6, target: { pageUrl: 'https://site-3.test/page', pageTitle: null } });
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
    expect(popup.reply(1).error).toMatchObject({ code: 'INVALID_MESSAGE', field: expect.stringMatching(/^message\.extra\[0\]\[0\]/), message: expect.stringContaining('nested more than 32 levels deep') });
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
