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
  const port = connect({ name: VIEW_PORT });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const statusListeners = new Set<(s: HostStatus) => void>();
  const eventListeners = new Set<(e: Event) => void>();
  let closed = false;
  // The background says the host's status as soon as the port opens, maybe before a view listens.
  let lastStatus: HostStatus | null = null;

  port.onMessage.addListener((raw) => {
    const msg = raw as ViewMessage;
    if (msg.kind === 'status') {
      lastStatus = msg.status;
      for (const fn of statusListeners) fn(msg.status);
    }
    else if (msg.kind === 'event') for (const fn of eventListeners) fn(msg.event);
    else if (msg.kind === 'reply') {
      const w = pending.get(msg.id);
      if (!w) return;
      pending.delete(msg.id);
      if (msg.ok) w.resolve(msg.result);
      else w.reject(new HostRequestError(msg.error.code, msg.error.message, msg.error.field));
    }
  });
  port.onDisconnect.addListener(() => {
    closed = true;
    for (const w of pending.values()) w.reject(new HostRequestError('DAEMON_UNAVAILABLE', 'The extension was reloaded; reopen this view'));
    pending.clear();
  });

  const send = <R>(message: Record<string, unknown>): Promise<R> => {
    if (closed) return Promise.reject(new HostRequestError('DAEMON_UNAVAILABLE', 'The extension was reloaded; reopen this view'));
    const id = nextId++;
    return new Promise<R>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      port.postMessage({ ...message, id });
    });
  };

  const listen = <T>(set: Set<T>, fn: T) => {
    set.add(fn);
    return () => void set.delete(fn);
  };

  return {
    request: (type, params) => send({ kind: 'request', type, params }),
    download: (target) => send({ kind: 'download', target }),
    candidates: (target) => send({ kind: 'candidates', target }),
    retryHost: () => port.postMessage({ kind: 'retry-host' }),
    doctor: () => send({ kind: 'doctor' }),
    onStatus: (fn) => {
      if (lastStatus) fn(lastStatus);
      return listen(statusListeners, fn);
    },
    onEvent: (fn) => listen(eventListeners, fn),
    close: () => port.disconnect(),
  };
}
