import { PROTOCOL_VERSION } from '../../shared/limits';
import type { ErrorCode } from '../../shared/errors';
import { NATIVE_HOST_NAME } from '../../shared/identity';
import type { DoctorReport } from '../../shared/doctor';
import type { Event, ParamsOf, Reply, RequestType, ResultOf } from '../../shared/protocol';

/** The part of a native-messaging port we use (chrome's and the polyfill's agree on it). */
export interface NativePort {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(fn: (message: unknown) => void): void };
  onDisconnect: { addListener(fn: (port: NativePort) => void): void };
  error?: { message?: string } | null;
}

type HostProblemKind = 'not-installed' | 'exited' | 'forbidden' | 'protocol-mismatch' | 'unknown';

export interface HostProblem {
  kind: HostProblemKind;
  /** What the browser or the daemon said. */
  detail: string;
}

export type HostStatus =
  | { state: 'idle' }
  | { state: 'connecting' }
  | { state: 'connected'; daemonVersion: string }
  | { state: 'problem'; problem: HostProblem; retryInMs: number | null };

export class HostRequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface HostConnectionDeps {
  connectNative: (name: string) => NativePort;
  /** chrome.runtime.lastError after a disconnect (Firefox puts it on port.error instead). */
  lastError?: () => string | undefined;
  onEvent: (event: Event) => void;
  onStatus: (status: HostStatus) => void;
  /** Let go of the host after this long with nothing that needs it. */
  idleMs?: number;
  /** A request with no answer after this long fails (the daemon is stuck, or gone quiet). */
  requestTimeoutMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

/** Sorts what the browser says when a native host fails into what the user can do about it. */
export function classifyDisconnect(message: string | undefined): HostProblem {
  const detail = message?.trim() || 'The native host closed the connection';
  if (/not found|no such native application/i.test(detail)) return { kind: 'not-installed', detail };
  if (/forbidden|not allowed/i.test(detail)) return { kind: 'forbidden', detail };
  if (/exited|closed|disconnected/i.test(detail)) return { kind: 'exited', detail };
  return { kind: 'unknown', detail };
}

const BACKOFF_MS = [1000, 2000, 5000, 10_000, 30_000];

/**
 * The single native-messaging port to `vidqueue host`. It connects when something needs
 * it (a view is open, a request is made, a download runs), lets go when idle, and
 * reconnects with backoff. It keeps no state of the queue: it relays.
 */
export function createHostConnection(d: HostConnectionDeps) {
  const setTimer = d.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = d.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  const idleMs = d.idleMs ?? 30_000;
  const requestTimeoutMs = d.requestTimeoutMs ?? 60_000;
  let port: NativePort | null = null;
  let ready = false;
  let status: HostStatus = { state: 'idle' };
  let nextId = 1;
  let holds = 0;
  let busy = false;
  let failures = 0;
  let retryTimer: unknown = null;
  let idleTimer: unknown = null;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: unknown }>();
  const queued: { id: number; type: string; params: unknown }[] = [];

  const setStatus = (s: HostStatus) => {
    status = s;
    d.onStatus(s);
  };

  const needed = () => holds > 0 || busy || pending.size > 0 || queued.length > 0;

  const connect = () => {
    if (port) return;
    if (retryTimer) {
      clearTimer(retryTimer);
      retryTimer = null;
    }
    setStatus({ state: 'connecting' });
    let p: NativePort;
    try {
      p = d.connectNative(NATIVE_HOST_NAME);
    } catch (err) {
      onDisconnect(null, err instanceof Error ? err.message : String(err));
      return;
    }
    port = p;
    ready = false;
    p.onMessage.addListener((m) => onMessage(m as Reply | Event));
    p.onDisconnect.addListener((dp) => onDisconnect(p, dp?.error?.message ?? d.lastError?.()));
    p.postMessage({ id: 0, type: 'hello', params: { protocolVersion: PROTOCOL_VERSION, client: 'extension' } });
    p.postMessage({ id: -1, type: 'subscribe', params: {} });
  };

  const onMessage = (msg: Reply | Event) => {
    if ('event' in msg) {
      if (msg.event === 'daemon.reconnected') failures = 0;
      d.onEvent(msg);
      return;
    }
    if (msg.id === 0) {
      if (msg.ok) {
        ready = true;
        failures = 0;
        setStatus({ state: 'connected', daemonVersion: (msg.result as ResultOf['hello']).daemonVersion });
        for (const q of queued.splice(0)) port?.postMessage(q);
      } else {
        const p = port;
        port = null;
        ready = false;
        p?.disconnect();
        if (msg.error.code === 'PROTOCOL_MISMATCH') {
          // Final: retrying cannot help until one side is updated.
          failAll(msg.error.message, msg.error.code);
          setStatus({ state: 'problem', problem: { kind: 'protocol-mismatch', detail: msg.error.message }, retryInMs: null });
        } else {
          retryLater({ kind: 'unknown', detail: msg.error.message });
        }
      }
      return;
    }
    if (typeof msg.id !== 'number') return;
    const waiter = pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id);
    clearTimer(waiter.timer);
    if (msg.ok) waiter.resolve(msg.result);
    else waiter.reject(new HostRequestError(msg.error.code, msg.error.message, msg.error.field));
    scheduleIdle();
  };

  const failAll = (message: string, code: ErrorCode = 'DAEMON_UNAVAILABLE') => {
    for (const w of pending.values()) {
      clearTimer(w.timer);
      w.reject(new HostRequestError(code, message));
    }
    pending.clear();
    queued.length = 0;
  };

  const onDisconnect = (p: NativePort | null, message: string | undefined) => {
    if (p && port !== p) return;
    port = null;
    ready = false;
    const problem = classifyDisconnect(message);
    if (status.state === 'problem' && status.problem.kind === 'protocol-mismatch') {
      failAll(problem.detail);
      return;
    }
    if (!needed() && problem.kind === 'exited' && failures === 0) {
      failAll(problem.detail);
      setStatus({ state: 'idle' });
      return;
    }
    retryLater(problem);
  };

  /** Fails what waits, says what is wrong, and tries again later while something needs the host. */
  const retryLater = (problem: HostProblem) => {
    failAll(problem.detail);
    const delay = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)]!;
    failures++;
    setStatus({ state: 'problem', problem, retryInMs: delay });
    retryTimer = setTimer(() => {
      retryTimer = null;
      if (needed()) connect();
      else setStatus({ state: 'idle' });
    }, delay);
  };

  const scheduleIdle = () => {
    if (idleTimer) clearTimer(idleTimer);
    idleTimer = null;
    if (needed() || !port) return;
    idleTimer = setTimer(() => {
      idleTimer = null;
      if (needed() || !port) return;
      const p = port;
      port = null;
      ready = false;
      p.disconnect();
      setStatus({ state: 'idle' });
    }, idleMs);
  };

  return {
    get status(): HostStatus {
      return status;
    },

    request<T extends RequestType>(type: T, params: ParamsOf<T>): Promise<ResultOf[T]> {
      const id = nextId++;
      const promise = new Promise<ResultOf[T]>((resolve, reject) => {
        const timer = setTimer(() => {
          if (!pending.delete(id)) return;
          queued.splice(0, queued.length, ...queued.filter((q) => q.id !== id));
          reject(new HostRequestError('DAEMON_UNAVAILABLE', `VidQueue did not answer ${type} within ${Math.round(requestTimeoutMs / 1000)} s`));
          scheduleIdle();
        }, requestTimeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      });
      const message = { id, type, params };
      if (port && ready) port.postMessage(message);
      else {
        queued.push(message);
        connect();
      }
      return promise;
    },

    /** A view opened: keep the connection (and its events) while it is open. */
    hold(): () => void {
      holds++;
      connect();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        holds--;
        scheduleIdle();
      };
    },

    /** Downloads are running: stay connected to hear their end. */
    setBusy(value: boolean): void {
      busy = value;
      if (busy) connect();
      else scheduleIdle();
    },

    /**
     * The host's own check-up (`vidqueue doctor`), over a port of its own: the bridge answers
     * it even when the daemon cannot start, which is when it is needed.
     */
    doctor(): Promise<DoctorReport> {
      return new Promise((resolve, reject) => {
        let p: NativePort;
        try {
          p = d.connectNative(NATIVE_HOST_NAME);
        } catch (err) {
          reject(err);
          return;
        }
        let settled = false;
        p.onMessage.addListener((m) => {
          const msg = m as Reply<'doctor'>;
          if (msg.id !== 1 || settled) return;
          settled = true;
          p.disconnect();
          if (msg.ok) resolve(msg.result);
          else reject(new HostRequestError(msg.error.code, msg.error.message));
        });
        p.onDisconnect.addListener((dp) => {
          if (settled) return;
          settled = true;
          reject(new HostRequestError('DAEMON_UNAVAILABLE', classifyDisconnect(dp?.error?.message ?? d.lastError?.()).detail));
        });
        p.postMessage({ id: 1, type: 'doctor', params: {} });
      });
    },

    /** Try again now (the user pressed Retry). */
    retryNow(): void {
      failures = 0;
      if (status.state === 'problem') setStatus({ state: 'idle' });
      connect();
    },
  };
}

export type HostConnection = ReturnType<typeof createHostConnection>;
