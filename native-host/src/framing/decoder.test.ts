import { describe, expect, it } from 'vitest';
import { FrameDecoder, decodeJson } from './decoder';
import { encodeFrame } from './encode';

const frames = (d: FrameDecoder, chunks: Buffer[]) => chunks.flatMap((c) => d.push(c));
const bodies = (out: ReturnType<FrameDecoder['push']>) => out.map((f) => (f.kind === 'frame' ? decodeJson(f.body) : f));

describe('FrameDecoder', () => {
  it('decodes a frame that arrives one byte at a time', () => {
    const frame = encodeFrame({ id: 1, type: 'hello', text: 'héllo wörld ✓ 🎬' });
    const d = new FrameDecoder(1024);
    const out = frames(
      d,
      [...frame].map((b) => Buffer.from([b])),
    );
    expect(bodies(out)).toEqual([{ ok: true, value: { id: 1, type: 'hello', text: 'héllo wörld ✓ 🎬' } }]);
    expect(d.pendingBytes).toBe(0);
  });

  it('decodes several frames in one chunk', () => {
    const chunk = Buffer.concat([encodeFrame({ a: 1 }), encodeFrame({ b: 2 }), encodeFrame({ c: 3 })]);
    expect(bodies(new FrameDecoder(1024).push(chunk))).toEqual([
      { ok: true, value: { a: 1 } },
      { ok: true, value: { b: 2 } },
      { ok: true, value: { c: 3 } },
    ]);
  });

  it('joins a header split across chunks', () => {
    const frame = encodeFrame({ split: true });
    const d = new FrameDecoder(1024);
    expect(d.push(frame.subarray(0, 2))).toEqual([]);
    expect(d.push(frame.subarray(2, 3))).toEqual([]);
    expect(bodies(d.push(frame.subarray(3)))).toEqual([{ ok: true, value: { split: true } }]);
  });

  it('keeps a multi-byte UTF-8 character whole when it is split between chunks', () => {
    const frame = encodeFrame({ t: '日本語🎥' });
    const cut = frame.indexOf(Buffer.from('🎥')) + 2; // inside the 4-byte emoji
    const d = new FrameDecoder(1024);
    expect(d.push(frame.subarray(0, cut))).toEqual([]);
    expect(bodies(d.push(frame.subarray(cut)))).toEqual([{ ok: true, value: { t: '日本語🎥' } }]);
  });

  it('consumes a zero-length frame and reports it as an error, then goes on', () => {
    const chunk = Buffer.concat([Buffer.alloc(4), encodeFrame({ after: 1 })]);
    const out = bodies(new FrameDecoder(1024).push(chunk));
    expect(out[0]).toMatchObject({ ok: false, message: expect.stringContaining('length 0') });
    expect(out[1]).toEqual({ ok: true, value: { after: 1 } });
  });

  it('reports invalid JSON and invalid UTF-8 without stopping the stream', () => {
    const bad = Buffer.from('{"id": 1, oops');
    const header = Buffer.alloc(4);
    header.writeUInt32LE(bad.length);
    const badUtf8 = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const header2 = Buffer.alloc(4);
    header2.writeUInt32LE(badUtf8.length);
    const out = bodies(new FrameDecoder(1024).push(Buffer.concat([header, bad, header2, badUtf8, encodeFrame({ ok: 1 })])));
    expect(out[0]).toMatchObject({ ok: false, message: expect.stringContaining('not valid JSON') });
    expect(out[1]).toMatchObject({ ok: false, message: expect.stringContaining('not valid UTF-8') });
    expect(out[2]).toEqual({ ok: true, value: { ok: 1 } });
  });

  it('refuses an oversized frame from its header, skips its body unbuffered, and goes on', () => {
    const d = new FrameDecoder(100);
    const header = Buffer.alloc(4);
    header.writeUInt32LE(5000);
    expect(d.push(header)).toEqual([{ kind: 'oversized', length: 5000, limit: 100 }]);
    // The body trickles in: nothing of it is kept.
    for (let i = 0; i < 50; i++) expect(d.push(Buffer.alloc(100, 0x41))).toEqual([]);
    expect(d.pendingBytes).toBe(0);
    expect(bodies(d.push(encodeFrame({ next: true })))).toEqual([{ ok: true, value: { next: true } }]);
  });

  it('refuses a 4 GiB announcement without allocating it', () => {
    const d = new FrameDecoder(1024 * 1024);
    const header = Buffer.from([0xff, 0xff, 0xff, 0xff]);
    expect(d.push(header)).toEqual([{ kind: 'oversized', length: 0xffffffff, limit: 1024 * 1024 }]);
  });

  it('decodes a 1 MiB frame fed in 1-byte chunks in linear time', () => {
    const frame = encodeFrame({ big: 'x'.repeat(256 * 1024) });
    const d = new FrameDecoder(1024 * 1024);
    let out: ReturnType<FrameDecoder['push']> = [];
    for (let i = 0; i < frame.length; i++) out = out.concat(d.push(frame.subarray(i, i + 1)));
    expect(out).toHaveLength(1);
  });
});
