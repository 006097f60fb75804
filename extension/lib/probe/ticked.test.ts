import { describe, expect, it } from 'vitest';
import type { ProbeEntry } from '../../../shared/probe';
import { type Ticked, isTicked, tickedCount, toSelection, toggle } from './ticked';

const entry = (index: number, id: string | null = `e${index}`): ProbeEntry => ({ index, id, title: null, duration: null, url: null });
const entries = [entry(1), entry(2), entry(3), entry(4, null)];

describe('a playlist checklist', () => {
  it.each([
    [{ kind: 'all' }, 1000, 1000, { kind: 'all' }],
    [{ kind: 'first', count: 25 }, 1000, 25, { kind: 'first', count: 25 }],
    [{ kind: 'first', count: 25 }, 10, 10, { kind: 'first', count: 25 }],
    [{ kind: 'ids', ids: new Set(['e2']) }, 1000, 1, { kind: 'ids', ids: ['e2'] }],
    [{ kind: 'ids', ids: new Set() }, 1000, 0, null],
  ] as [Ticked, number, number, unknown][])('%o of %d entries takes %d and asks for %o', (ticked, count, taken, selection) => {
    expect(tickedCount(ticked, count)).toBe(taken);
    expect(toSelection(ticked)).toEqual(selection);
  });

  it('ticks by rule: all, the first N, or the ids picked', () => {
    expect(entries.map((e) => isTicked({ kind: 'all' }, e))).toEqual([true, true, true, true]);
    expect(entries.map((e) => isTicked({ kind: 'first', count: 2 }, e))).toEqual([true, true, false, false]);
    expect(entries.map((e) => isTicked({ kind: 'ids', ids: new Set(['e3']) }, e))).toEqual([false, false, true, false]);
  });

  it('unticking one of the first N keeps the others ticked, by their ids', () => {
    const next = toggle({ kind: 'first', count: 3 }, entries, entries[1]!);
    expect(next).toEqual({ kind: 'ids', ids: new Set(['e1', 'e3']) });
    expect(toggle(next, entries, entries[1]!)).toEqual({ kind: 'ids', ids: new Set(['e1', 'e3', 'e2']) });
  });

  it('cannot tick an entry without an id one by one', () => {
    const none: Ticked = { kind: 'ids', ids: new Set() };
    expect(toggle(none, entries, entries[3]!)).toBe(none);
  });
});
