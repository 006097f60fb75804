import type { browser as Browser } from 'wxt/browser';
import { type HostStatus, type NativePort, createHostConnection } from '../host-connection';
import { activeJobsHint, loginMode, loginSites, mediaRequestsStore, noticesStore, notifyOnFinish, pageJobsStore, pageVideosStore } from '../preferences';
import { type BadgeApi, createBadge } from './badge';
import { createOwnership } from './content-policy';
import { createDownloads } from './downloads';
import { createLogin } from './login-cookies';
import { createJobStatuses } from './job-statuses';
import { createMediaStore } from './media-store';
import { type ContextMenusApi, createMenus } from './menus';
import { createNotices } from './notices';
import { type NotificationsApi, createNotifications } from './notifications';
import { createPageVideos } from './page-videos';
import { createProbes } from './probes';
import { type ViewPort, createViewHub } from './view-hub';

type BrowserApi = typeof Browser;

/** What the background needs that the fake browser of unit tests lacks: passed in. */
export interface BackgroundDeps {
  browser: BrowserApi;
  connectNative: (name: string) => NativePort;
  /** runtime.onConnect (missing from the fake browser): views open ports to the background. */
  onViewConnect: (listener: (port: ViewPort) => void) => void;
  lastError?: () => string | undefined;
  contextMenus?: ContextMenusApi;
  idleMs?: number;
  /** Asks every frame of a tab to report its videos again (tabs.sendMessage; missing from the fake browser). */
  askReports?: (tabId: number) => void;
}

/**
 * The background: the one port to the native host, and the modules around it (the view
 * hub and what content scripts may do, badge, notifications, notices, menus, media
 * requests, the videos frames report), each given what it depends on. Host events flow one way: statuses, then
 * badge and notifications, then every view.
 */
export function createBackground(d: BackgroundDeps) {
  const { browser } = d;
  const statuses = createJobStatuses();
  const videos = createPageVideos({ store: pageVideosStore });
  const media = createMediaStore({ store: mediaRequestsStore, onPageGone: (tabId) => videos.clearTab(tabId) });

  const host = createHostConnection({
    connectNative: d.connectNative,
    lastError: d.lastError,
    idleMs: d.idleMs,
    onStatus: (status: HostStatus) => {
      hub.status(status);
      if (status.state !== 'connected') return;
      void badge.sync();
      void notices.take();
    },
    onEvent: (event) => {
      const change = statuses.apply(event);
      if (change) void notifications.jobChanged(change);
      badge.refresh();
      if (event.event === 'daemon.reconnected') {
        // A new daemon behind the bridge: a new connection, maybe with notices of its start.
        void badge.sync();
        void notices.take();
      }
      hub.relay(event);
    },
  });

  // MV3 has `action`; Firefox's MV2 build has `browserAction`.
  const action = (browser.action ?? (browser as unknown as { browserAction?: BadgeApi }).browserAction) as BadgeApi | undefined;
  const badge = createBadge({ action, statuses, host, hint: activeJobsHint });
  const notifications = createNotifications({
    api: browser.notifications as unknown as NotificationsApi | undefined,
    iconUrl: browser.runtime.getURL('/icon/128.png'),
    enabled: () => notifyOnFinish.getValue(),
    host,
  });
  const probes = createProbes({ host });
  /** The background's own probes (a page's site, before a download): no view owns them. */
  const itself = {};
  const login = createLogin({
    settings: async () => ({ mode: await loginMode.getValue(), sites: await loginSites.getValue() }),
    allowSite: async (site) => {
      const sites = await loginSites.getValue();
      if (!sites.includes(site)) await loginSites.setValue([...sites, site]);
    },
  });
  const downloads = createDownloads({
    host,
    mediaFor: media.forTab,
    videos,
    extractors: { known: probes.knownExtractor, ask: (pageUrl) => probes.hasExtractor(itself, pageUrl) },
    login,
  });
  const menus = createMenus({ api: d.contextMenus, host, downloads, notifyError: (m) => void notifications.error(m) });
  const notices = createNotices({
    host,
    store: noticesStore,
    show: (n) => void notifications.notice(n),
    onChange: (list) => hub.notices(list),
  });
  const ownership = createOwnership({ store: pageJobsStore });
  const hub = createViewHub({ extensionOrigin: browser.runtime.getURL('/'), host, downloads, videos, askReports: d.askReports, ownership, notices, probes });

  return {
    host,
    /** Wires the listeners; called once from the background entrypoint. */
    start(): void {
      d.onViewConnect(hub.connect);
      browser.runtime.onInstalled.addListener(() => {
        void menus.create();
        void badge.sync();
      });
      menus.listen();
      notifications.listen();
      media.listen(browser.tabs);
      browser.tabs.onRemoved.addListener((tabId) => void ownership.forgetTab(tabId));
      void media.load();
      void videos.load();
      void menus.create();
      // Downloads may be running from before: look when the browser starts, or when this
      // background restarts during a session that had some. Never just because it woke up.
      browser.runtime.onStartup?.addListener(() => void badge.sync());
      void badge.start();
    },
    /** For the webRequest listener (not in the fake browser either). */
    recordMediaRequest: media.record,
  };
}
