import type { DoctorReport } from '../../shared/doctor';
import type { Job } from '../../shared/job';
import type { Event, Notice, ParamsOf, RequestType, ResultOf } from '../../shared/protocol';
import type { HostStatus } from './host-connection';
import { HostRequestError } from './host-connection';
import type { DownloadTarget, FrameReport, PageJob, PageVideosResult, ViewMessage } from './view-messages';
import { VIEW_PORT } from './view-port-name';

/** The part of runtime.Port a view uses. */
export interface PortLike {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(fn: (message: unknown) => void): void };
  onDisconnect: { addListener(fn: () => void): void };
}

type Connect = (info: { name: string }) => PortLike;

/**
 * A port to the background with requests and their replies. The port is opened again if
 * it was lost: an MV3 background is stopped when idle, that closes every port, and the
 * next message wakes it. Messages that are not replies go to `onPush`.
 */
function openChannel(connect: Connect, onPush: (message: ViewMessage) => void, eager = true) {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let port: PortLike | null = null;
  let closedByUs = false;

  const open = (): PortLike => {
    if (port) return port;
    const p = connect({ name: VIEW_PORT });
    port = p;
    p.onMessage.addListener((raw) => {
      const msg = raw as ViewMessage;
      if (msg.kind !== 'reply') return onPush(msg);
      const w = pending.get(msg.id);
      if (!w) return;
      pending.delete(msg.id);
      if (msg.ok) w.resolve(msg.result);
      else w.reject(new HostRequestError(msg.error.code, msg.error.message, msg.error.field));
    });
    p.onDisconnect.addListener(() => {
      if (port === p) port = null;
      for (const w of pending.values()) w.reject(new HostRequestError('DAEMON_UNAVAILABLE', 'The connection to the extension was lost; try again'));
      pending.clear();
    });
    return p;
  };

  const post = (message: Record<string, unknown>) => {
    if (closedByUs) return;
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

  if (eager) open();
  return {
    send,
    post,
    close: () => {
      closedByUs = true;
      port?.disconnect();
      port = null;
    },
  };
}

const listen = <T>(set: Set<T>, fn: T) => {
  set.add(fn);
  return () => void set.delete(fn);
};

export interface ViewClient {
  request<T extends RequestType>(type: T, params: ParamsOf<T>): Promise<ResultOf[T]>;
  download(target: DownloadTarget): Promise<ResultOf['jobs.add']>;
  /** The videos of a tab (every frame's), each with its candidates. */
  pageVideos(page: { tabId: number; pageUrl: string | null; pageTitle: string | null; refresh?: boolean }): Promise<PageVideosResult>;
  /** The videos found in a tab changed: ask again. */
  onPageVideosChanged(fn: (tabId: number) => void): () => void;
  retryHost(): void;
  doctor(): Promise<DoctorReport>;
  onStatus(fn: (status: HostStatus) => void): () => void;
  onEvent(fn: (event: Event) => void): () => void;
  /** The daemon's notices not dismissed yet (the whole list, each time it changes). */
  onNotices(fn: (notices: Notice[]) => void): () => void;
  dismissNotice(noticeId: number): Promise<unknown>;
  /** Retries a job that failed for want of a login, with the browser's cookies for its site (allowed from now on). */
  retryWithLogin(jobId: number): Promise<{ job: Job }>;
  close(): void;
}

/**
 * The popup's and the options page's link to the background: typed requests, the host's
 * status and the daemon's events. `connect` is the runtime's, passed in for tests.
 */
export function createViewClient(connect: Connect): ViewClient {
  const statusListeners = new Set<(s: HostStatus) => void>();
  const eventListeners = new Set<(e: Event) => void>();
  const noticeListeners = new Set<(n: Notice[]) => void>();
  const videoListeners = new Set<(tabId: number) => void>();
  // The background says the host's status (and the notices) as soon as the port opens, maybe before a view listens.
  let lastStatus: HostStatus | null = null;
  let lastNotices: Notice[] | null = null;
  const channel = openChannel(connect, (msg) => {
    if (msg.kind === 'status') {
      lastStatus = msg.status;
      for (const fn of statusListeners) fn(msg.status);
    } else if (msg.kind === 'event') for (const fn of eventListeners) fn(msg.event);
    else if (msg.kind === 'notices') {
      lastNotices = msg.notices;
      for (const fn of noticeListeners) fn(msg.notices);
    } else if (msg.kind === 'page-videos-changed') for (const fn of videoListeners) fn(msg.tabId);
  });
  return {
    request: (type, params) => channel.send({ kind: 'request', type, params }),
    download: (target) => channel.send({ kind: 'download', target }),
    pageVideos: (page) => channel.send({ kind: 'page-videos', ...page }),
    onPageVideosChanged: (fn) => listen(videoListeners, fn),
    doctor: () => channel.send({ kind: 'doctor' }),
    retryHost: () => {
      try {
        channel.post({ kind: 'retry-host' });
      } catch {
        // nothing to retry with
      }
    },
    onStatus: (fn) => {
      if (lastStatus) fn(lastStatus);
      return listen(statusListeners, fn);
    },
    onEvent: (fn) => listen(eventListeners, fn),
    onNotices: (fn) => {
      if (lastNotices) fn(lastNotices);
      return listen(noticeListeners, fn);
    },
    dismissNotice: (noticeId) => channel.send({ kind: 'dismiss-notice', noticeId }),
    retryWithLogin: (jobId) => channel.send({ kind: 'retry-with-login', jobId }) as Promise<{ job: Job }>,
    close: channel.close,
  };
}

/**
 * A content script's link to the background. It is treated like the web page it runs
 * in: it reports its frame's videos, starts downloads for its own tab, retries, cancels
 * or stops the jobs it started, and hears only of those, as much as its button shows.
 * The port opens on first use: a frame with no video never wakes the background.
 */
export interface PageClient {
  download(target: DownloadTarget): Promise<PageJob>;
  retry(jobId: number): Promise<PageJob>;
  cancel(jobId: number): Promise<PageJob>;
  /** Ends a recording of a live stream, keeping what was recorded. */
  stopRecording(jobId: number): Promise<PageJob>;
  /** This frame's videos (no answer). */
  report(report: FrameReport): void;
  onJob(fn: (job: PageJob) => void): () => void;
  close(): void;
}

export function createPageClient(connect: Connect): PageClient {
  const jobListeners = new Set<(job: PageJob) => void>();
  const channel = openChannel(
    connect,
    (msg) => {
      if (msg.kind === 'page-job') for (const fn of jobListeners) fn(msg.job);
    },
    false,
  );
  const job = (p: Promise<{ job: PageJob }>) => p.then((r) => r.job);
  return {
    download: (target) => job(channel.send({ kind: 'download', target })),
    retry: (jobId) => job(channel.send({ kind: 'request', type: 'jobs.retry', params: { jobId } })),
    cancel: (jobId) => job(channel.send({ kind: 'request', type: 'jobs.cancel', params: { jobId } })),
    stopRecording: (jobId) => job(channel.send({ kind: 'request', type: 'jobs.stopRecording', params: { jobId } })),
    report: (report) => {
      try {
        channel.post({ kind: 'report-videos', report });
      } catch {
        // The extension was reloaded: nobody to tell.
      }
    },
    onJob: (fn) => listen(jobListeners, fn),
    close: channel.close,
  };
}
