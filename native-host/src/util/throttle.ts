/**
 * At most one emission per `intervalMs` for a job; the latest value is never lost: a
 * value held back is sent when the interval ends, and `flush` sends the final one at once.
 */
export class Throttle<T> {
  private last = -Infinity;
  private pending: { value: T } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (value: T) => void,
    private readonly now: () => number = Date.now,
  ) {}

  push(value: T): void {
    const elapsed = this.now() - this.last;
    if (elapsed >= this.intervalMs) {
      this.send(value);
      return;
    }
    this.pending = { value };
    this.timer ??= setTimeout(() => {
      this.timer = null;
      if (this.pending) this.send(this.pending.value);
    }, this.intervalMs - elapsed);
  }

  /** Sends what is held back now (or `value`), and stops the timer. */
  flush(value?: T): void {
    this.cancel();
    if (value !== undefined) this.send(value);
    else if (this.pending) this.send(this.pending.value);
  }

  /** Drops what is held back. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }

  private send(value: T): void {
    this.pending = null;
    this.last = this.now();
    this.emit(value);
  }
}
