import type { ErrorReply } from '../../../shared/protocol';
import { type Decoded, decodeJson } from './decoder';

export type FrameMessage = { ok: true; value: unknown; body: Buffer } | { ok: false; reply: ErrorReply };

/**
 * What one decoded frame holds: a JSON value, or the error reply it earns (too large,
 * not UTF-8, not JSON). The daemon and the bridge answer these the same way.
 */
export function messageOf(d: Decoded): FrameMessage {
  if (d.kind === 'oversized') {
    return {
      ok: false,
      reply: { id: null, ok: false, error: { code: 'FRAME_TOO_LARGE', message: `Message of ${d.length} bytes refused: the limit is ${d.limit} bytes` } },
    };
  }
  const json = decodeJson(d.body);
  if (!json.ok) return { ok: false, reply: { id: null, ok: false, error: { code: 'INVALID_JSON', message: json.message } } };
  return { ok: true, value: json.value, body: d.body };
}
