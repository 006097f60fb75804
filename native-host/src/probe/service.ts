import { VidQueueError } from '../../../shared/errors';
import type { FullProbe } from './reduce';

/** What is probed: a URL, and the page it is read from (sent as Referer). */
export interface ProbeKey {
  url: string;
  referer: string | null;
}

/** Who waits for a probe: a client's connection (or any object standing for one). */
export type Asker = object;

/** A client's default slot: one probe at a time, as the CLI asks. */
const DEFAULT_SLOT = '';

/** Answers kept per asker for its next pages (a playlist paged through with the cache off). */
const LAST_PER_ASKER = 4;

export interface ProbeServiceDeps {
  /** Reads one URL; rejects with a VidQueueError. Aborting `signal` stops it and its processes. */
  read: (key: ProbeKey, signal: AbortSignal, timeoutMs: number) => Promise<FullProbe>;
  settings: () => { probeCacheMinutes: number; probeTimeoutSeconds: number };
  now?: () => number;
  /** Probes running at once; more wait for a free slot. */
  maxRunning?: number;
}

interface Waiter {
  asker: Asker | null;
  slot: string;
  run: Run;
  resolve: (p: FullProbe) => void;
  reject: (e: Error) => void;
}

interface Run {
  key: string;
  probeKey: ProbeKey;
  state: 'waiting' | 'running';
  waiters: Set<Waiter>;
  controller: AbortController;
}

/** Answers kept at most, whatever the setting says; and their weight (formats and playlist entries) in all. */
const MAX_CACHED = 200;
const MAX_CACHED_WEIGHT = 100_000;

const weightOf = (p: FullProbe) => 1 + p.formats.length + (p.playlist?.entries.length ?? 0);

const keyOf = (k: ProbeKey) => `${k.url}\n${k.referer ?? ''}`;

const replaced = () => new VidQueueError('PROBE_CANCELLED', 'This probe was replaced by a newer one from the same client, or cancelled.', 'url');

/**
 * Probes, apart from the download queue (a probe never waits for a download slot, nor
 * holds one): at most `maxRunning` at once; one run per URL however many clients ask;
 * answers remembered for `probeCacheMinutes`. A run is stopped (its processes killed) as
 * soon as nobody waits for it: its askers went away, cancelled, or asked something else.
 *
 * Each asker has slots (named by the client; one unnamed by default). A newer probe in a
 * slot replaces the one it waited for; probes in different slots run side by side, so one
 * connection serving many views (the extension's background) need not queue them itself.
 */
export class ProbeService {
  private readonly cache = new Map<string, { probe: FullProbe; at: number }>();
  private cacheWeight = 0;
  private readonly runs = new Map<string, Run>();
  private readonly queue: Run[] = [];
  private running = 0;
  /** The runs under way, settled once their processes are gone. */
  private readonly settling = new Set<Promise<void>>();
  /** Each asker's pending waits, by slot (each slot's on one run: a new probe for another URL replaces them). */
  private readonly pending = new Map<Asker, Map<string, Set<Waiter>>>();
  /** Each asker's last few answers, for their next pages when nothing is cached. */
  private readonly last = new Map<Asker, Map<string, FullProbe>>();
  private readonly now: () => number;
  private readonly maxRunning: number;

  constructor(private readonly deps: ProbeServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.maxRunning = deps.maxRunning ?? 2;
  }

  /** Runs now, or waiting for a slot: for tests and the idle check. */
  get active(): number {
    return this.runs.size;
  }

  /**
   * What `key` offers. `fresh` reads it again even if it is remembered (joining a run under
   * way); `paging` (a later page of a playlist) may use one of the asker's own last answers.
   * `slot` names which of the asker's probes this is (default: its one unnamed slot).
   */
  probe(key: ProbeKey, asker: Asker | null, o: { fresh?: boolean; paging?: boolean; slot?: string } = {}): Promise<FullProbe> {
    const k = keyOf(key);
    const slot = o.slot ?? DEFAULT_SLOT;
    if (asker) this.replace(asker, slot, k);
    if (!o.fresh) {
      const hit = this.cached(key);
      const found = hit ?? (o.paging && asker ? (this.last.get(asker)?.get(k) ?? null) : null);
      if (found) {
        if (asker) this.keepLast(asker, k, found);
        return Promise.resolve(found);
      }
    }
    let run = this.runs.get(k);
    if (!run) {
      run = { key: k, probeKey: key, state: 'waiting', waiters: new Set(), controller: new AbortController() };
      this.runs.set(k, run);
      this.queue.push(run);
    }
    const r = run;
    const answer = new Promise<FullProbe>((resolve, reject) => {
      const w: Waiter = { asker, slot, run: r, resolve, reject };
      r.waiters.add(w);
      if (asker) {
        const slots = this.pending.get(asker) ?? new Map<string, Set<Waiter>>();
        this.pending.set(asker, slots);
        const set = slots.get(slot) ?? new Set();
        slots.set(slot, set);
        set.add(w);
      }
    });
    this.pump();
    return answer;
  }

  /** A remembered answer that has not expired, or null. */
  cached(key: ProbeKey): FullProbe | null {
    const k = keyOf(key);
    const hit = this.cache.get(k);
    if (!hit) return null;
    if (this.now() - hit.at > this.deps.settings().probeCacheMinutes * 60_000) {
      this.forgetCached(k);
      return null;
    }
    return hit.probe;
  }

  /** Stops what this asker waits for in `slot` (or in every slot); true if it waited for something. */
  cancel(asker: Asker, slot?: string): boolean {
    const slots = this.pending.get(asker);
    if (!slots) return false;
    const names = slot === undefined ? [...slots.keys()] : slots.has(slot) ? [slot] : [];
    for (const name of names) this.drop(asker, name, replaced());
    return names.length > 0;
  }

  /** The asker went away (its connection closed): nothing is answered to it any more. */
  forget(asker: Asker): void {
    for (const name of [...(this.pending.get(asker)?.keys() ?? [])]) this.drop(asker, name, null);
    this.last.delete(asker);
  }

  /** The daemon stops: every run is stopped; resolves once their processes are gone. */
  async shutdown(): Promise<void> {
    for (const run of [...this.runs.values()]) {
      for (const w of run.waiters) w.reject(new VidQueueError('DAEMON_STOPPING', 'The daemon is stopping; probe again in a moment', 'url'));
      run.waiters.clear();
      this.abandon(run);
    }
    this.pending.clear();
    await Promise.all(this.settling);
  }

  /** A probe of another URL in the same slot of the same asker replaces what the slot waited for. */
  private replace(asker: Asker, slot: string, k: string): void {
    const set = this.pending.get(asker)?.get(slot);
    if (!set) return;
    const other = [...set].some((w) => w.run.key !== k);
    if (other) this.drop(asker, slot, replaced());
  }

  private drop(asker: Asker, slot: string, error: Error | null): void {
    const set = this.pending.get(asker)?.get(slot);
    if (!set) return;
    this.unpend(asker, slot, set);
    for (const w of set) {
      w.run.waiters.delete(w);
      if (error) w.reject(error);
      if (w.run.waiters.size === 0) this.abandon(w.run);
    }
  }

  /** Nobody waits for this run: it never starts, or it is stopped. */
  private abandon(run: Run): void {
    if (this.runs.get(run.key) === run) this.runs.delete(run.key);
    const i = this.queue.indexOf(run);
    if (i !== -1) this.queue.splice(i, 1);
    run.controller.abort();
  }

  private pump(): void {
    while (this.running < this.maxRunning && this.queue.length > 0) {
      const run = this.queue.shift()!;
      run.state = 'running';
      this.running++;
      const settled = this.start(run);
      this.settling.add(settled);
      void settled.finally(() => this.settling.delete(settled));
    }
  }

  private async start(run: Run): Promise<void> {
    const s = this.deps.settings();
    try {
      const probe = await this.deps.read(run.probeKey, run.controller.signal, s.probeTimeoutSeconds * 1000);
      if (s.probeCacheMinutes > 0 && !run.controller.signal.aborted) this.remember(run.key, probe);
      for (const w of run.waiters) {
        if (w.asker) this.keepLast(w.asker, run.key, probe);
        w.resolve(probe);
      }
    } catch (err) {
      for (const w of run.waiters) w.reject(err instanceof Error ? err : new Error(String(err)));
    } finally {
      for (const w of run.waiters) {
        const set = w.asker ? this.pending.get(w.asker)?.get(w.slot) : undefined;
        if (!set) continue;
        set.delete(w);
        if (set.size === 0) this.unpend(w.asker!, w.slot, set);
      }
      run.waiters.clear();
      if (this.runs.get(run.key) === run) this.runs.delete(run.key);
      this.running--;
      this.pump();
    }
  }

  /** A slot no longer waits (for `set`): forgotten, and its asker with it once it has no slot left. */
  private unpend(asker: Asker, slot: string, set: Set<Waiter>): void {
    const slots = this.pending.get(asker);
    if (slots?.get(slot) !== set) return;
    slots.delete(slot);
    if (slots.size === 0) this.pending.delete(asker);
  }

  private keepLast(asker: Asker, k: string, probe: FullProbe): void {
    const own = this.last.get(asker) ?? new Map<string, FullProbe>();
    this.last.set(asker, own);
    own.delete(k);
    own.set(k, probe);
    while (own.size > LAST_PER_ASKER) own.delete(own.keys().next().value!);
  }

  private remember(k: string, probe: FullProbe): void {
    this.forgetCached(k);
    this.cache.set(k, { probe, at: this.now() });
    this.cacheWeight += weightOf(probe);
    // Oldest first (insertion order): the first ones go; the newest stays, however heavy.
    while (this.cache.size > 1 && (this.cache.size > MAX_CACHED || this.cacheWeight > MAX_CACHED_WEIGHT)) this.forgetCached(this.cache.keys().next().value!);
  }

  private forgetCached(k: string): void {
    const hit = this.cache.get(k);
    if (!hit) return;
    this.cache.delete(k);
    this.cacheWeight -= weightOf(hit.probe);
  }
}
