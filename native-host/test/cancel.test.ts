import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/job';
import { finished, waitForJob } from '../../devkit/env';
import { FIXTURES, FIXTURE_DIR } from '../../devkit/fixtures';
import { startMediaServer } from '../../devkit/media-server';
import { sha256 } from '../../devkit/probe';
import { MODES, env, jobProcesses, server, servedSince, useMode, useServerAndEnv } from './helpers/suite';

useServerAndEnv();

const clipSize = statSync(join(FIXTURE_DIR, FIXTURES.progressive)).size;
const atLeast = (percent: number) => (j: Job) => j.status === 'downloading' && (j.progress.percent ?? 0) >= percent;

describe.each(MODES)('with $name', (mode) => {
  useMode(mode);
  /** The clip, throttled per connection: as slow overall in both modes. */
  const slow = (query: Record<string, number> = {}) => {
    const rate = Math.round((query.rate ?? 1_000_000) / mode.speedup);
    return server.url(FIXTURES.progressive, { ...query, rate });
  };

  describe('cancel', () => {
    it('cancels a queued job at once, before it ever starts', async () => {
      const client = await env.client();
      await client.request('settings.set', { settings: { concurrency: 1 } });
      const running = (await client.request('jobs.add', { url: slow() })).job;
      const queued = (await client.request('jobs.add', { url: slow() })).job;
      expect((await client.request('jobs.get', { jobId: queued.id })).job.status).toBe('queued');
      const { job } = await client.request('jobs.cancel', { jobId: queued.id });
      expect(job).toMatchObject({ status: 'cancelled', startedAt: null });
      expect(job.cancelledAt).toBeGreaterThan(0);
      await client.request('jobs.cancel', { jobId: running.id });
      expect(jobProcesses()).toEqual([]);
      expect(env.stagingFiles()).toEqual([]);
    });

    it.each([10, 50])('stops a download at about %i percent: no process, no partial file, when the reply arrives', async (percent) => {
      const client = await env.client();
      await client.request('subscribe', {});
      const { job } = await client.request('jobs.add', { url: slow() });
      await waitForJob(client, job.id, atLeast(percent));
      expect(jobProcesses().length).toBeGreaterThan(0);
      expect(env.stagingFiles().length).toBeGreaterThan(0);
      const { job: cancelled } = await client.request('jobs.cancel', { jobId: job.id });
      // Checked straight after the reply, with no waiting.
      expect(jobProcesses()).toEqual([]);
      expect(env.stagingFiles()).toEqual([]);
      expect(env.downloaded()).toEqual([]);
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.progress.percent).toBeGreaterThanOrEqual(percent);
    });

    it('stops a download at 99 % and leaves nothing', async () => {
      const client = await env.client();
      // The server is shared by the file's tests: its count of stalls goes on from theirs.
      const stalledBefore = server.stalled;
      const { job } = await client.request('jobs.add', { url: slow({ rate: 3_000_000, stallAt: 0.99, stallMs: 20_000 }) });
      // yt-dlp reports progress a read block late: the server says when 99 % of the file is out.
      await waitForJob(client, job.id, () => server.stalled > stalledBefore);
      expect(jobProcesses().length).toBeGreaterThan(0);
      const { job: cancelled } = await client.request('jobs.cancel', { jobId: job.id });
      expect(cancelled.status).toBe('cancelled');
      expect(jobProcesses()).toEqual([]);
      expect(env.stagingFiles()).toEqual([]);
      expect(env.downloaded()).toEqual([]);
    });

    it('stops an HLS download between fragments and leaves nothing', async () => {
      // Fragments fetched at once each get a slower connection: the clip takes as long in both modes.
      const hls = await startMediaServer(FIXTURE_DIR, { rate: Math.round(600_000 / mode.fragmentConcurrency) });
      try {
        const client = await env.client();
        const { job } = await client.request('jobs.add', { url: hls.url(FIXTURES.hls) });
        // One at a time: past the second fragment; at once: a good part of the clip in, none of it finished.
        await waitForJob(client, job.id, (j) =>
          mode.fragmentConcurrency === 1 ? (j.progress.fragmentIndex ?? 0) >= 2 : j.status === 'downloading' && j.progress.downloadedBytes > 500_000,
        );
        expect(jobProcesses().length).toBeGreaterThan(0);
        await client.request('jobs.cancel', { jobId: job.id });
        expect(jobProcesses()).toEqual([]);
        expect(env.stagingFiles()).toEqual([]);
        expect(env.downloaded()).toEqual([]);
      } finally {
        await hls.close();
      }
    });

    it('lets completion win: a finished file stays and the job reports completed', async () => {
      const client = await env.client();
      const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive) });
      const done = await waitForJob(client, job.id, finished);
      expect(done.status).toBe('completed');
      await expect(client.request('jobs.cancel', { jobId: job.id })).rejects.toMatchObject({
        code: 'INVALID_TRANSITION',
        message: `Job ${job.id}: cannot cancel a job that is completed (it has finished; remove it from the history instead)`,
      });
      expect(sha256(done.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
      expect((await client.request('jobs.get', { jobId: job.id })).job.status).toBe('completed');
    });

    it('is idempotent: a double click gets two confirmations; a later cancel changes nothing and says why', async () => {
      const client = await env.client();
      const { job } = await client.request('jobs.add', { url: slow() });
      await waitForJob(client, job.id, atLeast(5));
      const [first, second] = await Promise.allSettled([client.request('jobs.cancel', { jobId: job.id }), client.request('jobs.cancel', { jobId: job.id })]);
      expect(first).toMatchObject({ status: 'fulfilled', value: { job: { status: 'cancelled' } } });
      expect(second).toMatchObject({ status: 'fulfilled', value: { job: { status: 'cancelled' } } });
      const before = (await client.request('jobs.get', { jobId: job.id })).job;
      await expect(client.request('jobs.cancel', { jobId: job.id })).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
      expect((await client.request('jobs.get', { jobId: job.id })).job).toEqual(before);
      expect(jobProcesses()).toEqual([]);
    });

    it('cancels everything with cancel all: running, queued and paused', async () => {
      const client = await env.client();
      await client.request('settings.set', { settings: { concurrency: 2 } });
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push((await client.request('jobs.add', { url: slow() })).job.id);
      await waitForJob(client, ids[0]!, atLeast(5));
      await client.request('jobs.pause', { jobId: ids[3]! });
      const { jobIds } = await client.request('jobs.cancelAll', {});
      expect([...jobIds].sort()).toEqual([...ids].sort());
      const after = (await client.request('jobs.list', {})).jobs;
      expect(after.every((j) => j.status === 'cancelled')).toBe(true);
      expect(jobProcesses()).toEqual([]);
      expect(env.stagingFiles()).toEqual([]);
    });

    it('never mixes files over 20 rapid cancel / re-add cycles of the same URL', async () => {
      const client = await env.client();
      const url = server.url(FIXTURES.progressive, { rate: 4_000_000 });
      for (let i = 0; i < 20; i++) {
        const { job } = await client.request('jobs.add', { url });
        if (i % 2 === 1) await waitForJob(client, job.id, (j) => (j.progress.downloadedBytes ?? 0) > 0 || finished(j));
        const r = await client.request('jobs.cancel', { jobId: job.id }).catch((e: { code: string }) => e);
        expect(['cancelled', 'INVALID_TRANSITION']).toContain('job' in r ? r.job.status : r.code);
        expect(jobProcesses()).toEqual([]);
      }
      const files = env.downloaded();
      // A cycle whose download finished before its cancel keeps a complete file: nothing partial.
      for (const f of files) expect(sha256(join(env.downloads, f))).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
      const { job } = await client.request('jobs.add', { url });
      const done = await waitForJob(client, job.id, finished);
      expect(sha256(done.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
      expect(env.stagingFiles()).toEqual([]);
    });
  });

  describe('pause and resume', () => {
    it('resumes from the bytes it had and gives a byte-identical copy', async () => {
      const client = await env.client();
      const url = slow();
      const { job } = await client.request('jobs.add', { url });
      await waitForJob(client, job.id, atLeast(30));
      const { job: paused } = await client.request('jobs.pause', { jobId: job.id });
      expect(paused.status).toBe('paused');
      expect(jobProcesses()).toEqual([]);
      const partial = env.stagingFiles();
      expect(partial.some((f) => f.endsWith('.part'))).toBe(true);
      await expect(client.request('jobs.pause', { jobId: job.id })).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });

      const rangesBefore = server.requests.length;
      await client.request('jobs.resume', { jobId: job.id });
      const done = await waitForJob(client, job.id, finished);
      expect(done.status).toBe('completed');
      expect(sha256(done.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
      // The second run asked only for the rest (aria2c: for the rest of each piece its control file names).
      const resumed = server.requests.slice(rangesBefore).filter((r) => r.path.endsWith('.mp4') && r.range);
      expect(resumed.some((r) => Number(r.range!.match(/bytes=(\d+)-/)?.[1]) > 500_000)).toBe(true);
      expect(servedSince(rangesBefore, FIXTURES.progressive)).toBeLessThan(clipSize - paused.progress.downloadedBytes + 256 * 1024);
      expect(env.stagingFiles()).toEqual([]);
    });

    it('removes the partial files of a paused job when it is cancelled', async () => {
      const client = await env.client();
      const { job } = await client.request('jobs.add', { url: slow() });
      await waitForJob(client, job.id, atLeast(10));
      await client.request('jobs.pause', { jobId: job.id });
      expect(env.stagingFiles().length).toBeGreaterThan(0);
      await client.request('jobs.cancel', { jobId: job.id });
      expect(env.stagingFiles()).toEqual([]);
    });

    it('retries a cancelled job from scratch to completion', async () => {
      const client = await env.client();
      const { job } = await client.request('jobs.add', { url: slow() });
      await waitForJob(client, job.id, atLeast(10));
      await client.request('jobs.cancel', { jobId: job.id });
      const { job: retried } = await client.request('jobs.retry', { jobId: job.id });
      expect(['queued', 'downloading']).toContain(retried.status);
      expect(retried.cancelledAt).toBeNull();
      const done = await waitForJob(client, job.id, finished);
      expect(done.status).toBe('completed');
      expect(sha256(done.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
    });

    it('retries a job that failed before any byte with the URL and frame found since, sending that frame as Referer', async () => {
      const client = await env.client();
      const { job } = await client.request('jobs.add', { url: server.url('/missing.mp4'), pageUrl: 'http://127.0.0.1/top-page' });
      const failed = await waitForJob(client, job.id, finished);
      expect(failed).toMatchObject({ status: 'failed', progress: { downloadedBytes: 0 } });
      const url = server.url(FIXTURES.progressive, { found: 'later' });
      const frame = server.url('/player-frame.html');
      const seenBefore = server.requests.length;
      const { job: retried } = await client.request('jobs.retry', { jobId: job.id, url, referer: frame });
      expect(retried).toMatchObject({ url, referer: frame, error: null });
      const done = await waitForJob(client, job.id, finished);
      expect(done.status, JSON.stringify(done.error)).toBe('completed');
      expect(sha256(done.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
      const fetched = server.requests.slice(seenBefore).filter((r) => r.path === `/${FIXTURES.progressive}`);
      expect(fetched.length).toBeGreaterThan(0);
      expect(fetched.every((r) => r.referer === frame)).toBe(true);
    });

    it('runs a job retried the instant it failed once, in a fresh folder, to completion', async () => {
      const client = await env.client();
      for (let round = 0; round < 3; round++) {
        const { job } = await client.request('jobs.add', { url: server.url('/missing.mp4', { round }) });
        const url = server.url(FIXTURES.progressive, { round });
        // Asked again and again until the daemon takes it: the moment its failure is on record, while its run still settles.
        for (;;) {
          const accepted = await client.request('jobs.retry', { jobId: job.id, url }).then(
            () => true,
            (err: { code?: string }) => {
              if (err.code !== 'INVALID_TRANSITION') throw err;
              return false;
            },
          );
          if (accepted) break;
        }
        const done = await waitForJob(client, job.id, finished);
        expect(done.status, JSON.stringify(done.error)).toBe('completed');
        expect(sha256(done.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
      }
      expect(jobProcesses()).toEqual([]);
      expect(env.stagingFiles()).toEqual([]);
    });

    it('refuses a new URL for a job that had downloaded bytes, says why, and changes nothing', async () => {
      const client = await env.client();
      const url = slow();
      const { job } = await client.request('jobs.add', { url });
      await waitForJob(client, job.id, atLeast(10));
      await client.request('jobs.cancel', { jobId: job.id });
      const other = server.url(FIXTURES.hls);
      await expect(client.request('jobs.retry', { jobId: job.id, url: other })).rejects.toMatchObject({
        code: 'INVALID_TRANSITION',
        field: 'url',
        message: expect.stringMatching(
          /^Job \d+ had downloaded .+ of `".+"`, so it cannot be retried with another URL .+: retry it as it is, or add the new URL as a new download$/,
        ),
      });
      expect((await client.request('jobs.get', { jobId: job.id })).job).toMatchObject({ status: 'cancelled', url });
      // The same URL is no change: the retry goes ahead.
      const { job: retried } = await client.request('jobs.retry', { jobId: job.id, url });
      expect(['queued', 'downloading']).toContain(retried.status);
      await client.request('jobs.cancel', { jobId: job.id });
    });
  });
});

describe('a partial file aria2c left', () => {
  it('is continued by aria2c even once the setting asks for one connection, and the copy is byte-identical', async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive, { rate: 330_000 }) });
    await waitForJob(client, job.id, atLeast(30));
    await client.request('jobs.pause', { jobId: job.id });
    expect(env.stagingFiles().some((f) => f.endsWith('.aria2'))).toBe(true);
    // yt-dlp's own downloader would append after the partial's last byte, past aria2c's holes.
    await client.request('settings.set', { settings: { connectionsPerFile: 1 } });
    await client.request('jobs.resume', { jobId: job.id });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(sha256(done.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
    expect(env.stagingFiles()).toEqual([]);
  });
});
