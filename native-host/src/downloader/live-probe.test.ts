import { describe, expect, it } from 'vitest';
import { probeLive } from './live-probe';

const LIVE = '#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:2,\nseg7.ts\n';
const VOD = '#EXTM3U\n#EXTINF:2,\nseg0.ts\n#EXT-X-ENDLIST\n';
const MASTER = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2\nhigh/index.m3u8\n';
const HLS = 'application/vnd.apple.mpegurl';

/** A fetch that answers from a table, and records what it was asked. */
function fakeFetch(routes: Record<string, { status?: number; type?: string; body: string }>) {
  const asked: { url: string; referer: string | null }[] = [];
  const cancelled: string[] = [];
  const impl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    asked.push({ url, referer: new Headers(init?.headers).get('referer') });
    const route = routes[url];
    if (!route) throw new TypeError('fetch failed');
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(route.body));
        c.close();
      },
      cancel() {
        cancelled.push(url);
      },
    });
    const res = new Response(body, { status: route.status ?? 200, headers: route.type ? { 'content-type': route.type } : {} });
    Object.defineProperty(res, 'url', { value: url });
    return res;
  }) as typeof fetch;
  return { impl, asked, cancelled };
}

describe('probeLive', () => {
  it('finds a live media playlist by its missing #EXT-X-ENDLIST, sending the referer', async () => {
    const f = fakeFetch({ 'https://x.test/live/index.m3u8': { type: HLS, body: LIVE } });
    expect(await probeLive('https://x.test/live/index.m3u8', 'https://x.test/frame', { fetch: f.impl })).toMatchObject({ live: true });
    expect(f.asked).toEqual([{ url: 'https://x.test/live/index.m3u8', referer: 'https://x.test/frame' }]);
  });

  it('takes a finished playlist for a video', async () => {
    const f = fakeFetch({ 'https://x.test/vod.m3u8': { type: 'text/plain', body: VOD } });
    expect(await probeLive('https://x.test/vod.m3u8', null, { fetch: f.impl })).toMatchObject({ live: false, detail: expect.stringContaining('ENDLIST') });
  });

  it("follows a master's first variant, resolved against the master", async () => {
    const f = fakeFetch({
      'https://x.test/s/master.m3u8': { type: HLS, body: MASTER },
      'https://x.test/s/low/index.m3u8': { type: HLS, body: LIVE },
    });
    expect(await probeLive('https://x.test/s/master.m3u8', null, { fetch: f.impl })).toMatchObject({ live: true });
    expect(f.asked.map((a) => a.url)).toEqual(['https://x.test/s/master.m3u8', 'https://x.test/s/low/index.m3u8']);
  });

  it('knows a playlist by its content type when the URL does not say', async () => {
    const f = fakeFetch({ 'https://x.test/stream?id=4': { type: 'application/x-mpegURL; charset=utf-8', body: LIVE } });
    expect(await probeLive('https://x.test/stream?id=4', null, { fetch: f.impl })).toMatchObject({ live: true });
  });

  it('leaves a page or a video unread (the body is cancelled): not live', async () => {
    const f = fakeFetch({ 'https://x.test/watch?v=1': { type: 'text/html', body: '<html>' } });
    expect(await probeLive('https://x.test/watch?v=1', null, { fetch: f.impl })).toMatchObject({ live: false, detail: 'not a playlist (text/html)' });
    expect(f.cancelled).toEqual(['https://x.test/watch?v=1']);
  });

  it('asks nothing about a URL that names a media file', async () => {
    const f = fakeFetch({});
    expect(await probeLive('https://x.test/clip.mp4?token=1', null, { fetch: f.impl })).toMatchObject({ live: false });
    expect(f.asked).toEqual([]);
  });

  it.each([
    ['an HTTP error', { 'https://x.test/a.m3u8': { status: 403, type: HLS, body: 'no' } }, 'HTTP 403'],
    ['a network failure', {}, 'could not be read: fetch failed'],
    ['a playlist that is not one', { 'https://x.test/a.m3u8': { type: HLS, body: '<html>' } }, 'no #EXTM3U'],
    ['a playlist too large to be one', { 'https://x.test/a.m3u8': { type: HLS, body: `#EXTM3U\n${'#'.repeat(3 * 1024 * 1024)}` } }, 'larger than'],
  ])('takes %s for "not live" (yt-dlp reports what is wrong)', async (_what, routes, detail) => {
    const f = fakeFetch(routes);
    expect(await probeLive('https://x.test/a.m3u8', null, { fetch: f.impl })).toMatchObject({ live: false, detail: expect.stringContaining(detail) });
  });
});
