import type { DoctorReport } from '../../shared/doctor';
import type { Event, ParamsOf, RequestType, ResultOf } from '../../shared/protocol';
import type { HostStatus } from './host-connection';
import { HostRequestError } from './host-connection';
import type { CandidatesResult, DownloadTarget, ViewMessage } from './view-messages';
import { VIEW_PORT } from './view-port-name';

/** The part of runtime.Port a view uses. */
export interface PortLike {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(fn: (message: unknown) => void): void };
  onDisconnect: { addListener(fn: () => void): void };
}

export interface ViewClient {
  request<T extends RequestType>(type: T, params: ParamsOf<T>): Promise<ResultOf[T]>;
  download(target: DownloadTarget): Promise<ResultOf['jobs.add']>;
  candidates(target: DownloadTarget): Promise<CandidatesResult>;
  retryHost(): void;
  doctor(): Promise<DoctorReport>;
  onStatus(fn: (status: HostStatus) => void): () => void;
  onEvent(fn: (event: Event) => void): () => void;
  close(): void;
}

/**
 * A view's link to the background (popup, options page, content script): typed requests
 * and the daemon's events. `connect` is the runtime's, passed in for tests.
 */
export function createViewClient(connect: (info: { name: string }) => PortLike): ViewClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const statusListeners = new Set<(s: HostStatus) => void>();
  const eventListeners = new Set<(e: Event) => void>();
  // The background says the host's status as soon as the port opens, maybe before a view listens.
  let lastStatus: HostStatus | null = null;
  let port: PortLike | null = null;
  let closedByUs = false;

  /**
   * The port, opened again if it was lost: an MV3 background is stopped when idle, and
   * that closes every port; the next message wakes it.
   */
  const open = (): PortLike => {
    if (port) return port;
    const p = connect({ name: VIEW_PORT });
    port = p;
    p.onMessage.addListener((raw) => {
      const msg = raw as ViewMessage;
      if (msg.kind === 'status') {
        lastStatus = msg.status;
        for (const fn of statusListeners) fn(msg.status);
      } else if (msg.kind === 'event') for (const fn of eventListeners) fn(msg.event);
      else if (msg.kind === 'reply') {
        const w = pending.get(msg.id);
        if (!w) return;
        pending.delete(msg.id);
        if (msg.ok) w.resolve(msg.result);
        else w.reject(new HostRequestError(msg.error.code, msg.error.message, msg.error.field));
      }
    });
    p.onDisconnect.addListener(() => {
      if (port === p) port = null;
      for (const w of pending.values()) w.reject(new HostRequestError('DAEMON_UNAVAILABLE', 'The connection to the extension was lost; try again'));
      pending.clear();
    });
    return p;
  };

  const post = (message: Record<string, unknown>) => {
    try {
      open().postMessage(message);
    } catch {
      // The extension was reloaded or removed: this page can no longer reach it.
      port = null;
      throw new HostRequestError('DAEMON_UNAVAILABLE', 'The extension was reloaded; reload this page');
    }
  };

  const send = <R>(message: Record<string, unknown>): Promise<R> => {
    if (closedByUs) return Promise.reject(new HostRequestError('DAEMON_UNAVAILABLE', 'This view is closed'));
    const id = nextId++;
    return new Promise<R>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        post({ ...message, id });
      } catch (err) {
        pending.delete(id);
        reject(err);
      }
    });
  };

  const listen = <T>(set: Set<T>, fn: T) => {
    set.add(fn);
    return () => void set.delete(fn);
  };

  open();
  return {
    request: (type, params) => send({ kind: 'request', type, params }),
    download: (target) => send({ kind: 'download', target }),
    candidates: (target) => send({ kind: 'candidates', target }),
    doctor: () => send({ kind: 'doctor' }),
    retryHost: () => {
      try {
        post({ kind: 'retry-host' });
      } catch {
        // nothing to retry with
      }
    },
    onStatus: (fn) => {
      if (lastStatus) fn(lastStatus);
      return listen(statusListeners, fn);
    },
    onEvent: (fn) => listen(eventListeners, fn),
    close: () => {
      closedByUs = true;
      port?.disconnect();
      port = null;
    },
  };
}
