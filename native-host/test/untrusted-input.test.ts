import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DaemonClient } from '../src/daemon/client';
import { FrameDecoder, decodeJson } from '../src/framing/decoder';
import { frameBody } from '../src/framing/encode';
import { resolvePaths } from '../src/paths';
import { HostProcess } from './helpers/host-process';
import { env, useServerAndEnv } from './helpers/suite';

useServerAndEnv();

/** JSON text of an array nested `depth` deep around `leaf`: 2 bytes a level, so 4,000 levels is 8 KB. */
const deepJson = (depth: number, leaf = '"x"') => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;

/** The raw frames a test sends: JSON text written by hand, as an attacker would. */
const frame = (json: string) => frameBody(Buffer.from(json));

/** A raw connection to the daemon's socket: frames in, decoded messages out. */
async function rawDaemon() {
  await env.client(); // starts the daemon
  const socket = connect(resolvePaths(env.env).socket);
  await new Promise<void>((r, j) => socket.once('connect', r).once('error', j));
  const got: any[] = [];
  const decoder = new FrameDecoder(64 * 1024 * 1024);
  socket.on('data', (c: Buffer) => {
    for (const d of decoder.push(c)) if (d.kind === 'frame') got.push((decodeJson(d.body) as { value: unknown }).value);
  });
  const next = async (n: number) => {
    const deadline = Date.now() + 10_000;
    while (got.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return got.slice(0, n);
  };
  return { socket, got, next };
}

const deepCases: [string, string, unknown, string][] = [
  ['url', `{"id":1,"type":"jobs.add","params":{"url":${deepJson(4000)}}}`, 1, 'params.url[0]'],
  ['id', `{"id":${deepJson(4000, '1')},"type":"hello","params":{"protocolVersion":1}}`, null, 'id[0]'],
  ['type', `{"id":2,"type":${deepJson(4000)}}`, 2, 'type[0]'],
  ['protocolVersion', `{"id":3,"type":"hello","params":{"protocolVersion":${deepJson(4000, '1')}}}`, 3, 'params.protocolVersion[0]'],
  ['a settings value', `{"id":4,"type":"settings.set","params":{"settings":{"concurrency":${deepJson(4000, '2')}}}}`, 4, 'params.settings.concurrency[0]'],
  ['whole body', deepJson(4000), null, 'message'],
];

describe('nothing a client sends crashes the daemon', () => {
  it.each(deepCases)('answers a message whose %s is nested 4,000 deep with a clear error, and stays up', async (_what, json, id, field) => {
    expect(Buffer.byteLength(json)).toBeLessThan(9000);
    const d = await rawDaemon();
    d.socket.write(frame(json));
    d.socket.write(frame('{"id":"after","type":"jobs.list","params":{}}'));
    const [reply, after] = await d.next(2);
    expect(reply).toMatchObject({ id, ok: false, error: { code: 'INVALID_MESSAGE', field: expect.stringContaining(field) } });
    expect(reply.error.message).toMatch(/nested more than 32 levels deep|expected an object/);
    expect(after).toMatchObject({ id: 'after', ok: true, result: { total: 0 } });
    d.socket.destroy();
  });

  it('says "expected an object" for a message that is an array, and names the value', async () => {
    const d = await rawDaemon();
    d.socket.write(frame('[]'));
    const [reply] = await d.next(1);
    expect(reply).toEqual({
      id: null,
      ok: false,
      error: { code: 'INVALID_MESSAGE', field: 'message', message: 'Invalid message: expected an object {id, type, params}, got `[]` (array)' },
    });
    d.socket.destroy();
  });

  it('names a bad URL field once', async () => {
    const client = await env.client();
    const err = (await client.request('jobs.add', { url: 'file:///etc/passwd' }).catch((e: Error) => e)) as Error;
    expect(err.message).toBe('Invalid `params.url`: `"file:///etc/passwd"` uses the scheme "file": only http and https URLs are accepted');
  });
});

describe('nothing a browser sends crashes the bridge', () => {
  it('answers deeply nested messages with clear errors, relays nothing of them, and goes on', async () => {
    const host = new HostProcess(env.env);
    try {
      for (const [, json] of deepCases) host.sendRaw(frame(json));
      host.send({ id: 'after', type: 'jobs.list', params: {} });
      const after = await host.next((m) => m.id === 'after');
      expect(after).toMatchObject({ ok: true, result: { total: 0 } });
      const errors = host.messages.filter((m) => m.ok === false);
      expect(errors).toHaveLength(deepCases.length);
      expect(errors.every((m) => m.error!.code === 'INVALID_MESSAGE')).toBe(true);
      expect(host.stdoutIsOnlyFrames()).toBe(true);
    } finally {
      host.child.kill('SIGKILL');
    }
  });

  it("answers a client whose ids look like the bridge's own", async () => {
    const host = new HostProcess(env.env);
    try {
      for (const id of ['vidqueue-bridge:hello', 'vidqueue-bridge:subscribe', 0, -1]) {
        expect(await host.request(id, 'hello', { protocolVersion: 1, client: 'x' })).toMatchObject({ id, ok: true, result: { protocolVersion: 1 } });
      }
      expect(await host.request('vidqueue-bridge:x', 'jobs.list', {})).toMatchObject({ ok: true, result: { total: 0 } });
    } finally {
      host.child.kill('SIGKILL');
    }
  });
});

describe('DaemonClient', () => {
  it('rejects a request made after the connection closed, at once', async () => {
    const client = await DaemonClient.connect(resolvePaths(env.env).socket).catch(async () => env.client());
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    await env.cli(['stop']);
    await closed;
    const start = Date.now();
    await expect(client.request('jobs.list', {})).rejects.toMatchObject({
      code: 'DAEMON_UNAVAILABLE',
      message: expect.stringContaining('jobs.list was not sent'),
    });
    expect(Date.now() - start).toBeLessThan(100);
  });
});
