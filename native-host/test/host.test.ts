import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestEnv, createEnv, finished, waitForJob } from './helpers/env';
import { FIXTURES, FIXTURE_DIR } from './helpers/fixtures';
import { HostProcess } from './helpers/host-process';
import { type MediaServer, startMediaServer } from './helpers/media-server';

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
const daemonPids = () => env.processes().filter((p) => /vidqueue\.js daemon/.test(p.cmdline)).map((p) => p.pid);
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
});
