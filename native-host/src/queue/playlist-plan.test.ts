import { describe, expect, it } from 'vitest';
import type { FullEntry } from '../probe/reduce';
import { entryJob, pickEntries, planEntries } from './playlist-plan';

const entry = (i: number, over: Partial<FullEntry> = {}): FullEntry => ({
  index: i,
  id: `v${i}`,
  title: `Video ${i}`,
  duration: 10,
  url: null,
  extractor: 'Site',
  key: `v${i}`,
  ...over,
});
const five = [1, 2, 3, 4, 5].map((i) => entry(i));

describe('pickEntries', () => {
  it.each([
    ['all', { kind: 'all' }, [1, 2, 3, 4, 5]],
    ['the first 2', { kind: 'first', count: 2 }, [1, 2]],
    ['the first 9 of 5', { kind: 'first', count: 9 }, [1, 2, 3, 4, 5]],
    ['those ticked, in the playlist order, each once', { kind: 'ids', ids: ['v4', 'v2', 'v4'] }, [2, 4]],
  ] as const)('%s', (_what, sel, indexes) => {
    expect(pickEntries(five, sel as never).map((e) => e.index)).toEqual(indexes);
  });

  it('refuses ids the playlist does not hold, naming them and saying what to do', () => {
    expect(() => pickEntries(five, { kind: 'ids', ids: ['v1', 'gone', 'also-gone'] })).toThrow(
      /2 of the entries asked for are not in this playlist \(`"gone"`, `"also-gone"`\): probe it again/,
    );
  });
});

describe('planEntries', () => {
  const before = new Set(['Site/v2', 'Site/v4', 'Other/v5']);
  const was = (x: string, id: string) => before.has(`${x}/${id}`);

  it.each([
    ['skips what was downloaded before (same site and id)', five, false, [1, 3, 5], 2],
    ['downloads them again when asked', five, true, [1, 2, 3, 4, 5], 0],
    ['adds an entry it cannot recognise (no key or no site)', [entry(2, { id: null, key: null }), entry(4, { extractor: null })], false, [2, 4], 0],
  ])('%s', (_what, picked, again, indexes, skipped) => {
    const plan = planEntries(picked, was, again);
    expect([plan.add.map((e) => e.index), plan.skipped]).toEqual([indexes, skipped]);
  });
});

describe('entryJob', () => {
  const source = { url: 'https://x.test/list', pageUrl: 'https://x.test/page', referer: null };

  it('downloads an entry the page holds as item N of the playlist', () => {
    expect(entryJob(entry(3), source, { preset: '720p', choice: null }, 9)).toEqual({
      url: 'https://x.test/list',
      playlistIndex: 3,
      pageUrl: 'https://x.test/page',
      referer: null,
      title: 'Video 3',
      preset: '720p',
      choice: null,
      groupId: 9,
      extractor: 'Site',
      videoId: 'v3',
    });
  });

  it('downloads an entry with a page of its own from that page, with the choice and its nearest preset', () => {
    const job = entryJob(
      entry(2, { url: 'https://x.test/watch/2' }),
      { ...source, pageUrl: null },
      { preset: 'best', choice: { format: { kind: 'audio' } } },
      1,
    );
    expect(job).toMatchObject({
      url: 'https://x.test/watch/2',
      playlistIndex: null,
      pageUrl: 'https://x.test/list',
      preset: 'audio',
      choice: { format: { kind: 'audio' } },
    });
  });
});
