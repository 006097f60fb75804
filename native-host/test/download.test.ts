import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/job';
import type { Event } from '../../shared/protocol';
import { createEnv, finished, waitForJob } from '../../devkit/env';
import { FIXTURES, FIXTURE_DIR } from '../../devkit/fixtures';
import { startMediaServer } from '../../devkit/media-server';
import { MODES, env, server, useMode, useServerAndEnv } from './helpers/suite';
import { decodesCleanly, probe, sha256 } from '../../devkit/probe';

useServerAndEnv();

describe('downloads with real yt-dlp', () => {
  it('downloads a multi-segment HLS stream that decodes cleanly, reporting fragments', async () => {
    const client = await env.client();
    await client.request('subscribe', {});
    const fragments: number[] = [];
    client.on('event', (e) => {
      if (e.event === 'job.updated' && e.data.job.progress.fragmentCount) fragments.push(e.data.job.progress.fragmentCount);
    });
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.hls), title: 'HLS clip' });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(done.title).toBe('HLS clip');
    expect(await decodesCleanly(done.filePath!)).toBe(true);
    expect((await probe(done.filePath!)).duration).toBeGreaterThan(7);
    expect(Math.max(...fragments)).toBe(8);
  });

  it('downloads separate video and audio (DASH), merges them, and never reports progress going back', async () => {
    const client = await env.client();
    await client.request('subscribe', {});
    const percents: number[] = [];
    client.on('event', (e) => {
      if (e.event === 'job.updated' && e.data.job.progress.percent !== null) percents.push(e.data.job.progress.percent);
    });
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.dash) });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect((await probe(done.filePath!)).codecs.sort()).toEqual(['aac', 'h264']);
    for (let i = 1; i < percents.length; i++) expect(percents[i]).toBeGreaterThanOrEqual(percents[i - 1]!);
    expect(env.stagingFiles()).toEqual([]);
  });

  it('extracts audio only as m4a with ffmpeg', async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive), preset: 'audio' });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(done.filePath).toMatch(/\.m4a$/);
    expect((await probe(done.filePath!)).codecs).toEqual(['aac']);
    // Measured by what it left: never "3 MiB of 95 KiB".
    const size = statSync(done.filePath!).size;
    expect(done.progress).toMatchObject({ percent: 100, downloadedBytes: size, totalBytes: size, totalIsEstimate: false });
  });

  it('never overwrites: the same video twice gives two files', async () => {
    const client = await env.client();
    const url = server.url(FIXTURES.progressive);
    const a = (await client.request('jobs.add', { url })).job;
    const b = (await client.request('jobs.add', { url })).job;
    const [da, db] = [await waitForJob(client, a.id, finished), await waitForJob(client, b.id, finished)];
    expect(new Set([da.filePath, db.filePath]).size).toBe(2);
    expect(env.downloaded().sort()).toEqual(['progressive (1).mp4', 'progressive.mp4']);
    expect(sha256(da.filePath!)).toBe(sha256(db.filePath!));
  });

  it('sends the page as Referer and keeps a hostile page title inside the download folder', async () => {
    const client = await env.client();
    const title = '../../../../etc/evil \u202Egpj.exe 日本語 🎬';
    const page = server.url('/page', { title, video: `/${FIXTURES.progressive}` });
    const { job } = await client.request('jobs.add', { url: page, pageUrl: 'http://127.0.0.1/source-page' });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    const name = done.filePath!.slice(env.downloads.length + 1);
    expect(done.filePath!.startsWith(`${env.downloads}/`)).toBe(true);
    expect(name).not.toContain('/');
    expect(name).not.toContain('\u202E');
    expect(name).toContain('日本語');
    expect(env.downloaded()).toEqual([name]);
    expect(server.requests.some((r) => r.referer === 'http://127.0.0.1/source-page')).toBe(true);
  });

  it('sends the frame the video played in as Referer, not the top page', async () => {
    const client = await env.client();
    const frame = server.url('/embed/player.html');
    const seenBefore = server.requests.length;
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.hls), pageUrl: 'http://127.0.0.1/top-page', referer: frame });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    const media = server.requests.slice(seenBefore).filter((r) => r.path.startsWith('/hls/'));
    expect(media.length).toBeGreaterThan(8); // the playlist and its segments
    expect(media.every((r) => r.referer === frame)).toBe(true);
  });

  it("fails a URL the server does not have with HTTP_404, yt-dlp's text as detail, and cleans up", async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: server.url('/missing.mp4') });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ code: 'HTTP_404', message: expect.stringContaining('(HTTP 404)'), detail: expect.stringContaining('HTTP Error 404') });
    await expect.poll(() => env.stagingFiles()).toEqual([]);
  });
});

describe.each(MODES)('progress and failures with $name', (mode) => {
  useMode(mode);
  // aria2c reports once a second: its file takes 4 s, for several reports; yt-dlp's own reports as it reads.
  const progressiveRate = mode.connectionsPerFile > 1 ? 250_000 : 2_000_000;

  it('downloads a progressive MP4 that plays and is byte-identical, and leaves no staging folder', async () => {
    const client = await env.client();
    await client.request('subscribe', {});
    const events: Event[] = [];
    client.on('event', (e) => events.push(e));
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive, { rate: progressiveRate }) });
    expect(job.preset).toBe('best');
    expect(['queued', 'downloading']).toContain(job.status);
    const done = await waitForJob(client, job.id, finished);
    expect(done).toMatchObject({ status: 'completed', error: null, progress: { percent: 100 } });
    expect(done.filePath).toBe(join(env.downloads, 'progressive.mp4'));
    expect(sha256(done.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
    const info = await probe(done.filePath!);
    expect(info.codecs.sort()).toEqual(['aac', 'h264']);
    expect(info.duration).toBeCloseTo(8, 0);
    expect(env.stagingFiles()).toEqual([]);
    expect(env.processes().filter((p) => !p.cmdline.includes(' daemon '))).toEqual([]);

    // Progress: throttled to at most 4 a second, monotonic, ending with the final 100 %.
    const updates = events.flatMap((e) => (e.event === 'job.updated' && e.data.job.id === job.id ? [e.data.job] : []));
    const downloading = updates.filter((j) => j.status === 'downloading' && j.progress.percent !== null);
    expect(downloading.length).toBeGreaterThan(2);
    const percents = downloading.map((j) => j.progress.percent!);
    for (let i = 1; i < percents.length; i++) expect(percents[i]).toBeGreaterThanOrEqual(percents[i - 1]!);
    expect(updates.at(-1)).toMatchObject({ status: 'completed' });
    const seconds = (done.finishedAt! - done.startedAt!) / 1000;
    expect(downloading.length).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 2);
  });

  it.each([
    ['an HLS stream', FIXTURES.hls],
    ['an HLS master (MPEG-TS renditions)', FIXTURES.hlsMaster],
    // Its init segment counts as a fragment: yt-dlp's estimate falls behind the bytes during the last one.
    ['an HLS master (fMP4 renditions)', FIXTURES.hlsFmp4],
  ])('never shows more bytes done than the total, nor a percent over 100 or going back, for %s', async (_what, fixture) => {
    // Every segment throttled (a `rate` on the playlist's URL would not reach them), so that progress comes in many events;
    // fragments fetched at once each get a slower connection: the clip takes as long in both modes.
    const slow = await startMediaServer(FIXTURE_DIR, { rate: Math.round(600_000 / mode.fragmentConcurrency) });
    try {
      const client = await env.client();
      await client.request('subscribe', {});
      const seen: Job[] = [];
      client.on('event', (e) => {
        if (e.event === 'job.updated') seen.push(e.data.job);
      });
      const { job } = await client.request('jobs.add', { url: slow.url(fixture) });
      const done = await waitForJob(client, job.id, finished);
      expect(done.status, JSON.stringify(done.error)).toBe('completed');
      const all = [...seen.filter((j) => j.id === job.id), done];
      expect(all.filter((j) => j.status === 'downloading' && j.progress.totalBytes !== null).length).toBeGreaterThan(5);
      for (const { progress: p } of all) {
        if (p.totalBytes !== null) expect(p.downloadedBytes, JSON.stringify(p)).toBeLessThanOrEqual(p.totalBytes);
        expect(Number.isInteger(p.downloadedBytes) && (p.totalBytes === null || Number.isInteger(p.totalBytes))).toBe(true);
        if (p.percent !== null) expect(p.percent).toBeLessThanOrEqual(100);
      }
      const percents = all.flatMap((j) => (j.progress.percent === null ? [] : [j.progress.percent]));
      for (let i = 1; i < percents.length; i++) expect(percents[i]).toBeGreaterThanOrEqual(percents[i - 1]!);
      const size = statSync(done.filePath!).size;
      expect(done.progress).toMatchObject({ percent: 100, downloadedBytes: size, totalBytes: size, totalIsEstimate: false });
      // A finished playlist (#EXT-X-ENDLIST) is a video, not a recording.
      expect(all.every((j) => j.status !== 'recording' && !j.live)).toBe(true);
    } finally {
      await slow.close();
    }
  });

  it("keeps the downloader's final error when the connection keeps dropping, as NETWORK with its text", async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive, { drop: 200_000 }) });
    const done = await waitForJob(client, job.id, finished, 60_000);
    // aria2c drops a connection cut off mid-body (errorCode 1) and may get its piece over another: it
    // either completes a byte-identical copy or fails the same way, never with just its exit code.
    if (mode.connectionsPerFile > 1 && done.status === 'completed') {
      expect(sha256(done.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
      return;
    }
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ code: 'NETWORK', message: expect.stringMatching(/network.*Retry/) });
    expect(done.error!.detail).toMatch(/\S/);
    expect(done.error!.detail).not.toMatch(/please report this issue/);
    expect(done.error!.message).not.toMatch(/exited with code/);
    // aria2c gives up on a connection cut off mid-body (its errorCode 1): its own words are the detail.
    if (mode.connectionsPerFile > 1) expect(done.error!.detail).toMatch(/aria2c: errorCode=1 (Got EOF from the server|Failed to receive data)/);
    await expect.poll(() => env.stagingFiles()).toEqual([]);
  });
});

describe('titles and file names', () => {
  it('names the file of an HLS master after the title it was queued with', async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.hlsMaster), title: 'Cats on a boat' });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(done.title).toBe('Cats on a boat');
    expect(done.filePath).toBe(join(env.downloads, 'Cats on a boat.mp4'));
    expect(env.downloaded()).toEqual(['Cats on a boat.mp4']);
  });

  it('names an HLS master queued without a title after its host, never "master"', async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.hlsMaster) });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(done.title).toBe('127.0.0.1');
    expect(done.filePath).toBe(join(env.downloads, '127.0.0.1.mp4'));
    // The same stream again: a second name, never the first file overwritten.
    const again = await waitForJob(client, (await client.request('jobs.add', { url: server.url(FIXTURES.hlsFmp4) })).job.id, finished);
    expect(again.filePath).toBe(join(env.downloads, '127.0.0.1 (1).mp4'));
    expect(env.downloaded().some((f) => /master|index|\[/.test(f))).toBe(false);
  });

  it('names a direct MP4 queued without a title after its own name', async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive) });
    const done = await waitForJob(client, job.id, finished);
    expect(done.title).toBe('progressive');
    expect(env.downloaded()).toEqual(['progressive.mp4']);
  });
});

describe('missing tools', () => {
  it('fails the job with a message that says what to install', async () => {
    const bare = await createEnv({ PATH: '/nonexistent' });
    try {
      const client = await bare.client();
      const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive) });
      const done = await waitForJob(client, job.id, finished);
      expect(done).toMatchObject({ status: 'failed', error: { code: 'YTDLP_MISSING' } });
      expect(done.error?.message).toContain('sudo apt install yt-dlp');
      expect(done.error?.message).toContain('VIDQUEUE_YTDLP');
    } finally {
      await bare.close();
    }
  });

  it('fails an audio job without ffmpeg (the video has no audio-only format), naming what is wrong with ffmpeg', async () => {
    const noFfmpeg = await createEnv({ VIDQUEUE_FFMPEG: '/nonexistent/ffmpeg' });
    try {
      const client = await noFfmpeg.client();
      const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive), preset: 'audio' });
      const done = await waitForJob(client, job.id, finished);
      expect(done).toMatchObject({ status: 'failed', error: { code: 'FFMPEG_MISSING' } });
      expect(done.error?.message).toContain('`/nonexistent/ffmpeg`');
    } finally {
      await noFfmpeg.close();
    }
  });
});

describe('errors that say what happened', () => {
  it('says the site refused the download (HTTP 403)', async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive, { status: 403 }) });
    const done = await waitForJob(client, job.id, finished);
    expect(done.error).toMatchObject({
      code: 'HTTP_403',
      message: expect.stringContaining('refused the download (HTTP 403)'),
      detail: expect.stringContaining('403'),
    });
  });
});

describe('without ffmpeg', () => {
  // yt-dlp looks for ffmpeg on PATH too: a PATH without it, and yt-dlp named by its full path.
  const noFfmpeg = () => createEnv({ PATH: '/nonexistent', VIDQUEUE_YTDLP: '/usr/bin/yt-dlp' });

  it('fails a download whose video and audio come apart (DASH) at once with FFMPEG_MISSING, leaving no unmerged parts', async () => {
    const e = await noFfmpeg();
    try {
      const client = await e.client();
      const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.dash) });
      const done = await waitForJob(client, job.id, finished);
      expect(done).toMatchObject({ status: 'failed', error: { code: 'FFMPEG_MISSING', message: expect.stringContaining('needs ffmpeg') } });
      expect(done.progress.downloadedBytes).toBe(0);
      await expect.poll(() => e.stagingFiles()).toEqual([]);
      expect(e.downloaded()).toEqual([]);
    } finally {
      await e.close();
    }
  });

  it('downloads a format that is a single file instead, and says so in the job', async () => {
    const e = await noFfmpeg();
    try {
      const client = await e.client();
      const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive) });
      const done = await waitForJob(client, job.id, finished);
      expect(done.status, JSON.stringify(done.error)).toBe('completed');
      expect(sha256(done.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
      expect(done.note).toMatch(/^ffmpeg is not installed, so a format that is a single file was downloaded \(.*mp4\); install ffmpeg for the best quality\.$/);
    } finally {
      await e.close();
    }
  });
});
