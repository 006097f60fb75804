import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_DEPTH, checkEnvelope, findShapeProblem } from './envelope';
import { parseRequest } from './protocol';

/** An array nested `n` deep: `[[[…]]]`. */
function nested(n: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

describe('findShapeProblem', () => {
  it.each([
    [{ a: 1 }, null],
    [nested(MAX_MESSAGE_DEPTH - 1), null],
    [nested(MAX_MESSAGE_DEPTH + 1), { reason: 'depth', path: expect.stringMatching(/^\[0\]\[0\]/) }],
    [{ params: { url: nested(4000) } }, { reason: 'depth', path: expect.stringMatching(/^params\.url\[0\]\[0\]/) }],
    [Array.from({ length: 200_000 }, () => 0), { reason: 'size' }],
  ])('%#: finds the problem', (value, expected) => {
    expect(findShapeProblem(value)).toEqual(expected === null ? null : expect.objectContaining(expected));
  });

  it('walks a 100,000-deep array without using the call stack', () => {
    expect(findShapeProblem(nested(100_000))).toMatchObject({ reason: 'depth' });
  });
});

describe('checkEnvelope', () => {
  it.each([
    [[], null, 'message', 'expected an object {id, type, params}, got `[]` (array)'],
    ['hello', null, 'message', 'expected an object'],
    [null, null, 'message', 'expected an object'],
    [{ type: 'hello' }, null, 'id', 'Invalid `id`: expected a string of at most 128 characters or a whole number, got `undefined`'],
    [{ id: 'x'.repeat(129), type: 'hello' }, null, 'id', 'Invalid `id`'],
    [{ id: 1.5, type: 'hello' }, null, 'id', 'got `1.5` (number)'],
    [{ id: 1, type: 7 }, 1, 'type', 'Invalid `type`: expected a string, got `7` (number)'],
    [{ id: 1, type: 'hello', extra: true }, 1, 'extra', 'Unexpected field `extra` with value `true`'],
    [{ id: nested(4000), type: 'hello' }, null, expect.stringMatching(/^id\[0\]/), 'nested more than 32 levels deep'],
    [{ id: 3, type: nested(4000) }, 3, expect.stringMatching(/^type\[0\]/), 'nested more than 32 levels deep'],
  ])('%#: refuses, naming the field and value', (input, id, field, message) => {
    const r = checkEnvelope(input);
    expect(r).toMatchObject({ ok: false, id, error: { code: 'INVALID_MESSAGE', field, message: expect.stringContaining(message) } });
  });

  it('accepts a well-formed request', () => {
    expect(checkEnvelope({ id: 'a', type: 'jobs.list', params: { limit: 3 } })).toEqual({ ok: true, id: 'a', type: 'jobs.list', params: { limit: 3 } });
  });
});

describe('parseRequest with deeply nested values', () => {
  it.each([
    ['url', (deep: unknown) => ({ id: 1, type: 'jobs.add', params: { url: deep } }), 'params.url'],
    ['protocolVersion', (deep: unknown) => ({ id: 1, type: 'hello', params: { protocolVersion: deep } }), 'params.protocolVersion'],
    ['a settings value', (deep: unknown) => ({ id: 1, type: 'settings.set', params: { settings: { concurrency: deep } } }), 'params.settings.concurrency'],
  ])('answers a %s nested 4,000 deep with a clear error that keeps the id', (_name, make, field) => {
    const r = parseRequest(make(nested(4000)));
    expect(r).toMatchObject({
      ok: false,
      id: 1,
      error: { code: 'INVALID_MESSAGE', field: expect.stringContaining(field), message: expect.stringContaining('nested more than 32 levels') },
    });
  });

  it('names a moderately nested wrong value without crashing', () => {
    const r = parseRequest({ id: 1, type: 'jobs.add', params: { url: nested(20) } });
    expect(r).toMatchObject({ ok: false, id: 1, error: { code: 'INVALID_URL', message: expect.stringContaining('[[[[[…]]]]]') } });
  });
});

describe('findShapeProblem on wide values', () => {
  it.each([
    ['an array of 120,000', () => Array.from({ length: 120_000 }, () => 0)],
    ['an object of 120,000 keys', () => Object.fromEntries(Array.from({ length: 120_000 }, (_, i) => [`k${i}`, i]))],
  ])('refuses %s by its size, naming where', (_what, make) => {
    expect(findShapeProblem({ params: make() })).toMatchObject({ reason: 'size', path: 'params' });
  });
});
