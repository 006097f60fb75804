import { HEADER_BYTES, readLength } from './encode';

export type Decoded =
  /** A whole frame body, not yet decoded. */
  | { kind: 'frame'; body: Buffer }
  /** A frame whose announced length is over the limit: its body is skipped, never buffered. */
  | { kind: 'oversized'; length: number; limit: number };

/**
 * Splits a byte stream into frames. Chunks are kept as a list and joined only once a
 * whole header or body is there, so a frame that trickles in byte by byte costs O(n).
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length of the body being waited for, or -1 while waiting for a header. */
  private expected = -1;
  /** Bytes of an oversized body still to throw away. */
  private skipping = 0;

  constructor(private readonly maxBodyBytes: number) {}

  push(chunk: Buffer): Decoded[] {
    const out: Decoded[] = [];
    let data = chunk;
    if (this.skipping > 0) {
      const dropped = Math.min(this.skipping, data.length);
      this.skipping -= dropped;
      data = data.subarray(dropped);
    }
    if (data.length === 0) return out;
    this.chunks.push(data);
    this.buffered += data.length;

    for (;;) {
      if (this.expected === -1) {
        if (this.buffered < HEADER_BYTES) break;
        const length = readLength(this.take(HEADER_BYTES));
        if (length > this.maxBodyBytes) {
          out.push({ kind: 'oversized', length, limit: this.maxBodyBytes });
          this.skip(length);
          continue;
        }
        this.expected = length;
      }
      if (this.buffered < this.expected) break;
      out.push({ kind: 'frame', body: this.take(this.expected) });
      this.expected = -1;
    }
    return out;
  }

  /** Bytes held for an unfinished frame (a header or body not yet complete). */
  get pendingBytes(): number {
    return this.buffered;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    const head = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return head;
  }

  private skip(n: number): void {
    const dropped = Math.min(n, this.buffered);
    this.take(dropped);
    this.skipping = n - dropped;
  }
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a whole body: strict UTF-8, then JSON. Never throws. */
export function decodeJson(body: Buffer): JsonResult {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, message: `Frame of ${body.length} bytes is not valid UTF-8` };
  }
  if (text.length === 0) return { ok: false, message: 'Empty frame (length 0): expected a JSON message' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const preview = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    return { ok: false, message: `Frame is not valid JSON (${(err as Error).message}): \`${preview}\`` };
  }
}
