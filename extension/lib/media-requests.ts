/** A media URL a tab requested, seen through webRequest. */
export interface MediaRequest {
  url: string;
  kind: 'manifest' | 'progressive';
  at: number;
  /** The frame that made it (0: the top page). */
  frameId: number;
}

const MANIFEST = /\.(m3u8|mpd)(\?|#|$)/i;
const PROGRESSIVE = /\.(mp4|webm|m4v|mov|mkv|m4a|mp3|ogg|ogv|flac)(\?|#|$)/i;
const MANIFEST_TYPES = /mpegurl|dash\+xml/i;
/** Parts of a stream, never a video by themselves: segments, init segments (`init.mp4`, `init-stream0.m4s`). */
const SEGMENT = /\/(seg|segment|chunk|frag|fragment)[-_]?\d+[^/]*$|\/init([-_][^/]*)?\.(mp4|m4s|m4v|m4a|cmfv|cmfa)(\?|#|$)|\.(ts|m4s|cmfv|cmfa)(\?|#|$)/i;
/** Subtitles, captions, thumbnails and images. */
const NOT_VIDEO = /\.(vtt|webvtt|srt|ttml|dfxp|jpe?g|png|gif|webp|avif|bmp|svg|ico)(\?|#|$)/i;
const NOT_VIDEO_TYPES = /^(image\/|text\/vtt|application\/ttml|video\/iso\.segment)/i;
const PER_TAB = 20;

/** Which requests are media worth offering: manifests and whole files, never segments, subtitles or images. */
export function classifyMediaRequest(url: string, contentType?: string | null): MediaRequest['kind'] | null {
  if (!/^https?:/i.test(url)) return null;
  const path = url.replace(/[?#].*$/, '');
  if (NOT_VIDEO.test(path) || (contentType && NOT_VIDEO_TYPES.test(contentType))) return null;
  if (MANIFEST.test(path) || (contentType && MANIFEST_TYPES.test(contentType))) return 'manifest';
  if (SEGMENT.test(path)) return null;
  if (PROGRESSIVE.test(path) || (contentType && /^(video|audio)\//i.test(contentType))) return 'progressive';
  return null;
}

/** A segment, an init segment, a caption file or an image: never offered as a video, whoever points at it. */
export function isPartOrNotVideo(url: string): boolean {
  const path = url.replace(/[?#].*$/, '');
  return SEGMENT.test(path) || NOT_VIDEO.test(path);
}

/** The media requests of each tab, newest first, forgotten when the tab navigates or closes. */
export function createMediaRequestLog(now: () => number = Date.now) {
  const byTab = new Map<number, MediaRequest[]>();
  return {
    record(tabId: number, url: string, contentType?: string | null, frameId = 0): void {
      if (tabId < 0) return;
      const kind = classifyMediaRequest(url, contentType);
      if (!kind) return;
      const list = byTab.get(tabId) ?? [];
      const seen = list.find((r) => r.url === url && r.frameId === frameId);
      // A request seen again keeps its first time: a player asks for the master before its variants.
      const next = [seen ?? { url, kind, at: now(), frameId }, ...list.filter((r) => r !== seen)];
      byTab.set(tabId, next.slice(0, PER_TAB));
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
      for (const [tab, list] of Object.entries(saved)) {
        if (byTab.has(Number(tab)) || !Array.isArray(list)) continue;
        byTab.set(
          Number(tab),
          list.slice(0, PER_TAB).map((r) => ({ ...r, frameId: r.frameId ?? 0 })),
        );
      }
    },
  };
}

export type MediaRequestLog = ReturnType<typeof createMediaRequestLog>;
