/**
 * The first look at a message, before any schema: is it an object `{id, type, params?}`
 * with a usable id, and is it small and shallow enough to be walked safely? Plain code
 * with no validation library, so the browser bridge can use it too. Every later step
 * (validation, quoting, logging) can then assume a bounded message.
 */
import type { ProtocolError } from './errors';
import { quote } from './quote';

/** Far deeper than any real message (the deepest is `params.settings.x`, 3 levels). */
export const MAX_MESSAGE_DEPTH = 32;
/** Values (objects, arrays, leaves) in one message; a 1 MiB frame of `[[],[],…]` has ~350,000. */
export const MAX_MESSAGE_NODES = 100_000;
const MAX_ID_LENGTH = 128;

export type RequestId = string | number;

export type ShapeProblem = { path: string; reason: 'depth' | 'size' };

/**
 * Finds the first place where `value` nests deeper than `maxDepth`, or holds more than
 * `maxNodes` values. Iterative (an explicit stack), so a 4,000-deep array costs no call
 * stack; it counts children before it takes them, so a 300,000-wide array is refused
 * without being walked; and a path is spelt out only for the problem it reports.
 */
export function findShapeProblem(value: unknown, maxDepth = MAX_MESSAGE_DEPTH, maxNodes = MAX_MESSAGE_NODES): ShapeProblem | null {
  type Entry = { value: unknown; depth: number; key: string; parent: Entry | null };
  const stack: Entry[] = [{ value, depth: 0, key: '', parent: null }];
  let seen = 1;
  while (stack.length > 0) {
    const top = stack.pop()!;
    const x = top.value;
    if (typeof x !== 'object' || x === null) continue;
    if (top.depth >= maxDepth) return { path: pathOf(top), reason: 'depth' };
    if (Array.isArray(x)) {
      if (seen + x.length > maxNodes) return { path: pathOf(top), reason: 'size' };
      seen += x.length;
      for (let i = x.length - 1; i >= 0; i--) stack.push({ value: x[i], depth: top.depth + 1, key: `[${i}]`, parent: top });
    } else {
      for (const key in x) {
        if (!Object.hasOwn(x, key)) continue;
        if (++seen > maxNodes) return { path: pathOf(top), reason: 'size' };
        stack.push({ value: (x as Record<string, unknown>)[key], depth: top.depth + 1, key, parent: top });
      }
    }
  }
  return null;

  /** A readable path, kept short: `params.url[0][0]…`. */
  function pathOf(e: Entry): string {
    const keys: string[] = [];
    for (let at: Entry | null = e; at?.parent; at = at.parent) keys.push(at.key);
    keys.reverse();
    let out = '';
    for (const key of keys) {
      if (out.length > 60) return `${out}…`;
      const safe = key.startsWith('[') ? key : key.length > 40 ? `${key.slice(0, 40)}…` : key;
      out = out === '' || safe.startsWith('[') ? `${out}${safe}` : `${out}.${safe}`;
    }
    return out;
  }
}

function isRequestId(id: unknown): id is RequestId {
  return (typeof id === 'string' && id.length <= MAX_ID_LENGTH) || (typeof id === 'number' && Number.isSafeInteger(id));
}

export type EnvelopeCheck = { ok: true; id: RequestId; type: string; params: unknown } | { ok: false; id: RequestId | null; error: ProtocolError };

/**
 * Checks the outside of a request. The error names what is wrong and the value given; the
 * id is recovered whenever there is a usable one, so the reply reaches its request.
 */
export function checkEnvelope(input: unknown): EnvelopeCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return invalid(null, 'message', `Invalid message: expected an object {id, type, params}, got ${quote(input)}`);
  }
  const msg = input as Record<string, unknown>;
  const id = isRequestId(msg.id) ? msg.id : null;
  const shape = findShapeProblem(input);
  if (shape) {
    const field = shape.path || 'message';
    return shape.reason === 'depth'
      ? invalid(
          id,
          field,
          `Invalid \`${field}\`: nested more than ${MAX_MESSAGE_DEPTH} levels deep (arrays or objects inside each other); no request needs that`,
        )
      : invalid(id, field, `Invalid message: it holds more than ${MAX_MESSAGE_NODES} values; no request needs that`);
  }
  if (id === null) {
    return invalid(null, 'id', `Invalid \`id\`: expected a string of at most ${MAX_ID_LENGTH} characters or a whole number, got ${quote(msg.id)}`);
  }
  if (typeof msg.type !== 'string') return invalid(id, 'type', `Invalid \`type\`: expected a string, got ${quote(msg.type)}`);
  for (const key of Object.keys(msg)) {
    if (key !== 'id' && key !== 'type' && key !== 'params')
      return invalid(id, key, `Unexpected field \`${key}\` with value ${quote(msg[key])}: a request has only id, type and params`);
  }
  return { ok: true, id, type: msg.type, params: msg.params };
}

function invalid(id: RequestId | null, field: string, message: string): EnvelopeCheck {
  return { ok: false, id, error: { code: 'INVALID_MESSAGE', message, field } };
}
