import { describe, expect, it } from 'vitest';
import { VidQueueError } from '../../../shared/errors';
import type { FullProbe } from './reduce';
import { reduceProbe } from './reduce';
import { type ProbeKey, ProbeService } from './service';

/** A fake yt-dlp: each read waits until the test settles it, and records its signal. */
function harness(settings = { probeCacheMinutes: 10, probeTimeoutSeconds: 20 }) {
  let clock = 0;
  const reads: { key: ProbeKey; signal: AbortSignal; timeoutMs: number; settle: (p: FullProbe | Error) => void }[] = [];
  const service = new ProbeService({
    settings: () => settings,
    now: () => clock,
    read: (key, signal, timeoutMs) =>
      new Promise<FullProbe>((resolve, reject) => {
        const settle = (p: FullProbe | Error) => (p instanceof Error ? reject(p) : resolve(p));
        signal.addEventListener('abort', () => reject(new VidQueueError('PROBE_CANCELLED', 'stopped')));
        reads.push({ key, signal, timeoutMs, settle });
      }),
  });
  const probeOf = (url: string) => reduceProbe({ id: url, title: url }, url, clock).probe;
  return { service, reads, probeOf, tick: (ms: number) => (clock += ms), settings };
}

const key = (url: string): ProbeKey => ({ url, referer: null });
const flush = () => new Promise((r) => setImmediate(r));

describe('ProbeService', () => {
  it('runs one read for two clients asking for the same URL at once, and answers both', async () => {
    const h = harness();
    const [a, b] = [{}, {}];
    const pa = h.service.probe(key('https://x.test/1'), a);
    const pb = h.service.probe(key('https://x.test/1'), b);
    expect(h.reads).toHaveLength(1);
    h.reads[0]!.settle(h.probeOf('https://x.test/1'));
    expect((await pa).id).toBe('https://x.test/1');
    expect(await pb).toBe(await pa);
  });

  it('answers from the cache until probeCacheMinutes have passed; with 0 nothing is kept', async () => {
    const h = harness();
    const p = h.service.probe(key('https://x.test/1'), {});
    h.reads[0]!.settle(h.probeOf('https://x.test/1'));
    await p;
    h.tick(9 * 60_000);
    await h.service.probe(key('https://x.test/1'), {});
    expect(h.reads).toHaveLength(1);
    h.tick(2 * 60_000);
    void h.service.probe(key('https://x.test/1'), {});
    expect(h.reads).toHaveLength(2);

    const off = harness({ probeCacheMinutes: 0, probeTimeoutSeconds: 20 });
    const q = off.service.probe(key('https://x.test/1'), {});
    off.reads[0]!.settle(off.probeOf('https://x.test/1'));
    await q;
    void off.service.probe(key('https://x.test/1'), {});
    expect(off.reads).toHaveLength(2);
  });

  it('reads again when asked for a fresh answer, and never caches a failure', async () => {
    const h = harness();
    const first = h.service.probe(key('https://x.test/1'), {});
    h.reads[0]!.settle(new VidQueueError('NETWORK', 'down'));
    await expect(first).rejects.toMatchObject({ code: 'NETWORK' });
    const second = h.service.probe(key('https://x.test/1'), {});
    expect(h.reads).toHaveLength(2);
    h.reads[1]!.settle(h.probeOf('https://x.test/1'));
    await second;
    void h.service.probe(key('https://x.test/1'), {}, { fresh: true });
    expect(h.reads).toHaveLength(3);
  });

  it('stops a read when a newer probe of the same client replaces it, and tells the older request so', async () => {
    const h = harness();
    const client = {};
    const older = h.service.probe(key('https://x.test/old'), client);
    void h.service.probe(key('https://x.test/new'), client);
    await expect(older).rejects.toMatchObject({ code: 'PROBE_CANCELLED' });
    expect(h.reads[0]!.signal.aborted).toBe(true);
    expect(h.reads[1]!.signal.aborted).toBe(false);
  });

  it('runs probes of one client in different slots side by side; a newer one replaces only its own slot', async () => {
    const h = harness();
    const client = {};
    const page = h.service.probe(key('https://x.test/page'), client, { slot: 'v1.1' });
    const stream = h.service.probe(key('https://x.test/stream'), client, { slot: 'v1.2' });
    expect(h.reads.map((r) => [r.key.url, r.signal.aborted])).toEqual([
      ['https://x.test/page', false],
      ['https://x.test/stream', false],
    ]);
    // A newer probe in slot v1.2 replaces the stream's; the page's goes on.
    const other = h.service.probe(key('https://x.test/other'), client, { slot: 'v1.2' });
    await expect(stream).rejects.toMatchObject({ code: 'PROBE_CANCELLED' });
    expect(h.reads.slice(0, 2).map((r) => r.signal.aborted)).toEqual([false, true]);
    // The unnamed slot is a slot of its own.
    const plain = h.service.probe(key('https://x.test/plain'), client);
    h.reads[0]!.settle(h.probeOf('https://x.test/page'));
    expect((await page).id).toBe('https://x.test/page');
    // Cancelling one slot leaves the others; a settled slot has nothing to cancel.
    expect(h.service.cancel(client, 'v1.1')).toBe(false);
    expect(h.service.cancel(client, 'v1.2')).toBe(true);
    await expect(other).rejects.toMatchObject({ code: 'PROBE_CANCELLED' });
    expect(h.reads.find((r) => r.key.url === 'https://x.test/plain')!.signal.aborted).toBe(false);
    // No slot named: every slot of the client.
    const more = h.service.probe(key('https://x.test/more'), client, { slot: 'v2.1' });
    expect(h.service.cancel(client)).toBe(true);
    await expect(plain).rejects.toMatchObject({ code: 'PROBE_CANCELLED' });
    await expect(more).rejects.toMatchObject({ code: 'PROBE_CANCELLED' });
    expect(h.service.cancel(client)).toBe(false);
    await flush();
    expect(h.service.active).toBe(0);
  });

  it('forgets a client whose many one-probe slots have all settled, and pages from its last answers', async () => {
    const h = harness({ probeCacheMinutes: 0, probeTimeoutSeconds: 20 });
    const client = {};
    for (let i = 0; i < 50; i++) {
      const p = h.service.probe(key(`https://x.test/${i}`), client, { slot: `s${i}` });
      h.reads.at(-1)!.settle(h.probeOf(`https://x.test/${i}`));
      await p;
    }
    expect(h.service.cancel(client)).toBe(false);
    // Its last few answers serve its later pages, from any slot; older ones are read again.
    const reads = h.reads.length;
    await h.service.probe(key('https://x.test/49'), client, { slot: 'other', paging: true });
    await h.service.probe(key('https://x.test/46'), client, { paging: true });
    expect(h.reads).toHaveLength(reads);
    void h.service.probe(key('https://x.test/0'), client, { paging: true });
    expect(h.reads).toHaveLength(reads + 1);
  });

  it('keeps a shared read going while another client still waits for it', async () => {
    const h = harness();
    const [a, b] = [{}, {}];
    const pa = h.service.probe(key('https://x.test/1'), a);
    const pb = h.service.probe(key('https://x.test/1'), b);
    h.service.forget(a);
    expect(h.reads[0]!.signal.aborted).toBe(false);
    h.service.forget(b);
    expect(h.reads[0]!.signal.aborted).toBe(true);
    // A client that went away is told nothing; one that cancels is.
    void pa;
    void pb;
    const c = {};
    const pc = h.service.probe(key('https://x.test/2'), c);
    expect(h.service.cancel(c)).toBe(true);
    await expect(pc).rejects.toMatchObject({ code: 'PROBE_CANCELLED' });
    expect(h.service.cancel(c)).toBe(false);
  });

  it('runs at most two reads at once; a waiting one that nobody wants any more never starts', async () => {
    const h = harness();
    const [a, b, c, d] = [{}, {}, {}, {}];
    void h.service.probe(key('https://x.test/a'), a).catch(() => {});
    void h.service.probe(key('https://x.test/b'), b).catch(() => {});
    void h.service.probe(key('https://x.test/c'), c).catch(() => {});
    void h.service.probe(key('https://x.test/d'), d).catch(() => {});
    expect(h.reads.map((r) => r.key.url)).toEqual(['https://x.test/a', 'https://x.test/b']);
    h.service.forget(c);
    h.reads[0]!.settle(h.probeOf('https://x.test/a'));
    await flush();
    expect(h.reads.map((r) => r.key.url)).toEqual(['https://x.test/a', 'https://x.test/b', 'https://x.test/d']);
    expect(h.service.active).toBe(2);
  });

  it('gives the time limit from the settings, and the same client its own last answer for later pages when nothing is cached', async () => {
    const h = harness({ probeCacheMinutes: 0, probeTimeoutSeconds: 3 });
    const client = {};
    const p = h.service.probe(key('https://x.test/list'), client);
    expect(h.reads[0]!.timeoutMs).toBe(3000);
    h.reads[0]!.settle(h.probeOf('https://x.test/list'));
    const first = await p;
    expect(await h.service.probe(key('https://x.test/list'), client, { paging: true })).toBe(first);
    expect(h.reads).toHaveLength(1);
    void h.service.probe(key('https://x.test/list'), {}, { paging: true });
    expect(h.reads).toHaveLength(2);
  });

  it('stops every run when the daemon stops, and resolves once they have settled', async () => {
    const h = harness();
    const p = h.service.probe(key('https://x.test/a'), {});
    let done = false;
    const stopped = h.service.shutdown().then(() => (done = true));
    await expect(p).rejects.toMatchObject({ code: 'DAEMON_STOPPING' });
    expect(h.reads[0]!.signal.aborted).toBe(true);
    await stopped;
    expect(done).toBe(true);
    expect(h.service.active).toBe(0);
  });

  it('keeps at most 100,000 entries of playlists in the cache: the oldest answers go first', async () => {
    const h = harness();
    const list = (url: string, n: number) =>
      reduceProbe(
        { _type: 'playlist', id: url, entries: Array.from({ length: n }, (_, i) => ({ _type: 'url', id: `v${i}`, url: `https://x.test/${i}` })) },
        url,
        0,
      ).probe;
    for (const url of ['https://x.test/a', 'https://x.test/b', 'https://x.test/c']) {
      const p = h.service.probe(key(url), {});
      h.reads.at(-1)!.settle(list(url, 40_000));
      await p;
    }
    expect(h.service.cached(key('https://x.test/a'))).toBeNull();
    expect(h.service.cached(key('https://x.test/b'))).not.toBeNull();
    expect(h.service.cached(key('https://x.test/c'))).not.toBeNull();
  });

  it('keys on the page too: the same URL read from another page is another probe', () => {
    const h = harness();
    void h.service.probe({ url: 'https://x.test/v', referer: 'https://a.test/' }, {});
    void h.service.probe({ url: 'https://x.test/v', referer: 'https://b.test/' }, {});
    expect(h.reads.map((r) => r.key.referer)).toEqual(['https://a.test/', 'https://b.test/']);
  });
});
