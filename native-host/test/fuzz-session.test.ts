import { connect } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, decodeJson } from '../src/framing/decoder';
import { encodeFrame, frameBody } from '../src/framing/encode';
import { resolvePaths } from '../src/paths';
import { env, useServerAndEnv } from './helpers/suite';

useServerAndEnv();

/**
 * Requests a client could send: well-formed or not, of every type but those with effects
 * outside the daemon (`daemon.stop`, a download folder anywhere, opening files). URLs that
 * pass validation point at a closed loopback port: nothing leaves the machine.
 */
const loopbackUrl = fc.webPath().map((p) => `http://127.0.0.1:9${p.startsWith('/') ? p : `/${p}`}`);
const params = fc.oneof(
  fc.anything({ maxDepth: 4 }),
  fc.record(
    {
      url: fc.oneof(loopbackUrl, fc.string(), fc.anything({ maxDepth: 3 })),
      title: fc.oneof(fc.string(), fc.anything({ maxDepth: 2 })),
      preset: fc.constantFrom('best', 'audio', '4k', 7),
    },
    { requiredKeys: [] },
  ),
  fc.record({ jobId: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.anything({ maxDepth: 2 })) }, { requiredKeys: [] }),
  fc.record({ settings: fc.dictionary(fc.constantFrom('concurrency', 'historyRetentionDays', 'defaultPreset', 'colour'), fc.anything({ maxDepth: 3 })) }),
  fc.record({ cursor: fc.anything({ maxDepth: 1 }), limit: fc.integer({ min: -5, max: 600 }) }, { requiredKeys: [] }),
  fc.record(
    {
      groupId: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.anything({ maxDepth: 2 })),
      url: loopbackUrl,
      entries: fc.oneof(
        fc.constant({ kind: 'all' }),
        fc.record({ kind: fc.constant('first'), count: fc.integer({ min: -1, max: 3 }) }),
        fc.anything({ maxDepth: 2 }),
      ),
      choice: fc.oneof(fc.constant({ format: { kind: 'height', maxHeight: 360 } }), fc.anything({ maxDepth: 3 })),
    },
    { requiredKeys: [] },
  ),
);
const TYPES = [
  'hello',
  'subscribe',
  'jobs.add',
  'jobs.list',
  'jobs.get',
  'jobs.cancel',
  'jobs.pause',
  'jobs.resume',
  'jobs.retry',
  'jobs.moveToTop',
  'jobs.remove',
  'jobs.clear',
  'jobs.cancelAll',
  'settings.get',
  'settings.set',
  'notices.take',
  'probe',
  'probe.cancel',
  'jobs.addPlaylist',
  'groups.list',
  'groups.get',
  'groups.cancel',
  'groups.pause',
  'groups.resume',
  'groups.retryFailed',
  'nope',
];
/** Requests that are mostly right, so that state changes happen between the wrong ones. */
const plausible = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('jobs.add'),
      params: fc.record({ url: loopbackUrl, preset: fc.constantFrom('best', 'audio', '720p') }, { requiredKeys: ['url'] }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constantFrom('jobs.get', 'jobs.cancel', 'jobs.pause', 'jobs.resume', 'jobs.retry', 'jobs.moveToTop', 'jobs.remove'),
      params: fc.record({ jobId: fc.integer({ min: 1, max: 12 }) }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ type: fc.constant('settings.set'), params: fc.record({ settings: fc.record({ concurrency: fc.integer({ min: 0, max: 17 }) }) }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constantFrom('jobs.list', 'jobs.clear', 'settings.get', 'subscribe', 'probe.cancel', 'groups.list'),
      params: fc.constant({}),
    }),
  },
  // Probes of a closed port (each a yt-dlp run, so rarer): they fail, replace each other (one connection) or are cancelled, each answered once.
  { weight: 1, arbitrary: fc.record({ type: fc.constant('probe'), params: fc.record({ url: loopbackUrl }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constantFrom('groups.get', 'groups.cancel', 'groups.pause', 'groups.resume', 'groups.retryFailed'),
      params: fc.record({ groupId: fc.integer({ min: 1, max: 3 }) }),
    }),
  },
);
const message = fc.oneof(
  { weight: 4, arbitrary: plausible },
  { weight: 4, arbitrary: fc.record({ type: fc.constantFrom(...TYPES), params }, { requiredKeys: ['type'] }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 5 }).map((v) => ({ kind: 'value', v })) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => ({ kind: 'bytes', b })) },
);

type Sent = { frame: Buffer; id: unknown };

function toFrame(m: unknown): Sent {
  const x = m as { kind?: string; v?: unknown; b?: Uint8Array };
  if (x.kind === 'bytes') return { frame: frameBody(Buffer.from(x.b!)), id: null };
  const value = x.kind === 'value' ? x.v : m;
  const json = JSON.stringify(value);
  // undefined, functions…: not JSON at all; sent as the bytes a broken client would send.
  const frame = json === undefined ? frameBody(Buffer.from('undefined')) : encodeFrame(value);
  const id = (value as { id?: unknown } | null)?.id;
  return { frame, id: (typeof id === 'string' && id.length <= 128) || (typeof id === 'number' && Number.isSafeInteger(id)) ? id : null };
}

describe('a random session against the real daemon', () => {
  it('answers every frame exactly once, never dies, and changes nothing for what it refuses', async () => {
    const client = await env.client();
    const [{ pid }] = [await client.request('hello', { protocolVersion: 1 })];
    const socket = connect(resolvePaths(env.env).socket);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const replies: { id: unknown; ok: boolean; result?: any; error?: { code: string } }[] = [];
    const decoder = new FrameDecoder(64 * 1024 * 1024);
    socket.on('data', (c: Buffer) => {
      for (const d of decoder.push(c)) {
        if (d.kind !== 'frame') continue;
        const json = decodeJson(d.body);
        replies.push(json.ok ? (json.value as (typeof replies)[number]) : { id: 'undecodable', ok: false });
      }
    });
    // Structured requests get unique ids, so each reply can be tied to what it answers.
    const messages = fc
      .sample(message, { numRuns: 400, seed: 20261122 })
      .map((m, i) => ((m as { kind?: string }).kind ? m : { id: `m${i}`, ...(m as object) }));
    const sent = messages.map(toFrame);
    const typeOf = new Map(messages.map((m) => [(m as { id?: unknown }).id, (m as { type?: string }).type]));
    for (const s of sent) socket.write(s.frame);
    const deadline = Date.now() + 30_000;
    // Events come unasked after a subscribe: only replies are counted.
    const onlyReplies = () => replies.filter((r) => 'ok' in r);
    while (onlyReplies().length < sent.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const got = onlyReplies();
    expect(got).toHaveLength(sent.length);
    // Each request with a usable id is answered once, under that id.
    const ids = sent.filter((s) => s.id !== null).map((s) => JSON.stringify(s.id));
    const answered = got.filter((r) => r.id !== null).map((r) => JSON.stringify(r.id));
    expect(answered.sort()).toEqual(ids.sort());
    socket.destroy();

    // Still the same daemon; its state is what the accepted requests made it.
    expect((await client.request('hello', { protocolVersion: 1 })).pid).toBe(pid);
    const accepted = (type: string) => got.filter((r) => r.ok && typeOf.get(r.id) === type);
    const added = accepted('jobs.add').length;
    const removed = accepted('jobs.remove').length + accepted('jobs.clear').reduce((n, r) => n + r.result.jobIds.length, 0);
    expect((await client.request('jobs.list', {})).total).toBe(added - removed);
    const lastSettings = got.filter((r) => r.ok && r.result?.settings).at(-1)?.result.settings;
    const { settings } = await client.request('settings.get', {});
    if (lastSettings) expect(settings).toEqual(lastSettings);
    await client.request('jobs.cancelAll', {});
  });
});
