import * as v from 'valibot';
import type { browser as Browser } from 'wxt/browser';
import { type JobStatus, type Preset } from '../../shared/job';
import { type Event, type JobPage, issueError, parseRequest } from '../../shared/protocol';
import { quote } from '../../shared/quote';
import { checkDownloadUrl } from '../../shared/url';
import { type HostConnection, type HostStatus, HostRequestError, type NativePort, createHostConnection } from './host-connection';
import { t } from './i18n';
import { type MediaRequestLog, createMediaRequestLog } from './media-requests';
import { activeJobsHint, mediaRequestsStore, notifyOnFinish } from './preferences';
import { type DownloadTarget, VIEW_PORT, type ViewMessage, ViewRequestSchema } from './view-messages';
import { downloadCandidates } from './video-url';

type BrowserApi = typeof Browser;
export type RuntimePort = ReturnType<BrowserApi['runtime']['connect']>;

/** What the background needs that the fake browser of unit tests lacks: passed in. */
export interface BackgroundDeps {
  browser: BrowserApi;
  connectNative: (name: string) => NativePort;
  /** runtime.onConnect (missing from the fake browser): views open ports to the background. */
  onViewConnect: (listener: (port: RuntimePort) => void) => void;
  lastError?: () => string | undefined;
  contextMenus?: ContextMenusApi;
  idleMs?: number;
}

export interface ContextMenusApi {
  create(props: { id: string; title: string; contexts: string[] }): unknown;
  removeAll(): Promise<void> | void;
  onClicked: { addListener(fn: (info: ContextMenuInfo, tab?: { id?: number; url?: string; title?: string }) => void): void };
}
export interface ContextMenuInfo {
  menuItemId: string | number;
  pageUrl?: string;
  linkUrl?: string;
  srcUrl?: string;
}

const ACTIVE: JobStatus[] = ['queued', 'downloading'];

/**
 * The background: owns the one port to the native host and relays between it and every
 * view. It keeps only what the badge and notifications need (each job's last status),
 * learnt from the daemon's events.
 */
export function createBackground(d: BackgroundDeps) {
  const { browser } = d;
  const views = new Set<RuntimePort>();
  const statusById = new Map<number, JobStatus>();
  const media: MediaRequestLog = createMediaRequestLog();
  let hostStatus: HostStatus = { state: 'idle' };

  const post = (port: RuntimePort, message: ViewMessage) => {
    try {
      port.postMessage(message);
    } catch {
      views.delete(port);
    }
  };
  const broadcast = (message: ViewMessage) => {
    for (const port of views) post(port, message);
  };

  const host: HostConnection = createHostConnection({
    connectNative: d.connectNative,
    lastError: d.lastError,
    idleMs: d.idleMs,
    onStatus: (status) => {
      hostStatus = status;
      broadcast({ kind: 'status', status });
      if (status.state === 'connected') void syncStatuses();
    },
    onEvent: (event) => {
      onHostEvent(event);
      broadcast({ kind: 'event', event });
    },
  });

  // MV3 has `action`; Firefox's MV2 build has `browserAction`.
  const action = (browser.action ?? (browser as unknown as { browserAction?: BrowserApi['action'] }).browserAction) as BrowserApi['action'] | undefined;

  const updateBadge = () => {
    let active = 0;
    for (const s of statusById.values()) if (ACTIVE.includes(s)) active++;
    void action?.setBadgeText({ text: active > 0 ? String(active) : '' });
    host.setBusy(active > 0);
    // Remembered for this browser session: a restarted background knows to reconnect.
    void activeJobsHint.setValue(active > 0);
  };

  /** The statuses of the active jobs (they come first in the list), for the badge. One at a time. */
  let syncing: Promise<void> | null = null;
  const syncStatuses = (): Promise<void> => (syncing ??= doSync().finally(() => (syncing = null)));
  const doSync = async () => {
    try {
      let cursor: number | null = 0;
      while (cursor !== null) {
        const page: JobPage = await host.request('jobs.list', { cursor, limit: 200 });
        for (const job of page.jobs) statusById.set(job.id, job.status);
        const reachedHistory: boolean = page.jobs.some((j) => !ACTIVE.includes(j.status) && j.status !== 'paused');
        cursor = reachedHistory ? null : page.nextCursor;
      }
      updateBadge();
    } catch {
      // The status broadcast already tells the views what went wrong.
    }
  };

  const onHostEvent = (event: Event) => {
    if (event.event === 'job.updated') {
      const { job } = event.data;
      const before = statusById.get(job.id);
      statusById.set(job.id, job.status);
      if (before !== job.status && (job.status === 'completed' || job.status === 'failed')) void notify(job.id, job.status, job.title ?? job.url, job.error?.message);
      if (before !== job.status) updateBadge();
    } else if (event.event === 'jobs.removed') {
      for (const id of event.data.jobIds) statusById.delete(id);
      updateBadge();
    } else if (event.event === 'daemon.reconnected') {
      void syncStatuses();
    } else if (event.event === 'daemon.stopping') {
      // Its downloads go back to the queue and resume at its next start: nothing is running now.
      statusById.clear();
      updateBadge();
    }
  };

  const notify = async (jobId: number, status: 'completed' | 'failed', title: string, error?: string) => {
    if (!browser.notifications || !(await notifyOnFinish.getValue())) return;
    await browser.notifications.create(`vidqueue-job-${jobId}`, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: status === 'completed' ? t('notifyCompletedTitle') : t('notifyFailedTitle'),
      message: status === 'completed' ? t('notifyCompletedBody', title) : t('notifyFailedBody', title, error ?? ''),
    });
  };

  /** Chooses the URL for a video and queues it. */
  const download = async (target: DownloadTarget, senderTabId: number | null) => {
    const tabId = target.tabId ?? senderTabId;
    const candidates = downloadCandidates({
      pageUrl: target.pageUrl,
      videoSrc: target.videoSrc,
      mediaRequests: tabId === null ? [] : media.forTab(tabId),
    });
    // A URL the user picked must be one of the candidates: nothing else leaves the extension.
    const chosen = target.url ? candidates.find((c) => c.url === target.url) : candidates[0];
    if (!chosen) {
      if (target.url) throw new HostRequestError('INVALID_URL', `${quote(target.url)} is not one of the URLs found for this page`, 'url');
      throw new HostRequestError('INVALID_URL', `Nothing to download on ${quote(target.pageUrl)}: only http and https pages and videos can be downloaded`, 'url');
    }
    return host.request('jobs.add', {
      url: chosen.url,
      pageUrl: chosen.pageUrl,
      title: target.pageTitle,
      ...(target.preset ? { preset: target.preset } : {}),
    });
  };

  /** Content scripts run in web pages: they may start and retry downloads of their own tab, nothing else. */
  const contentPorts = new WeakSet<RuntimePort>();
  const CONTENT_REQUESTS = new Set(['jobs.retry', 'jobs.get']);

  const refuse = (port: RuntimePort, id: number, message: string) =>
    post(port, { kind: 'reply', id, ok: false, error: { code: 'INVALID_MESSAGE', message } });

  const handleViewMessage = async (port: RuntimePort, raw: unknown) => {
    const parsed = v.safeParse(ViewRequestSchema, raw);
    if (!parsed.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id === 'number') refuse(port, id, issueError('INVALID_MESSAGE', parsed.issues, 'message').message);
      return;
    }
    const msg = parsed.output;
    const fromPage = contentPorts.has(port);
    if (msg.kind === 'retry-host') {
      if (!fromPage) host.retryNow();
      return;
    }
    const senderTab = port.sender?.tab?.id ?? null;
    if (fromPage) {
      if (msg.kind === 'doctor' || (msg.kind === 'request' && !CONTENT_REQUESTS.has(msg.type))) {
        refuse(port, msg.id, `A page's content script may not send ${quote(msg.kind === 'request' ? msg.type : msg.kind)}`);
        return;
      }
      // A page speaks for its own tab only.
      if (msg.kind === 'download' || msg.kind === 'candidates') msg.target.tabId = senderTab;
    }
    try {
      let result: unknown;
      if (msg.kind === 'download') result = await download(msg.target, senderTab);
      else if (msg.kind === 'doctor') result = await host.doctor();
      else if (msg.kind === 'candidates') {
        const tabId = msg.target.tabId ?? senderTab;
        const mediaRequests = tabId === null ? [] : media.forTab(tabId);
        result = { candidates: downloadCandidates({ pageUrl: msg.target.pageUrl, videoSrc: msg.target.videoSrc, mediaRequests }), mediaRequests };
      } else {
        const check = parseRequest({ id: msg.id, type: msg.type, params: msg.params });
        if (!check.ok) {
          post(port, { kind: 'reply', id: msg.id, ok: false, error: check.error });
          return;
        }
        result = await host.request(check.request.type, check.request.params as never);
      }
      post(port, { kind: 'reply', id: msg.id, ok: true, result });
    } catch (err) {
      const error =
        err instanceof HostRequestError
          ? { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) }
          : { code: 'INTERNAL' as const, message: err instanceof Error ? err.message : String(err) };
      post(port, { kind: 'reply', id: msg.id, ok: false, error });
    }
  };

  const menus: { id: string; contexts: string[]; title: string }[] = [
    { id: 'page', contexts: ['page'], title: t('menuDownloadPage') },
    { id: 'page-audio', contexts: ['page'], title: t('menuDownloadPageAudio') },
    { id: 'link', contexts: ['link'], title: t('menuDownloadLink') },
    { id: 'link-audio', contexts: ['link'], title: t('menuDownloadLinkAudio') },
    { id: 'video', contexts: ['video'], title: t('menuDownloadVideo') },
    { id: 'video-audio', contexts: ['video'], title: t('menuDownloadVideoAudio') },
  ];

  let menusMade: Promise<void> = Promise.resolve();
  const createMenus = (): Promise<void> => {
    const cm = d.contextMenus;
    if (!cm) return Promise.resolve();
    menusMade = menusMade.then(async () => {
      await cm.removeAll();
      for (const m of menus) cm.create({ id: m.id, title: m.title, contexts: m.contexts });
    });
    return menusMade;
  };

  const pageOfTab = new Map<number, string>();
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  const saveMedia = () => {
    saveTimer ??= setTimeout(() => {
      saveTimer = null;
      void mediaRequestsStore.setValue(media.dump());
    }, 200);
  };

  const onMenuClick = (info: ContextMenuInfo, tab?: { id?: number; url?: string; title?: string }) => {
    const id = String(info.menuItemId);
    const preset: Preset | undefined = id.endsWith('-audio') ? 'audio' : undefined;
    const pageUrl = info.pageUrl ?? tab?.url ?? null;
    const target: DownloadTarget = { pageUrl, pageTitle: tab?.title ?? null, tabId: tab?.id ?? null, preset };
    if (id.startsWith('link')) {
      // The linked page or file is what gets downloaded; the current page is its referer.
      const link = info.linkUrl ?? '';
      const check = checkDownloadUrl(link, 'link');
      if (!check.ok) {
        void notifyError(check.message);
        return;
      }
      const referer = pageUrl && checkDownloadUrl(pageUrl).ok ? pageUrl : null;
      void host.request('jobs.add', { url: check.url, pageUrl: referer, ...(preset ? { preset } : {}) }).catch((err: Error) => notifyError(err.message));
      return;
    }
    if (id.startsWith('video')) target.videoSrc = info.srcUrl ?? null;
    void download(target, tab?.id ?? null).catch((err: Error) => notifyError(err.message));
  };

  /** A right-click has no view to show an error in: say it in a notification. */
  const notifyError = async (message: string) => {
    if (!browser.notifications) return;
    await browser.notifications.create(`vidqueue-error-${Date.now()}`, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: t('notifyErrorTitle'),
      message,
    });
  };

  return {
    host,
    media,
    get hostStatus() {
      return hostStatus;
    },
    /** Wires the listeners; called once from the background entrypoint. */
    start(): void {
      d.onViewConnect((port) => {
        if (port.name !== VIEW_PORT) return;
        views.add(port);
        // Extension pages (popup, options) keep the host connected while open; content
        // scripts, one in every tab, do not: they only hear events while something runs.
        const extensionOrigin = browser.runtime.getURL('/');
        const isPage = !port.sender?.tab || (port.sender.url ?? '').startsWith(extensionOrigin);
        if (!isPage) contentPorts.add(port);
        const release = isPage ? host.hold() : () => {};
        post(port, { kind: 'status', status: hostStatus });
        port.onMessage.addListener((m) => void handleViewMessage(port, m));
        port.onDisconnect.addListener(() => {
          views.delete(port);
          release();
        });
      });
      browser.runtime.onInstalled.addListener(() => {
        void createMenus();
        void syncStatuses();
      });
      d.contextMenus?.onClicked.addListener(onMenuClick);
      browser.notifications?.onClicked.addListener((notificationId) => {
        const m = notificationId.match(/^vidqueue-job-(\d+)$/);
        if (!m) return;
        const jobId = Number(m[1]);
        // A finished file opens; if it cannot (moved, or a failed job), its folder does.
        void host
          .request('jobs.open', { jobId })
          .catch(() => host.request('jobs.open', { jobId, reveal: true }))
          .catch(() => {});
        void browser.notifications.clear(notificationId);
      });
      browser.tabs.onUpdated.addListener((tabId, change) => {
        // A new page forgets the old page's media; a change of #fragment is the same page.
        if (!change.url) return;
        const page = change.url.split('#')[0]!;
        if (pageOfTab.get(tabId) !== page) {
          pageOfTab.set(tabId, page);
          media.clearTab(tabId);
          saveMedia();
        }
      });
      browser.tabs.onRemoved.addListener((tabId) => {
        media.clearTab(tabId);
        pageOfTab.delete(tabId);
        saveMedia();
      });
      void action?.setBadgeBackgroundColor({ color: '#2563eb' });
      void mediaRequestsStore.getValue().then((saved) => media.load(saved));
      // Menus do not survive a restart everywhere (Firefox): make them each time. It is idempotent.
      void createMenus();
      // Downloads may be running from before: look when the browser starts, or when this
      // background restarts during a session that had some. Never just because it woke up.
      browser.runtime.onStartup?.addListener(() => void syncStatuses());
      void activeJobsHint.getValue().then((active) => {
        if (active) void syncStatuses();
      });
    },
    /** For the webRequest listener (not in the fake browser either). */
    recordMediaRequest(tabId: number, url: string, contentType?: string | null) {
      const before = media.forTab(tabId)[0];
      media.record(tabId, url, contentType);
      if (media.forTab(tabId)[0] !== before) saveMedia();
    },
  };
}
