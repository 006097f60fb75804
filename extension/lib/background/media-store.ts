import { type MediaRequest, type MediaRequestLog, createMediaRequestLog } from '../media-requests';

type Saved = Record<string, MediaRequest[]>;

export interface TabEvents {
  onUpdated: { addListener(fn: (tabId: number, change: { url?: string }) => void): void };
  onRemoved: { addListener(fn: (tabId: number) => void): void };
}

export interface MediaStoreDeps {
  /** Session storage: an MV3 background is stopped when idle, the tabs' requests stay. */
  store: { getValue(): Promise<Saved>; setValue(value: Saved): Promise<void> };
  log?: MediaRequestLog;
  saveDelayMs?: number;
  /** A tab went to another page or closed: what else is kept of its page goes too. */
  onPageGone?: (tabId: number) => void;
}

/**
 * The media requests each tab made (for blob: players), kept across restarts of the
 * background and forgotten when the tab goes to another page or closes.
 */
export function createMediaStore(d: MediaStoreDeps) {
  const log = d.log ?? createMediaRequestLog();
  const pageOfTab = new Map<number, string>();
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  const save = () => {
    if (saveTimer) return;
    saveTimer = setTimeout(() => {
      saveTimer = null;
      void d.store.setValue(log.dump());
    }, d.saveDelayMs ?? 200);
  };

  const navigated = (tabId: number, url: string) => {
    // A change of #fragment is the same page.
    const page = url.split('#')[0]!;
    if (pageOfTab.get(tabId) === page) return;
    const known = pageOfTab.has(tabId);
    pageOfTab.set(tabId, page);
    log.clearTab(tabId);
    save();
    // The first URL seen of a tab may be the page its frames already reported.
    if (known) d.onPageGone?.(tabId);
  };

  const closed = (tabId: number) => {
    log.clearTab(tabId);
    pageOfTab.delete(tabId);
    save();
    d.onPageGone?.(tabId);
  };

  return {
    forTab: (tabId: number): MediaRequest[] => log.forTab(tabId),
    /** From the webRequest listener. */
    record(tabId: number, url: string, contentType?: string | null, frameId = 0): void {
      const before = log.forTab(tabId)[0];
      log.record(tabId, url, contentType, frameId);
      if (log.forTab(tabId)[0] !== before) save();
    },
    navigated,
    closed,
    listen(tabs: TabEvents): void {
      tabs.onUpdated.addListener((tabId, change) => change.url && navigated(tabId, change.url));
      tabs.onRemoved.addListener(closed);
    },
    /** What an earlier run of the background saved. */
    async load(): Promise<void> {
      log.load(await d.store.getValue());
    },
  };
}
