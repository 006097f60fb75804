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
export const MAX_ID_LENGTH = 128;

export type RequestId = string | number;

export type ShapeProblem = { path: string; reason: 'depth' | 'size' };

/**
 * Finds the first place where `value` nests deeper than `maxDepth`, or holds more than
 * `maxNodes` values. Iterative (an explicit stack), so a 4,000-deep array costs no call
 * stack, and it stops at the first problem: its work is bounded by `maxNodes`.
 */
export function findShapeProblem(value: unknown, maxDepth = MAX_MESSAGE_DEPTH, maxNodes = MAX_MESSAGE_NODES): ShapeProblem | null {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: '' }];
  let nodes = 0;
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (++nodes > maxNodes) return { path: top.path, reason: 'size' };
    const x = top.value;
    if (typeof x !== 'object' || x === null) continue;
    if (top.depth >= maxDepth) return { path: top.path, reason: 'depth' };
    if (Array.isArray(x)) {
      for (let i = x.length - 1; i >= 0; i--) stack.push({ value: x[i], depth: top.depth + 1, path: childPath(top.path, `[${i}]`) });
    } else {
      for (const key of Object.keys(x)) stack.push({ value: (x as Record<string, unknown>)[key], depth: top.depth + 1, path: childPath(top.path, key) });
    }
  }
  return null;
}

/** A readable path, kept short: `params.url[0][0]…`. */
function childPath(parent: string, key: string): string {
  if (parent.length > 60) return parent.endsWith('…') ? parent : `${parent}…`;
  const safe = key.startsWith('[') ? key : key.length > 40 ? `${key.slice(0, 40)}…` : key;
  return parent === '' ? safe : safe.startsWith('[') ? `${parent}${safe}` : `${parent}.${safe}`;
}

export function isRequestId(id: unknown): id is RequestId {
  return (typeof id === 'string' && id.length <= MAX_ID_LENGTH) || (typeof id === 'number' && Number.isSafeInteger(id));
}

export type EnvelopeCheck =
  | { ok: true; id: RequestId; type: string; params: unknown }
  | { ok: false; id: RequestId | null; error: ProtocolError };

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
      ? invalid(id, field, `Invalid \`${field}\`: nested more than ${MAX_MESSAGE_DEPTH} levels deep (arrays or objects inside each other); no request needs that`)
      : invalid(id, field, `Invalid message: it holds more than ${MAX_MESSAGE_NODES} values; no request needs that`);
  }
  if (id === null) {
    return invalid(null, 'id', `Invalid \`id\`: expected a string of at most ${MAX_ID_LENGTH} characters or a whole number, got ${quote(msg.id)}`);
  }
  if (typeof msg.type !== 'string') return invalid(id, 'type', `Invalid \`type\`: expected a string, got ${quote(msg.type)}`);
  for (const key of Object.keys(msg)) {
    if (key !== 'id' && key !== 'type' && key !== 'params') return invalid(id, key, `Unexpected field \`${key}\` with value ${quote(msg[key])}: a request has only id, type and params`);
  }
  return { ok: true, id, type: msg.type, params: msg.params };
}

function invalid(id: RequestId | null, field: string, message: string): EnvelopeCheck {
  return { ok: false, id, error: { code: 'INVALID_MESSAGE', message, field } };
}
