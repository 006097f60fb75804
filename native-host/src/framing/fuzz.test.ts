import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../shared/errors';
import { parseRequest } from '../../../shared/protocol';
import { FrameDecoder, decodeJson } from './decoder';
import { encodeFrame } from './encode';
import { messageOf } from './message';

/** Cuts `bytes` into chunks at the given cut points (as a socket might deliver them). */
function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    out.push(bytes.subarray(last, p));
    last = p;
  }
  out.push(bytes.subarray(last));
  return out;
}

describe('framing, fuzzed', () => {
  it('gives back every message sent, however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 20 }), (values, cuts) => {
        const stream = Buffer.concat(values.map((v) => encodeFrame(v)));
        const d = new FrameDecoder(1024 * 1024);
        const got = chunked(stream, cuts).flatMap((c) => d.push(c));
        expect(got.map((f) => (f.kind === 'frame' ? decodeJson(f.body) : f))).toEqual(values.map((v) => ({ ok: true, value: JSON.parse(JSON.stringify(v)) })));
        expect(d.pendingBytes).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random bytes, answers every bad frame, and never buffers past its limit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.array(fc.nat(), { maxLength: 10 }), (bytes, cuts) => {
        const limit = 512;
        const d = new FrameDecoder(limit);
        for (const chunk of chunked(Buffer.from(bytes), cuts)) {
          for (const f of d.push(chunk)) {
            const m = messageOf(f);
            if (!m.ok) expect(['FRAME_TOO_LARGE', 'INVALID_JSON']).toContain(m.reply.error.code);
          }
          expect(d.pendingBytes).toBeLessThanOrEqual(limit + 4 + chunk.length);
        }
      }),
      { numRuns: 500 },
    );
  });
});

const arbitraryRequest = fc.oneof(
  fc.anything({ maxDepth: 6 }),
  fc.jsonValue({ maxDepth: 6 }),
  fc.record(
    {
      id: fc.oneof(fc.integer(), fc.string({ maxLength: 140 }), fc.anything({ maxDepth: 2 })),
      type: fc.oneof(fc.constantFrom('hello', 'jobs.add', 'jobs.list', 'jobs.cancel', 'settings.set', 'jobs.open', 'nope'), fc.anything({ maxDepth: 2 })),
      params: fc.oneof(
        fc.anything({ maxDepth: 4 }),
        fc.record({ url: fc.oneof(fc.webUrl(), fc.string(), fc.anything({ maxDepth: 3 })), preset: fc.anything({ maxDepth: 1 }) }, { requiredKeys: [] }),
        fc.record({ settings: fc.dictionary(fc.constantFrom('concurrency', 'downloadDir', 'x'), fc.anything({ maxDepth: 3 })) }),
      ),
    },
    { requiredKeys: [] },
  ),
);

describe('validation, fuzzed', () => {
  it('answers any value with a request or one structured error, keeping a usable id', () => {
    fc.assert(
      fc.property(arbitraryRequest, (input) => {
        const r = parseRequest(input);
        if (r.ok) return;
        expect(ERROR_CODES).toContain(r.error.code);
        expect(r.error.message.length).toBeGreaterThan(0);
        expect(r.error.message.length).toBeLessThan(2000);
        const id = (input as { id?: unknown } | null)?.id;
        if (r.id !== null) expect(r.id).toBe(id);
      }),
      { numRuns: 3000 },
    );
  });
});
