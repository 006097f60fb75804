import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/job';
import type { Event } from '../../shared/protocol';
import { encodeFrame } from '../src/framing/encode';
import { FrameDecoder, decodeJson } from '../src/framing/decoder';
import { resolvePaths } from '../src/paths';
import { finished, waitForJob } from '../../devkit/env';
import { FIXTURES, FIXTURE_DIR } from '../../devkit/fixtures';
import { sha256 } from '../../devkit/probe';
import { MODES, env, jobProcesses, server, servedSince, useMode, useServerAndEnv } from './helpers/suite';

useServerAndEnv();

const slow = () => server.url(FIXTURES.progressive, { rate: 1_000_000 });
/** The clip throttled per connection: as slow overall with aria2c's connections as with one. */
const slowFor = (mode: (typeof MODES)[number]) => server.url(FIXTURES.progressive, { rate: Math.round(1_000_000 / mode.speedup) });
const daemonPids = () => env.daemonPids();

describe('the daemon', () => {
  it('keeps its socket in a folder only the user can read', async () => {
    await env.client();
    const paths = resolvePaths(env.env);
    expect(statSync(paths.runDir).mode & 0o777).toBe(0o700);
    expect(statSync(paths.socket).mode & 0o777).toBe(0o600);
    expect(statSync(paths.dataDir).mode & 0o777).toBe(0o700);
  });

  it('runs once even when several clients start it at the same moment', async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, (_, i) => env.client(`c${i}`)));
    const pids = await Promise.all(clients.map(async (c) => (await c.request('hello', { protocolVersion: 1 })).pid));
    expect(new Set(pids).size).toBe(1);
    await sleep(300); // losers of the race exit at once
    expect(daemonPids()).toEqual([pids[0]]);
  });

  it('replaces a stale socket left by a dead daemon', async () => {
    const paths = resolvePaths(env.env);
    mkdirSync(paths.runDir, { recursive: true, mode: 0o700 });
    // A socket file nobody listens on: what a kill -9 leaves.
    const stale = connect(paths.socket);
    stale.on('error', () => {});
    const { createServer } = await import('node:net');
    const s = createServer();
    await new Promise<void>((r) => s.listen(paths.socket, r));
    await new Promise<void>((r) => {
      // Closing a listening Unix socket unlinks it in Node: recreate the file by hand.
      s.close(() => r());
    });
    writeFileSync(paths.socket, '');
    const client = await env.client();
    expect((await client.request('jobs.list', {})).total).toBe(0);
  });

  it('shows every client the same queue and the same events', async () => {
    const a = await env.client('a');
    const b = await env.client('b');
    await a.request('subscribe', {});
    await b.request('subscribe', {});
    const seen: Record<string, string[]> = { a: [], b: [] };
    const record = (name: string) => (e: Event) => {
      if (e.event === 'job.updated') seen[name]!.push(`${e.data.job.id}:${e.data.job.status}`);
    };
    a.on('event', record('a'));
    b.on('event', record('b'));
    const { job } = await a.request('jobs.add', { url: slow() });
    await waitForJob(b, job.id, (j) => j.status === 'downloading' && (j.progress.percent ?? 0) > 5);
    await b.request('jobs.cancel', { jobId: job.id });
    await sleep(100);
    const statuses = (name: string) => [...new Set(seen[name])];
    expect(statuses('a')).toEqual(statuses('b'));
    expect(statuses('a')).toContain(`${job.id}:cancelled`);
    expect((await a.request('jobs.list', {})).jobs).toEqual((await b.request('jobs.list', {})).jobs);
  });

  it('accepts a burst of 1,000 adds while running downloads keep sending progress', async () => {
    const client = await env.client();
    await client.request('settings.set', { settings: { concurrency: 1 } });
    await client.request('subscribe', {});
    const { job: running } = await client.request('jobs.add', { url: slow() });
    await waitForJob(client, running.id, (j) => (j.progress.percent ?? 0) > 1);
    const progressDuringBurst: number[] = [];
    const onEvent = (e: Event) => {
      if (e.event === 'job.updated' && e.data.job.id === running.id) progressDuringBurst.push(e.data.job.progress.downloadedBytes);
    };
    client.on('event', onEvent);
    const adds = Array.from({ length: 1000 }, (_, i) => client.request('jobs.add', { url: `https://example.invalid/video/${i}` }));
    const added = await Promise.all(adds);
    // The running download was not starved: its progress kept coming during and right after the burst.
    await sleep(750);
    client.off('event', onEvent);
    expect(new Set(added.map((r) => r.job.id)).size).toBe(1000);
    expect(progressDuringBurst.length).toBeGreaterThan(0);
    const page = await client.request('jobs.list', { limit: 500 });
    expect(page.total).toBe(1001);
    expect(page.nextCursor).toBe(500);
    // Nothing was started on example.invalid: cancel them all before they are tried.
    await client.request('jobs.cancelAll', {});
    expect(jobProcesses()).toEqual([]);
  });

  it('keeps every list page under 1 MiB, however long the URLs', async () => {
    const client = await env.client();
    await client.request('settings.set', { settings: { concurrency: 1 } });
    for (let i = 0; i < 300; i++) {
      await client.request('jobs.add', { url: `https://example.invalid/${i}/${'x'.repeat(8000)}` });
    }
    let cursor: number | null = 0;
    let pages = 0;
    let count = 0;
    while (cursor !== null) {
      const page: { jobs: Job[]; nextCursor: number | null } = await client.request('jobs.list', { cursor, limit: 500 });
      expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(1024 * 1024);
      count += page.jobs.length;
      cursor = page.nextCursor;
      pages++;
    }
    expect(count).toBe(300);
    expect(pages).toBeGreaterThan(1);
    await client.request('jobs.cancelAll', {});
  });

  it('moves a queued job to the top of the queue', async () => {
    const client = await env.client();
    await client.request('settings.set', { settings: { concurrency: 1 } });
    const first = (await client.request('jobs.add', { url: slow() })).job;
    const second = (await client.request('jobs.add', { url: server.url(FIXTURES.progressive) })).job;
    const third = (await client.request('jobs.add', { url: server.url(FIXTURES.hls) })).job;
    await client.request('jobs.moveToTop', { jobId: third.id });
    await client.request('jobs.cancel', { jobId: first.id });
    await waitForJob(client, third.id, (j) => j.status !== 'queued');
    expect((await client.request('jobs.get', { jobId: second.id })).job.status).toBe('queued');
    await client.request('jobs.cancelAll', {});
  });

  it('removes a finished job, with its file when asked, and clears the history', async () => {
    const client = await env.client();
    const a = (await client.request('jobs.add', { url: server.url(FIXTURES.progressive) })).job;
    const da = await waitForJob(client, a.id, finished);
    const b = (await client.request('jobs.add', { url: server.url(FIXTURES.hls) })).job;
    const db = await waitForJob(client, b.id, finished);
    await expect(client.request('jobs.remove', { jobId: 999 })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No job with id 999' });
    expect(await client.request('jobs.remove', { jobId: a.id, deleteFile: true })).toEqual({ jobId: a.id, fileDeleted: true });
    expect(existsSync(da.filePath!)).toBe(false);
    expect(await client.request('jobs.clear', {})).toEqual({ jobIds: [b.id] });
    expect(existsSync(db.filePath!)).toBe(true);
    expect((await client.request('jobs.list', {})).total).toBe(0);
  });

  it('refuses to remove an active job', async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: slow() });
    await expect(client.request('jobs.remove', { jobId: job.id })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      message: expect.stringContaining('cancel it first'),
    });
    await client.request('jobs.cancel', { jobId: job.id });
  });

  it('validates settings and tells every client about a change', async () => {
    const a = await env.client('a');
    const b = await env.client('b');
    await b.request('subscribe', {});
    const events: Event[] = [];
    b.on('event', (e) => events.push(e));
    await expect(a.request('settings.set', { settings: { concurrency: 99 } })).rejects.toMatchObject({
      code: 'INVALID_SETTING',
      field: 'params.settings.concurrency',
      message: expect.stringContaining('`99`'),
    });
    await expect(a.request('settings.set', { settings: { downloadDir: '/proc/forbidden' } })).rejects.toMatchObject({ code: 'INVALID_SETTING' });
    const dir = join(env.home, 'elsewhere');
    const { settings } = await a.request('settings.set', { settings: { downloadDir: dir, defaultPreset: 'audio' } });
    expect(settings).toMatchObject({ downloadDir: dir, defaultPreset: 'audio', concurrency: 3 });
    await sleep(50);
    expect(events).toContainEqual({ event: 'settings.updated', data: { settings } });
  });

  it('exits by itself after the idle period, and not while a job runs', async () => {
    const client = await env.client();
    await client.request('settings.set', { settings: { idleExitSeconds: 1 } });
    await client.request('jobs.add', { url: server.url(FIXTURES.progressive, { rate: 1_500_000 }) });
    const pid = daemonPids()[0]!;
    client.close();
    await sleep(1500);
    expect(daemonPids()).toEqual([pid]); // a download is running, with no client
    // It finishes with nobody connected; the daemon then goes away by itself.
    const deadline = Date.now() + 15_000;
    while (daemonPids().length > 0 && Date.now() < deadline) await sleep(200);
    expect(daemonPids()).toEqual([]);
    expect(env.downloaded()).toEqual(['progressive.mp4']);
    expect(existsSync(resolvePaths(env.env).socket)).toBe(false);
  });

  it('deletes a finished file with its job only if it is still the file the job downloaded', async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive) });
    const done = await waitForJob(client, job.id, finished);
    // The user deleted it, and something else took the name since.
    rmSync(done.filePath!);
    writeFileSync(done.filePath!, 'another file');
    await expect(client.request('jobs.remove', { jobId: job.id, deleteFile: true })).rejects.toMatchObject({
      code: 'FILE_NOT_DELETED',
      message: expect.stringContaining('is no longer the file this job downloaded'),
    });
    expect(readFileSync(done.filePath!, 'utf8')).toBe('another file');
    expect((await client.request('jobs.get', { jobId: job.id })).job.status).toBe('completed');
  });
});

describe('recovery', () => {
  it('removes staging folders that belong to no live job', async () => {
    const paths = resolvePaths(env.env);
    const orphan = join(paths.defaultDownloadDir, '.vidqueue-staging', 'job-77', 'part');
    mkdirSync(orphan, { recursive: true });
    writeFileSync(join(orphan, 'x.mp4.part'), 'partial');
    await env.client();
    expect(env.stagingFiles()).toEqual([]);
    expect(existsSync(join(paths.defaultDownloadDir, '.vidqueue-staging'))).toBe(false);
  });
});

describe('bad input over the socket', () => {
  const rawExchange = async (bytes: Buffer, expected: number): Promise<unknown[]> => {
    await env.client(); // make sure the daemon runs
    const socket = connect(resolvePaths(env.env).socket);
    const decoder = new FrameDecoder(64 * 1024 * 1024);
    const replies: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => {
        for (const d of decoder.push(chunk)) if (d.kind === 'frame') replies.push((decodeJson(d.body) as { value: unknown }).value);
        if (replies.length >= expected) resolve();
      });
      socket.on('error', reject);
      socket.write(bytes);
      setTimeout(() => resolve(), 5000);
    });
    socket.destroy();
    return replies;
  };

  it('answers each bad message with a structured error, keeps the stream, and changes nothing', async () => {
    const frames = [
      encodeFrame({ id: 1, type: 'jobs.add', params: { url: 'file:///etc/passwd' } }),
      encodeFrame({ id: 2, type: 'jobs.add', params: { url: '-o/tmp/pwned' } }),
      encodeFrame({ id: 3, type: 'jobs.add', params: { url: 'https://example.com/v --exec "touch /tmp/pwned"' } }),
      encodeFrame({ id: 4, type: 'jobs.add', params: { url: 'https://example.com/v', ytdlpArgs: ['--exec', 'sh'] } }),
      encodeFrame({ id: 5, type: 'rm -rf', params: {} }),
      Buffer.concat([Buffer.from([9, 0, 0, 0]), Buffer.from('{"id": 6,')]),
      encodeFrame({ id: 7, type: 'jobs.add', params: { url: `https://example.com/${'a'.repeat(600_000)}` } }),
      encodeFrame({ id: 8, type: 'jobs.pause', params: { jobId: 12345 } }),
      encodeFrame({ id: 9, type: 'hello', params: { protocolVersion: 99 } }),
      encodeFrame({ id: 10, type: 'jobs.list', params: {} }),
    ];
    const replies = (await rawExchange(Buffer.concat(frames), frames.length)) as { id: unknown; ok: boolean; error?: { code: string; message: string } }[];
    const byId = (id: unknown) => replies.find((r) => r.id === id);
    expect(byId(1)).toMatchObject({ ok: false, error: { code: 'INVALID_URL', message: expect.stringContaining('file:///etc/passwd') } });
    expect(byId(2)).toMatchObject({ ok: false, error: { code: 'INVALID_URL', message: expect.stringContaining('-o/tmp/pwned') } });
    expect(byId(3)).toMatchObject({ ok: false, error: { code: 'INVALID_URL', message: expect.stringContaining('whitespace') } });
    expect(byId(4)).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE', message: expect.stringContaining('params.ytdlpArgs') } });
    expect(byId(5)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TYPE', message: expect.stringContaining('"rm -rf"') } });
    expect(replies.find((r) => r.id === null && r.error?.code === 'INVALID_JSON')).toBeTruthy();
    expect(byId(7)).toMatchObject({ ok: false, error: { code: 'URL_TOO_LONG', message: expect.stringContaining('600020 characters') } });
    expect(byId(8)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'No job with id 12345' } });
    expect(byId(9)).toMatchObject({ ok: false, error: { code: 'PROTOCOL_MISMATCH' } });
    expect(byId(10)).toMatchObject({ ok: true, result: { total: 0, jobs: [] } });
    expect(existsSync('/tmp/pwned')).toBe(false);
  });

  it('refuses a 2 MiB frame before buffering it, then goes on', async () => {
    const big = encodeFrame({ id: 1, type: 'jobs.add', params: { url: `https://example.com/${'a'.repeat(2 * 1024 * 1024)}` } });
    const replies = (await rawExchange(Buffer.concat([big, encodeFrame({ id: 2, type: 'jobs.list', params: {} })]), 2)) as {
      id: unknown;
      ok: boolean;
      error?: { code: string; message: string };
    }[];
    expect(replies[0]).toMatchObject({ id: null, ok: false, error: { code: 'FRAME_TOO_LARGE', message: expect.stringContaining('2097') } });
    expect(replies[1]).toMatchObject({ id: 2, ok: true });
  });
});

describe('a client that stops reading', () => {
  const rss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

  it('costs the daemon a bounded amount of memory, released when it goes', async () => {
    const client = await env.client();
    await client.request('settings.set', { settings: { concurrency: 1 } });
    // List pages of ~800 KB each.
    for (let i = 0; i < 300; i++) await client.request('jobs.add', { url: `https://example.invalid/${i}/${'x'.repeat(8000)}` });
    await client.request('jobs.cancelAll', {});
    const [daemon] = daemonPids();
    const before = rss(daemon!);

    const flood = connect(resolvePaths(env.env).socket);
    await new Promise<void>((r) => flood.once('connect', () => r()));
    flood.pause(); // never reads
    const ask = Buffer.concat(Array.from({ length: 2000 }, (_, i) => encodeFrame({ id: i, type: 'jobs.list', params: { limit: 500 } })));
    flood.write(ask);
    await sleep(3000);
    const during = rss(daemon!);
    flood.destroy();
    await sleep(1500);
    const after = rss(daemon!);
    // 2,000 pages of 800 KB would be 1.6 GB: the daemon takes up a few at a time and waits
    // (measured here: +37 MB, where it grew by 160 MB, and kept 230 MB after, before).
    expect(during - before).toBeLessThan(64 * 1024 * 1024);
    expect(after - before).toBeLessThan(64 * 1024 * 1024);
    expect((await client.request('jobs.list', { limit: 1 })).total).toBe(300);
  });
});

describe.each(MODES)('with $name', (mode) => {
  useMode(mode);

  describe('recovery', () => {
    it('loses no job and leaves no debris after kill -9 mid-download', async () => {
      const client = await env.client();
      await client.request('settings.set', { settings: { concurrency: 2 } });
      const a = (await client.request('jobs.add', { url: slowFor(mode) })).job;
      const b = (await client.request('jobs.add', { url: server.url(FIXTURES.hls, {}) })).job;
      const c = (await client.request('jobs.add', { url: slowFor(mode) })).job;
      const at = await waitForJob(client, a.id, (j) => (j.progress.percent ?? 0) > 20);
      const pausedJob = c.id;
      await client.request('jobs.pause', { jobId: pausedJob });
      const seenBefore = server.requests.length;
      const [daemon] = daemonPids();
      process.kill(daemon!, 'SIGKILL');
      await sleep(100);
      // yt-dlp outlives the daemon (its own process group); the next daemon must deal with it.
      const survivors = jobProcesses();

      const next = await env.client('after-crash');
      await next.request('subscribe', {});
      const listed = (await next.request('jobs.list', {})).jobs;
      expect(listed.map((j) => j.id).sort()).toEqual([a.id, b.id, c.id].sort());
      expect((await next.request('jobs.get', { jobId: pausedJob })).job.status).toBe('paused');
      for (const p of survivors) expect(existsSync(`/proc/${p.pid}`) && !readFileSync(`/proc/${p.pid}/stat`, 'utf8').includes(') Z ')).toBe(false);

      const da = await waitForJob(next, a.id, finished);
      expect(da.status).toBe('completed');
      expect(sha256(da.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
      // It went on from the bytes it had (aria2c, interrupted first by the next daemon, saved its control file): never the whole clip again.
      expect(servedSince(seenBefore, FIXTURES.progressive)).toBeLessThan(statSync(da.filePath!).size - at.progress.downloadedBytes + 256 * 1024);
      expect((await waitForJob(next, b.id, finished)).status).toBe('completed');
      await next.request('jobs.cancel', { jobId: pausedJob });
      expect(jobProcesses()).toEqual([]);
      expect(env.stagingFiles()).toEqual([]);
      expect(env.downloaded().length).toBe(2);
    });
  });

  describe('pgid bookkeeping', () => {
    const readRow = async (id: number) => {
      // The database is the daemon's alone while it runs (exclusive lock): read it when none runs.
      const db = (await import('better-sqlite3')).default(resolvePaths(env.env).database, { readonly: true });
      try {
        return db.prepare('SELECT pgid, staging_dir FROM jobs WHERE id = ?').get(id) as { pgid: number | null; staging_dir: string | null };
      } finally {
        db.close();
      }
    };

    it('records the process group of a running job (it runs in its staging folder) and clears it once the job ends', async () => {
      const client = await env.client();
      const { job } = await client.request('jobs.add', { url: slowFor(mode) });
      await waitForJob(client, job.id, (j) => (j.progress.percent ?? 0) > 5);
      // Look at the job's process groups before the daemon goes: with its pipes gone, yt-dlp may end
      // on its next progress line (EPIPE) before the row can be read.
      const groups = new Map<number, string>();
      for (const p of jobProcesses()) {
        try {
          const pgrp = Number(
            readFileSync(`/proc/${p.pid}/stat`, 'utf8')
              .replace(/^.*\) /s, '')
              .split(' ')[2],
          );
          if (pgrp === p.pid) groups.set(pgrp, readlinkSync(`/proc/${p.pid}/cwd`));
        } catch {
          // A helper process that just ended.
        }
      }
      process.kill(daemonPids()[0]!, 'SIGKILL');
      await sleep(100);
      const row = await readRow(job.id);
      expect(row.pgid).toBeGreaterThan(1);
      expect(groups.get(row.pgid!)).toBe(row.staging_dir);
      // The next daemon stops that orphan group and clears the record; the job goes on and ends.
      const next = await env.client('after-crash');
      expect(existsSync(`/proc/${row.pgid}`) && !readFileSync(`/proc/${row.pgid}/stat`, 'utf8').includes(') Z ')).toBe(false);
      await next.request('jobs.cancel', { jobId: job.id });
      await env.cli(['stop']);
      expect(await readRow(job.id)).toEqual({ pgid: null, staging_dir: null });
    });
  });
});
