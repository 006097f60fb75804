import { afterEach, describe, expect, it, vi } from 'vitest';
import { Throttle } from './throttle';

describe('Throttle', () => {
  afterEach(() => vi.useRealTimers());

  it('emits at most once per interval and never loses the latest value', () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const t = new Throttle<number>(
      250,
      (v) => sent.push(v),
      () => Date.now(),
    );
    for (let i = 1; i <= 100; i++) {
      t.push(i);
      vi.advanceTimersByTime(10); // 100 values in 1 s
    }
    vi.advanceTimersByTime(300);
    expect(sent.length).toBeLessThanOrEqual(5);
    expect(sent[0]).toBe(1);
    expect(sent.at(-1)).toBe(100);
  });

  it('flush sends the final value at once and cancel drops what is held', () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const t = new Throttle<number>(
      250,
      (v) => sent.push(v),
      () => Date.now(),
    );
    t.push(1);
    t.push(2);
    t.flush(3);
    t.push(4);
    t.cancel();
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([1, 3]);
  });
});
