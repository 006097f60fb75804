/** A media URL a tab requested, seen through webRequest. */
export interface MediaRequest {
  url: string;
  kind: 'manifest' | 'progressive';
  at: number;
}

const MANIFEST = /\.(m3u8|mpd)(\?|#|$)/i;
const PROGRESSIVE = /\.(mp4|webm|m4v|mov|mkv|m4a|mp3|ogg|ogv|flac)(\?|#|$)/i;
const MANIFEST_TYPES = /mpegurl|dash\+xml/i;
const PER_TAB = 20;

/** Which requests are media worth offering: manifests and whole files, not segments. */
export function classifyMediaRequest(url: string, contentType?: string | null): MediaRequest['kind'] | null {
  if (!/^https?:/i.test(url)) return null;
  if (MANIFEST.test(url) || (contentType && MANIFEST_TYPES.test(contentType))) return 'manifest';
  if (/\/(seg|chunk|frag)[-_]?\d+|\.(ts|m4s)(\?|$)/i.test(url)) return null;
  if (PROGRESSIVE.test(url) || (contentType && /^(video|audio)\//i.test(contentType))) return 'progressive';
  return null;
}

/** The media requests of each tab, newest first, forgotten when the tab navigates or closes. */
export function createMediaRequestLog(now: () => number = Date.now) {
  const byTab = new Map<number, MediaRequest[]>();
  return {
    record(tabId: number, url: string, contentType?: string | null): void {
      if (tabId < 0) return;
      const kind = classifyMediaRequest(url, contentType);
      if (!kind) return;
      const list = (byTab.get(tabId) ?? []).filter((r) => r.url !== url);
      list.unshift({ url, kind, at: now() });
      byTab.set(tabId, list.slice(0, PER_TAB));
    },
    forTab(tabId: number): MediaRequest[] {
      return byTab.get(tabId) ?? [];
    },
    clearTab(tabId: number): void {
      byTab.delete(tabId);
    },
    /** For keeping across restarts of the background. */
    dump(): Record<string, MediaRequest[]> {
      return Object.fromEntries([...byTab].map(([tab, list]) => [String(tab), list]));
    },
    load(saved: Record<string, MediaRequest[]>): void {
      for (const [tab, list] of Object.entries(saved)) if (!byTab.has(Number(tab))) byTab.set(Number(tab), list.slice(0, PER_TAB));
    },
  };
}

export type MediaRequestLog = ReturnType<typeof createMediaRequestLog>;
