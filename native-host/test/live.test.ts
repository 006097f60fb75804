import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/job';
import type { Event } from '../../shared/protocol';
import { createEnv, finished, waitForJob } from '../../devkit/env';
import { FIXTURES, FIXTURE_DIR } from '../../devkit/fixtures';
import { decodesCleanly, probe } from '../../devkit/probe';
import { env, jobProcesses, server, useServerAndEnv } from './helpers/suite';

useServerAndEnv();

let streams = 0;
/** A live HLS stream of its own (each id starts when first asked for). */
const liveStream = (query: Record<string, number> = {}) => server.url(`/live/t${process.pid}-${Date.now()}-${streams++}/index.m3u8`, query);
const recording = (j: Job) => j.status === 'recording';
/** Recorded for at least `ms` (measured from the job's start), with bytes on disk. */
const recordedFor = (ms: number) => (j: Job) => recording(j) && j.startedAt !== null && Date.now() - j.startedAt >= ms && j.progress.downloadedBytes > 0;

/** The bytes of the live clip's first `n` segments (2 s each). */
const segmentBytes = (n: number) =>
  Array.from({ length: n }, (_, i) => statSync(join(FIXTURE_DIR, FIXTURES.liveSegments, `seg${String(i).padStart(3, '0')}.ts`)).size).reduce(
    (a, b) => a + b,
    0,
  );

describe('live streams are recorded', () => {
  it('records a live stream until Stop, then completes with a playable file that decodes cleanly, leaving no process and no staging', async () => {
    const client = await env.client();
    await client.request('subscribe', {});
    const updates: Job[] = [];
    client.on('event', (e: Event) => {
      if (e.event === 'job.updated') updates.push(e.data.job);
    });
    const { job } = await client.request('jobs.add', { url: liveStream(), title: 'Morning show' });
    const rec = await waitForJob(client, job.id, recording, 15_000);
    expect(rec).toMatchObject({ live: true, progress: { percent: null, totalBytes: null } });
    // Six seconds of stream on disk (three segments' worth), however late ffmpeg started on a busy machine.
    await waitForJob(client, job.id, (j) => recordedFor(6500)(j) && j.progress.downloadedBytes >= segmentBytes(3), 30_000);
    const { job: stopped } = await client.request('jobs.stopRecording', { jobId: job.id });
    expect(stopped).toMatchObject({ status: 'completed', live: true, error: null });
    expect(basename(stopped.filePath!)).toBe('Morning show.mp4');
    const info = await probe(stopped.filePath!);
    expect(info.duration).toBeGreaterThanOrEqual(5);
    expect(info.codecs.sort()).toEqual(['aac', 'h264']);
    expect(await decodesCleanly(stopped.filePath!)).toBe(true);
    expect(stopped.progress).toMatchObject({ percent: 100, downloadedBytes: statSync(stopped.filePath!).size });
    expect(jobProcesses()).toEqual([]);
    expect(env.stagingFiles()).toEqual([]);
    expect(env.downloaded()).toEqual(['Morning show.mp4']);
    // While it recorded: bytes grew, with no percent and no total.
    const during = updates.filter((j) => j.id === job.id && j.status === 'recording');
    expect(during.length).toBeGreaterThan(3);
    for (const j of during) expect(j.progress).toMatchObject({ percent: null, totalBytes: null });
    const bytes = during.map((j) => j.progress.downloadedBytes);
    for (let i = 1; i < bytes.length; i++) expect(bytes[i]).toBeGreaterThanOrEqual(bytes[i - 1]!);
    expect(bytes.at(-1)).toBeGreaterThan(bytes[0]!);
  });

  it('discards a recording on Cancel: no process, no file, no staging', async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: liveStream() });
    await waitForJob(client, job.id, recordedFor(3000), 20_000);
    const { job: cancelled } = await client.request('jobs.cancel', { jobId: job.id });
    expect(cancelled).toMatchObject({ status: 'cancelled', filePath: null });
    expect(jobProcesses()).toEqual([]);
    expect(env.stagingFiles()).toEqual([]);
    expect(env.downloaded()).toEqual([]);
  });

  it('completes by itself when the stream ends (#EXT-X-ENDLIST appears)', async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: liveStream({ endAfter: 6 }) });
    await waitForJob(client, job.id, recording, 15_000);
    const done = await waitForJob(client, job.id, finished, 30_000);
    expect(done, JSON.stringify(done.error)).toMatchObject({ status: 'completed', live: true, note: null });
    // Named after the host: the stream's playlist is `index.m3u8`.
    expect(basename(done.filePath!)).toBe('127.0.0.1.mp4');
    expect((await probe(done.filePath!)).duration).toBeGreaterThanOrEqual(5);
    expect(await decodesCleanly(done.filePath!)).toBe(true);
    expect(jobProcesses()).toEqual([]);
    expect(env.stagingFiles()).toEqual([]);
  });

  it('records a live master playlist (its first variant is what is live)', async () => {
    const client = await env.client();
    const url = liveStream({ endAfter: 4 }).replace('/index.m3u8', '/master.m3u8');
    const { job } = await client.request('jobs.add', { url });
    await waitForJob(client, job.id, recording, 15_000);
    const done = await waitForJob(client, job.id, finished, 30_000);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect((await probe(done.filePath!)).duration).toBeGreaterThanOrEqual(3);
  });

  it('refuses to pause a recording, saying what to do instead, and goes on recording', async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: liveStream() });
    await waitForJob(client, job.id, recording, 15_000);
    await expect(client.request('jobs.pause', { jobId: job.id })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      message: expect.stringContaining('a live stream cannot be paused: stop the recording to keep what was recorded'),
    });
    expect((await client.request('jobs.get', { jobId: job.id })).job.status).toBe('recording');
    expect(jobProcesses().length).toBeGreaterThan(0);
    await client.request('jobs.cancel', { jobId: job.id });
  });

  it('keeps a recording when the daemon is stopped (vidqueue stop): the job completes with it', async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: liveStream(), title: 'Kept at stop' });
    await waitForJob(client, job.id, recordedFor(5000), 20_000);
    client.destroy();
    const r = await env.cli(['stop'], { timeout: 30_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(jobProcesses()).toEqual([]);
    const next = await env.client('after-stop');
    const done = (await next.request('jobs.get', { jobId: job.id })).job;
    expect(done).toMatchObject({ status: 'completed', error: null });
    expect(basename(done.filePath!)).toBe('Kept at stop.mp4');
    expect((await probe(done.filePath!)).duration).toBeGreaterThanOrEqual(3);
    expect(await decodesCleanly(done.filePath!)).toBe(true);
    expect(env.stagingFiles()).toEqual([]);
  });

  it('keeps what was recorded when the daemon is killed (kill -9) while recording: after restart the job is completed with a playable partial file', async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: liveStream(), title: 'Cut off' });
    await waitForJob(client, job.id, recordedFor(5000), 20_000);
    process.kill(env.daemonPids()[0]!, 'SIGKILL');
    await sleep(100);
    const survivors = jobProcesses();
    expect(survivors.length).toBeGreaterThan(0); // yt-dlp and ffmpeg outlive the daemon: the next one deals with them

    const next = await env.client('after-crash');
    const done = (await next.request('jobs.get', { jobId: job.id })).job;
    expect(done).toMatchObject({ status: 'completed', error: null, note: expect.stringContaining('what was recorded until then is kept') });
    // As it was recorded: MPEG-TS (recovery remuxes nothing, the daemon answers nobody until it is done).
    expect(basename(done.filePath!)).toBe('Cut off.ts');
    const info = await probe(done.filePath!);
    expect(info.duration).toBeGreaterThanOrEqual(3);
    expect(info.codecs.sort()).toEqual(['aac', 'h264']);
    for (const p of survivors) expect(existsSync(`/proc/${p.pid}`) && !readFileSync(`/proc/${p.pid}/stat`, 'utf8').includes(') Z ')).toBe(false);
    expect(jobProcesses()).toEqual([]);
    expect(env.stagingFiles()).toEqual([]);
  });
});

describe('recording without ffmpeg', () => {
  it('fails a live stream at once with FFMPEG_MISSING, saying a recording needs it, and starts nothing', async () => {
    const bare = await createEnv({ PATH: '/nonexistent', VIDQUEUE_YTDLP: '/usr/bin/yt-dlp' });
    try {
      const client = await bare.client();
      const { job } = await client.request('jobs.add', { url: liveStream() });
      const done = await waitForJob(client, job.id, finished);
      expect(done).toMatchObject({
        status: 'failed',
        error: {
          code: 'FFMPEG_MISSING',
          message: expect.stringMatching(/^This is a live stream: recording it needs ffmpeg, and ffmpeg was not found on PATH .*Install ffmpeg/),
        },
      });
      expect(bare.jobProcesses()).toEqual([]);
      expect(bare.downloaded()).toEqual([]);
    } finally {
      await bare.close();
    }
  });
});

describe('vidqueue stop-recording', () => {
  it('stops a recording and prints the kept file; refuses a job that is not recording with exit 3', async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: liveStream(), title: 'From the CLI' });
    await waitForJob(client, job.id, recordedFor(4000), 20_000);
    const r = await env.cli(['stop-recording', String(job.id), '--json'], { timeout: 30_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const { job: stopped } = JSON.parse(r.stdout) as { job: Job };
    expect(stopped).toMatchObject({ id: job.id, status: 'completed' });
    expect(basename(stopped.filePath!)).toBe('From the CLI.mp4');

    const again = await env.cli(['stop-recording', String(job.id)]);
    expect(again.exitCode).toBe(3);
    expect(again.stderr).toContain(`vidqueue: INVALID_TRANSITION: Job ${job.id}: cannot stop a job that is completed`);
    const missing = await env.cli(['stop-recording', '999']);
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toContain('No job with id 999');
    const human = await env.cli(['stop-recording', 'abc']);
    expect(human.exitCode).toBe(2);
  });
});
