import { describe, expect, it } from 'vitest';
import { quote } from './quote';

/** An array nested `n` deep: `[[[…]]]`. */
function nested(n: number, leaf: unknown = 'x'): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

describe('quote', () => {
  it.each([
    ['text', '`"text"`'],
    [42, '`42` (number)'],
    [null, '`null` (null)'],
    [undefined, '`undefined`'],
    [true, '`true` (boolean)'],
    [[1, 'a'], '`[1,"a"]` (array)'],
    [{ a: { b: 1 } }, '`{"a":{"b":1}}` (object)'],
    [10n, '`10n` (bigint)'],
  ])('quotes %s as %s', (value, expected) => {
    expect(quote(value)).toBe(expected);
  });

  it('shortens a long string and says how long it was', () => {
    const q = quote('a'.repeat(2 * 1024 * 1024));
    expect(q).toContain('…` (2097152 characters)');
    expect(q.length).toBeLessThan(120);
  });

  it('quotes an array nested 100,000 deep without walking it (JSON.stringify and String() overflow the stack)', () => {
    expect(quote(nested(100_000))).toBe('`[[[[[…]]]]]` (array)');
  });

  it('stops at the length it shows, however wide the value', () => {
    const wide = Array.from({ length: 1_000_000 }, (_, i) => i);
    const q = quote(wide, 30);
    expect(q).toBe('`[0,1,2,3,4,5,6,7,8,9,10,11,12,…` (array)');
  });

  it('never calls a value’s own toString or toJSON', () => {
    const hostile = {
      toString: () => {
        throw new Error('boom');
      },
      toJSON: () => {
        throw new Error('boom');
      },
    };
    expect(() => quote(hostile)).not.toThrow();
  });
});
