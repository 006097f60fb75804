import { describe, expect, it } from 'vitest';
import type { MediaRequest } from '../media-requests';
import { createMediaStore } from './media-store';

function memoryStore(initial: Record<string, MediaRequest[]> = {}) {
  let value = initial;
  return {
    getValue: async () => value,
    setValue: async (v: Record<string, MediaRequest[]>) => {
      value = v;
    },
    get: () => value,
  };
}
const until = async (check: () => boolean) => {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('media store', () => {
  it('keeps a tab media requests across a background restart', async () => {
    const store = memoryStore();
    const first = createMediaStore({ store, saveDelayMs: 1 });
    first.record(4, 'https://cdn.test/a/master.m3u8');
    await until(() => Object.keys(store.get()).length > 0);
    const second = createMediaStore({ store });
    await second.load();
    expect(second.forTab(4).map((r) => r.url)).toEqual(['https://cdn.test/a/master.m3u8']);
  });

  it('forgets a tab requests when it goes to another page or closes, not on a #fragment change', () => {
    const media = createMediaStore({ store: memoryStore(), saveDelayMs: 1 });
    media.navigated(1, 'https://a.test/watch');
    media.record(1, 'https://cdn.test/v.mp4');
    media.navigated(1, 'https://a.test/watch#t=10');
    expect(media.forTab(1)).toHaveLength(1);
    media.navigated(1, 'https://a.test/other');
    expect(media.forTab(1)).toEqual([]);
    media.record(2, 'https://cdn.test/w.mp4');
    media.closed(2);
    expect(media.forTab(2)).toEqual([]);
  });
});
