import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestEnv, createEnv, finished, waitForJob } from '../../devkit/env';
import { FIXTURES, FIXTURE_DIR } from '../../devkit/fixtures';
import { HostProcess } from './helpers/host-process';
import { type MediaServer, startMediaServer } from '../../devkit/media-server';
import { resolvePaths } from '../src/paths';

let server: MediaServer;
let env: TestEnv;
const hosts: HostProcess[] = [];

beforeAll(async () => {
  server = await startMediaServer(FIXTURE_DIR);
});
afterAll(() => server.close());
beforeEach(async () => {
  env = await createEnv();
});
afterEach(async () => {
  for (const h of hosts.splice(0)) h.child.kill('SIGKILL');
  await env.close();
});

const startHost = (opts?: { detached?: boolean }) => {
  const h = new HostProcess(env.env, opts);
  hosts.push(h);
  return h;
};
const daemonPids = () => env.daemonPids();
const hello = { protocolVersion: 1, client: 'test-browser' };

describe('vidqueue host (the browser bridge)', () => {
  it('starts the daemon when none runs and answers the first request', async () => {
    expect(daemonPids()).toEqual([]);
    const host = startHost();
    const reply = await host.request(1, 'hello', hello);
    expect(reply).toMatchObject({ id: 1, ok: true, result: { protocolVersion: 1 } });
    expect(daemonPids()).toEqual([reply.result.pid]);
  });

  it('writes nothing but frames to stdout, through a whole download with events', async () => {
    const host = startHost();
    await host.request(1, 'hello', hello);
    await host.request(2, 'subscribe');
    const added = await host.request(3, 'jobs.add', { url: server.url(FIXTURES.progressive, { rate: 3_000_000 }), title: 'A "quoted" title ✓' });
    const id = added.result.job.id;
    await host.next((m) => m.event === 'job.updated' && m.data.job.id === id && m.data.job.status === 'completed');
    host.sendRaw(Buffer.from([3, 0, 0, 0, 0x7b, 0x7b, 0x7b])); // a malformed frame
    await host.next((m) => m.error?.code === 'INVALID_JSON');
    expect(host.stdoutIsOnlyFrames()).toBe(true);
    expect(host.messages.filter((m) => m.event === 'job.updated').length).toBeGreaterThan(2);
  });

  it('exits within 1 s of stdin closing, and the download goes on in the daemon', async () => {
    const host = startHost();
    await host.request(1, 'hello', hello);
    const added = await host.request(2, 'jobs.add', { url: server.url(FIXTURES.progressive, { rate: 1_500_000 }) });
    await sleep(300);
    const closedAt = Date.now();
    host.child.stdin!.end();
    const exit = await host.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - closedAt).toBeLessThan(1000);
    const client = await env.client();
    const done = await waitForJob(client, added.result.job.id, finished);
    expect(done.status).toBe('completed');
  });

  it('survives the browser killing the bridge process group: the daemon and its downloads do not notice', async () => {
    const host = startHost({ detached: true });
    await host.request(1, 'hello', hello);
    const added = await host.request(2, 'jobs.add', { url: server.url(FIXTURES.progressive, { rate: 1_500_000 }) });
    await sleep(300);
    process.kill(-host.child.pid!, 'SIGKILL');
    await host.exited;
    const client = await env.client();
    const done = await waitForJob(client, added.result.job.id, finished);
    expect(done.status).toBe('completed');
  });

  it('answers malformed input with structured errors and carries on', async () => {
    const host = startHost();
    await host.request(1, 'hello', hello);
    // Zero-length frame, invalid JSON, a 2 MiB frame (refused by its header), an unknown type.
    host.sendRaw(Buffer.alloc(4));
    const bigBody = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const header = Buffer.alloc(4);
    header.writeUInt32LE(bigBody.length);
    host.sendRaw(Buffer.concat([header, bigBody]));
    host.send({ id: 'u', type: 'jobs.frobnicate', params: {} });
    const tooLarge = await host.next((m) => m.error?.code === 'FRAME_TOO_LARGE');
    expect(tooLarge.error!.message).toContain('2097152 bytes');
    expect(await host.next((m) => m.error?.code === 'INVALID_JSON')).toMatchObject({ id: null });
    expect(await host.next((m) => m.id === 'u')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TYPE' } });
    expect(await host.request(2, 'jobs.list')).toMatchObject({ ok: true, result: { total: 0 } });
    expect(host.stdoutIsOnlyFrames()).toBe(true);
  });

  it('reconnects to a new daemon after a crash, restores its subscription and tells the browser', async () => {
    const host = startHost();
    const first = await host.request(1, 'hello', hello);
    await host.request(2, 'subscribe');
    process.kill(first.result.pid, 'SIGKILL');
    await host.next((m) => m.event === 'daemon.reconnected');
    const again = await host.request(3, 'hello', hello);
    expect(again, JSON.stringify(host.messages)).toMatchObject({ ok: true });
    expect(again.result.pid).not.toBe(first.result.pid);
    const added = await host.request(4, 'jobs.add', { url: server.url(FIXTURES.progressive) });
    await host.next((m) => m.event === 'job.updated' && m.data.job.id === added.result.job.id && m.data.job.status === 'completed');
  });

  it('lets two browsers share one queue', async () => {
    const chrome = startHost();
    const firefox = startHost();
    await chrome.request(1, 'hello', hello);
    await firefox.request(1, 'hello', hello);
    await firefox.request(2, 'subscribe');
    const added = await chrome.request(2, 'jobs.add', { url: server.url(FIXTURES.hls) });
    await firefox.next((m) => m.event === 'job.updated' && m.data.job.id === added.result.job.id && m.data.job.status === 'completed');
    expect(daemonPids()).toHaveLength(1);
  });

  it('never carries out a request it answered as failed: a request waiting for an unreachable daemon is answered once, and dropped', async () => {
    // The daemon cannot start while its run folder is squatted by a file.
    const { runDir } = resolvePaths(env.env);
    mkdirSync(join(runDir, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(runDir, 'in the way');
    const host = startHost();
    const failed = await host.request(1, 'jobs.add', { url: server.url(FIXTURES.progressive) });
    expect(failed).toMatchObject({ id: 1, ok: false, error: { code: 'DAEMON_UNAVAILABLE', message: expect.stringContaining(runDir) } });
    // The way is cleared: the next request reaches a daemon, and the failed one is not run.
    rmSync(runDir);
    expect(await host.request(2, 'hello', hello)).toMatchObject({ ok: true });
    await sleep(500);
    expect(await host.request(3, 'jobs.list', {})).toMatchObject({ ok: true, result: { total: 0 } });
    expect(host.messages.filter((m) => m.id === 1)).toHaveLength(1);
  });

  it('runs doctor once for 40 requests that arrive together, and answers each', async () => {
    const runs = join(env.home, 'yt-dlp-runs.log');
    const wrapper = join(env.home, 'yt-dlp');
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${runs}'\nexec /usr/bin/yt-dlp "$@"\n`, { mode: 0o755 });
    const host = new HostProcess({ ...env.env, VIDQUEUE_YTDLP: wrapper });
    hosts.push(host);
    const started = Date.now();
    for (let i = 0; i < 40; i++) host.send({ id: `d${i}`, type: 'doctor', params: {} });
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => host.next((m) => m.id === `d${i}`, 60_000)));
    expect(replies.every((r) => r.ok === true && Array.isArray(r.result.checks))).toBe(true);
    // Doctor's runs of yt-dlp (`--version`). The daemon's own look at what its yt-dlp knows, when it
    // starts, is one `--help` with one `--version`: not doctor's.
    const args = readFileSync(runs, 'utf8').trim().split('\n');
    const count = (a: string) => args.filter((x) => x === a).length;
    expect(count('--version') - count('--help')).toBe(1);
    expect(args.every((a) => a === '--version' || a === '--help')).toBe(true);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
