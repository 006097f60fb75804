import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../shared/probe';
import { finished, waitForJob } from '../../devkit/env';
import { FIXTURES } from '../../devkit/fixtures';
import { multiVideoPage, pageWithoutVideo, subtitledVideoPage } from '../../devkit/pages';
import { env, jobProcesses, server, useServerAndEnv } from './helpers/suite';

useServerAndEnv();

/** yt-dlp processes reading a URL without downloading (`-J`): a probe's. */
const probeProcesses = () => env.probeProcesses();

/** Polls until `check` holds, or fails after `ms` with what it last saw. */
async function until<T>(what: string, read: () => T, check: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = read();
    if (check(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('probe with real yt-dlp', () => {
  it('reads an HLS master: two variants, sizes estimated from their BANDWIDTH × the duration of their playlist', async () => {
    const client = await env.client();
    const r = await client.request('probe', { url: server.url(FIXTURES.hlsMaster) });
    expect(r).toMatchObject({ extractor: 'Generic', generic: true, title: 'master', duration: 8, isLive: false, playlist: null });
    expect(r.formats.map((f) => [f.label, f.width, f.height, f.videoCodec, f.audioCodec, f.container, f.protocol])).toEqual([
      ['720p', 1280, 720, 'h264', 'aac', 'mp4', 'hls'],
      ['360p', 640, 360, 'h264', 'aac', 'mp4', 'hls'],
    ]);
    for (const f of r.formats) expect(f.size).toEqual({ bytes: Math.round(((f.bitrate! * 1000) / 8) * 8), estimate: true });
    // The 720p variant is about 2 Mb/s for 8 s.
    expect(r.size).toEqual(r.formats[0]!.size);
    expect(r.size!.bytes).toBeGreaterThan(1_800_000);
    expect(r.size!.bytes).toBeLessThan(2_800_000);
    expect(probeProcesses()).toEqual([]);
  });

  it('reads DASH with separate audio: a video-only and an audio-only format, the duration from the segments', async () => {
    const client = await env.client();
    const r = await client.request('probe', { url: server.url(FIXTURES.dash) });
    expect(r.duration).toBe(8);
    expect(r.formats.map((f) => [f.hasVideo, f.hasAudio, f.videoCodec, f.audioCodec, f.height])).toEqual([
      [true, false, 'h264', null, 360],
      [false, true, null, 'aac', null],
    ]);
    expect(r.size).toEqual({ bytes: r.formats[0]!.size!.bytes + r.formats[1]!.size!.bytes, estimate: true });
  });

  it('gives the exact size of a direct file, from its length', async () => {
    const client = await env.client();
    const r = await client.request('probe', { url: server.url(FIXTURES.progressive) });
    expect(r.formats).toHaveLength(1);
    expect(r.size).toMatchObject({ estimate: false });
    expect(r.size!.bytes).toBeGreaterThan(2_000_000);
  });

  it('reads a page of several videos as a playlist, its entries paged like the job list', async () => {
    const client = await env.client();
    const videos = [1, 2, 3, 4, 5].map((i) => `/${FIXTURES.progressive}?n=${i}`);
    const url = server.page('/five.html', multiVideoPage('Five clips', videos));
    const before = server.requests.length;
    const first = await client.request('probe', { url, limit: 2 });
    expect(first).toMatchObject({ generic: true, formats: [], playlist: { title: 'Five clips', count: 5, cursor: 0, nextCursor: 2 } });
    const pages: ProbeResult[] = [first];
    while (pages.at(-1)!.playlist!.nextCursor !== null)
      pages.push(await client.request('probe', { url, cursor: pages.at(-1)!.playlist!.nextCursor!, limit: 2 }));
    expect(pages.flatMap((p) => p.playlist!.entries).map((e) => [e.index, e.id, e.title, e.url])).toEqual(
      [1, 2, 3, 4, 5].map((i) => [i, `five-${i}`, `Five clips (${i})`, null]),
    );
    // The later pages came from the first reading: yt-dlp read the page once.
    expect(server.requests.slice(before).filter((q) => q.path === '/five.html')).toHaveLength(1);
  });

  it('lists the languages of a page whose video has <track> subtitles', async () => {
    const client = await env.client();
    const url = server.page('/subtitled.html', subtitledVideoPage('With subtitles', `/${FIXTURES.progressive}`, ['en', 'de']));
    expect(await client.request('probe', { url })).toMatchObject({ subtitles: ['en', 'de'], automaticCaptions: [], playlist: null });
  });

  it("answers a page without a video with UNSUPPORTED_URL, a sentence, and yt-dlp's text as detail", async () => {
    const client = await env.client();
    const url = server.page('/nothing.html', pageWithoutVideo('Nothing'));
    await expect(client.request('probe', { url })).rejects.toMatchObject({
      code: 'UNSUPPORTED_URL',
      message: expect.stringContaining('yt-dlp does not know how to download from this address'),
      detail: expect.stringContaining('Unsupported URL'),
    });
    expect(probeProcesses()).toEqual([]);
  });

  it('answers a missing page with HTTP_404', async () => {
    const client = await env.client();
    await expect(client.request('probe', { url: server.url('/missing.html') })).rejects.toMatchObject({
      code: 'HTTP_404',
      detail: expect.stringContaining('404'),
    });
  });

  it('stops the probe, leaving no process, when the client that asked goes away', async () => {
    const client = await env.client();
    const asked = client.request('probe', { url: server.url('/hang') }).catch((e: unknown) => e);
    await until(
      'yt-dlp reading /hang',
      () => server.hanging,
      (n) => n === 1,
    );
    expect(probeProcesses()).toHaveLength(1);
    client.destroy();
    await until('probe processes', probeProcesses, (ps) => ps.length === 0, 3000);
    await until(
      'connections held at /hang',
      () => server.hanging,
      (n) => n === 0,
      3000,
    );
    expect(await asked).toMatchObject({ code: 'DAEMON_UNAVAILABLE' });
  });

  it('stops the older probe of a client when a newer one replaces it, and answers the older with PROBE_CANCELLED', async () => {
    const client = await env.client();
    const older = client.request('probe', { url: server.url('/hang') }).catch((e: unknown) => e);
    await until(
      'yt-dlp reading /hang',
      () => server.hanging,
      (n) => n === 1,
    );
    const newer = await client.request('probe', { url: server.url(FIXTURES.hlsMaster) });
    expect(await older).toMatchObject({ code: 'PROBE_CANCELLED' });
    expect(newer.formats).toHaveLength(2);
    await until(
      'connections held at /hang',
      () => server.hanging,
      (n) => n === 0,
      3000,
    );
    expect(probeProcesses()).toEqual([]);
  });

  it('runs probes of one client in two slots side by side; probe.cancel of one slot stops only that one', async () => {
    const client = await env.client();
    const first = client.request('probe', { url: server.url('/hang', { n: 1 }), slot: 'view-1.a' }).catch((e: unknown) => e);
    await until(
      'yt-dlp reading /hang',
      () => server.hanging,
      (n) => n === 1,
    );
    // Another slot: it runs too (it would have replaced the first in the same slot).
    const second = await client.request('probe', { url: server.url(FIXTURES.hlsMaster), slot: 'view-1.b' });
    expect(second.formats).toHaveLength(2);
    expect(server.hanging).toBe(1);
    expect(await client.request('probe.cancel', { slot: 'view-1.b' })).toEqual({ cancelled: false });
    expect(await client.request('probe.cancel', { slot: 'view-1.a' })).toEqual({ cancelled: true });
    expect(await first).toMatchObject({ code: 'PROBE_CANCELLED' });
    await until('probe processes', probeProcesses, (ps) => ps.length === 0, 3000);
    await expect(client.request('probe', { url: server.url(FIXTURES.hlsMaster), slot: '../x y' })).rejects.toMatchObject({
      code: 'INVALID_MESSAGE',
      field: 'params.slot',
    });
  });

  it('stops its probes, leaving no process, when the daemon stops', async () => {
    const client = await env.client();
    const asked = client.request('probe', { url: server.url('/hang') }).catch((e: unknown) => e);
    await until(
      'yt-dlp reading /hang',
      () => server.hanging,
      (n) => n === 1,
    );
    const stop = await env.cli(['stop']);
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect(probeProcesses()).toEqual([]);
    expect(await asked).toMatchObject({ code: expect.stringMatching(/DAEMON_STOPPING|DAEMON_UNAVAILABLE/) });
  });

  it('gives up after probeTimeoutSeconds with PROBE_TIMEOUT, leaving no process', async () => {
    const client = await env.client();
    await client.request('settings.set', { settings: { probeTimeoutSeconds: 2 } });
    const started = Date.now();
    await expect(client.request('probe', { url: server.url('/hang') })).rejects.toMatchObject({
      code: 'PROBE_TIMEOUT',
      message: expect.stringMatching(/did not finish reading .* in 2 s.*probeTimeoutSeconds/),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(Date.now() - started).toBeLessThan(6000);
    expect(probeProcesses()).toEqual([]);
  });

  it('shares one run between two clients asking at once, then answers from the cache; with the cache off, reads again', async () => {
    const [a, b] = [await env.client('a'), await env.client('b')];
    const url = server.url(FIXTURES.hlsMaster);
    const before = server.requests.length;
    const reads = () => server.requests.slice(before).filter((q) => q.path === `/${FIXTURES.hlsMaster}`).length;
    const [ra, rb] = await Promise.all([a.request('probe', { url }), b.request('probe', { url })]);
    expect(ra).toEqual(rb);
    const pair = reads();
    expect(pair).toBeGreaterThan(0);
    expect(await a.request('probe', { url })).toEqual(ra);
    expect(reads()).toBe(pair);
    await a.request('settings.set', { settings: { probeCacheMinutes: 0 } });
    await b.request('probe', { url });
    // One more run reads the master as often as the two clients' probes did together: they were one run.
    expect(reads()).toBe(2 * pair);
  });

  it('never waits for a download slot: a probe answers while the only slot downloads', async () => {
    const client = await env.client();
    await client.request('settings.set', { settings: { concurrency: 1 } });
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive, { rate: 300_000 }) });
    await until(
      'a download running',
      () => jobProcesses().length,
      (n) => n > 0,
    );
    const r = await client.request('probe', { url: server.url(FIXTURES.dash) });
    expect(r.formats).toHaveLength(2);
    expect((await client.request('jobs.get', { jobId: job.id })).job.status).toBe('downloading');
    await client.request('jobs.cancel', { jobId: job.id });
  });

  it('gives a job added after a probe the size the probe said, for a confirmation before cancelling', async () => {
    const client = await env.client();
    const url = server.url(FIXTURES.hlsMaster);
    const r = await client.request('probe', { url });
    const { job } = await client.request('jobs.add', { url, choice: { format: { kind: 'height', maxHeight: 360 } } });
    expect(job.expectedSize).toEqual(r.formats[1]!.size);
    await client.request('jobs.cancel', { jobId: job.id });
  });

  it("gives a job a thumbnail: the client's, else the probe's, else what yt-dlp says when it starts; never one that is not http(s)", async () => {
    const client = await env.client();
    // A page whose <video> has a poster: yt-dlp's generic extractor reads it as the thumbnail.
    const page = server.page(
      '/poster.html',
      `<!doctype html><html><head><title>Poster</title></head><body><video controls src="/${FIXTURES.progressive}" poster="/images/poster.jpg"></video></body></html>`,
    );
    const poster = server.url('/images/poster.jpg');
    const probed = await client.request('probe', { url: page });
    expect(probed.thumbnail).toBe(poster);
    const fromProbe = (await client.request('jobs.add', { url: page })).job;
    expect(fromProbe.thumbnail).toBe(poster);
    await client.request('jobs.cancel', { jobId: fromProbe.id });
    // The client's own wins (normalised).
    const given = (await client.request('jobs.add', { url: page, thumbnail: 'http://127.0.0.1:9/a b'.replace(' ', '%20') })).job;
    expect(given.thumbnail).toBe('http://127.0.0.1:9/a%20b');
    await client.request('jobs.cancel', { jobId: given.id });
    // Nothing probed: yt-dlp's own word, once it has read the page.
    await client.request('settings.set', { settings: { probeCacheMinutes: 0 } });
    const other = server.page(
      '/poster-2.html',
      `<!doctype html><html><body><video src="/${FIXTURES.progressive}" poster="/images/p2.jpg"></video></body></html>`,
    );
    const learnt = (await client.request('jobs.add', { url: other })).job;
    expect(learnt.thumbnail).toBeNull();
    const done = await waitForJob(client, learnt.id, finished);
    expect(done).toMatchObject({ status: 'completed', thumbnail: server.url('/images/p2.jpg') });
    for (const bad of ['javascript:alert(1)', 'data:image/png;base64,AAAA', 'file:///etc/passwd', '-x']) {
      await expect(client.request('jobs.add', { url: page, thumbnail: bad })).rejects.toMatchObject({
        code: 'INVALID_URL',
        field: 'params.thumbnail',
      });
    }
  });
});

describe('vidqueue probe', () => {
  it('prints the formats with their sizes', async () => {
    const r = await env.cli(['probe', server.url(FIXTURES.hlsMaster)]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}ID {4}QUALITY {2}VIDEO {2}AUDIO {2}CONTAINER {2}SIZE$/m);
    expect(r.stdout).toMatch(/^ {2}\d+ +720p +h264 +aac +mp4 +~\d\.\d MiB$/m);
    expect(r.stdout).toContain('Subtitles: none');
  });

  it("prints a playlist's entries, and the same as JSON with --json", async () => {
    const url = server.page(
      '/three.html',
      multiVideoPage(
        'Three clips',
        [1, 2, 3].map((i) => `/${FIXTURES.progressive}?n=${i}`),
      ),
    );
    const human = await env.cli(['probe', url]);
    expect(human.stdout).toContain(['Playlist: 3 entries', '  1  Three clips (1)', '  2  Three clips (2)', '  3  Three clips (3)'].join('\n'));
    const json = await env.cli(['probe', url, '--json']);
    const { probe } = JSON.parse(json.stdout) as { probe: ProbeResult };
    expect(probe.playlist).toMatchObject({ count: 3, nextCursor: null });
    expect(probe.playlist!.entries).toHaveLength(3);
  });

  it('exits 3 with the error for a URL yt-dlp cannot read, and 2 for a missing URL', async () => {
    const url = server.page('/nothing.html', pageWithoutVideo('Nothing'));
    const r = await env.cli(['probe', url]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('UNSUPPORTED_URL');
    const json = await env.cli(['probe', url, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'UNSUPPORTED_URL', detail: expect.stringContaining('Unsupported URL') } });
    expect((await env.cli(['probe'])).exitCode).toBe(2);
  });
});
