/**
 * Which streams belong to which media element of a frame. Pure: it gets what the page
 * side learnt (each element's own sources and players, the manifests the frame fetched)
 * and decides, for the whole frame at once, so that two players never share a stream
 * unless they really play the same one, and a variant is folded into its master.
 */
import { isPartOrNotVideo } from '../media-requests';
import { type ManifestFacts, type Variant, bestHeight } from './manifest';

export type SourceKind = 'file' | 'hls' | 'dash';

/** A URL worth downloading for one video. */
export interface Source {
  url: string;
  kind: SourceKind;
  live: boolean;
  /** The tallest picture it offers, when known (a master's best variant, a file's own height). */
  height: number | null;
  /** URLs folded into this one (variants, renditions, init segments): never offered apart from it. */
  parts: string[];
}

/** What a player library says it plays into an element. */
export interface PlayerFact {
  lib: 'hls.js' | 'dash.js' | 'video.js';
  url: string;
  variants: Variant[];
  live: boolean | null;
}

/** A manifest the frame fetched: in which synchronous run of script (`task`), and in what order it was asked for (`at`). */
export interface CatalogueEntry extends ManifestFacts {
  task: number;
  at: number;
}

export interface MediaFacts {
  /** Its http(s) sources: `currentSrc`, `src`, the `<source>` children. */
  direct: string[];
  /** Played from a `blob:` (MediaSource) or with no source yet: a script feeds it. */
  fed: boolean;
  currentSrc: string;
  /** The height of what it shows now, 0 when unknown. */
  videoHeight: number;
  players: PlayerFact[];
  /** The synchronous run of script in which its MediaSource was attached, when seen. */
  attachTask: number | null;
  /** When it was attached, on the same counter as the catalogue's `at`. */
  attachSeq: number | null;
}

export interface FrameSources {
  /** Sources of each element, in the order given; best first. */
  perMedia: Source[][];
  /** Streams the frame fetched that no element could be matched with. */
  others: Source[];
}

export const MAX_PARTS = 60;
const MANIFEST_EXT = /\.(m3u8|mpd)(\?|#|$)/i;

const isHttp = (u: string) => /^https?:\/\//i.test(u);

export function attributeSources(media: readonly MediaFacts[], catalogue: readonly CatalogueEntry[]): FrameSources {
  const byUrl = new Map(catalogue.map((e) => [e.url, e]));
  // Each variant, rendition or init segment → the manifest that lists it.
  const parentOf = new Map<string, string>();
  for (const e of catalogue) {
    for (const v of e.variants) if (v.url && v.url !== e.url) parentOf.set(v.url, e.url);
    for (const r of e.related) if (r !== e.url && !parentOf.has(r)) parentOf.set(r, e.url);
  }
  const root = (url: string): string => {
    let at = url;
    for (let i = 0; i < 4; i++) {
      const up = parentOf.get(at);
      if (!up) break;
      at = up;
    }
    return at;
  };
  const partsOf = (url: string, extra: readonly Variant[] = []): string[] => {
    const out = new Set<string>();
    const walk = (u: string, depth: number) => {
      const e = byUrl.get(u);
      if (!e || depth > 2) return;
      for (const u of [...e.variants.map((v) => v.url), ...e.related]) {
        if (!u || out.size >= MAX_PARTS || out.has(u)) continue;
        out.add(u);
        walk(u, depth + 1);
      }
    };
    walk(url, 0);
    for (const v of extra) if (v.url && v.url !== url && out.size < MAX_PARTS) out.add(v.url);
    out.delete(url);
    return [...out];
  };
  const liveOf = (url: string): boolean | null => {
    const e = byUrl.get(url);
    if (!e) return null;
    if (e.live !== null) return e.live;
    const known = e.variants.map((v) => (v.url ? byUrl.get(v.url)?.live : null)).filter((x): x is boolean => typeof x === 'boolean');
    return known.length > 0 ? known.some(Boolean) : null;
  };
  const describe = (url: string, m: MediaFacts | null, player: PlayerFact | null): Source | null => {
    const e = byUrl.get(url);
    const kind: SourceKind = e?.type ?? (MANIFEST_EXT.test(url) ? (/\.mpd/i.test(url) ? 'dash' : 'hls') : 'file');
    // A page may point a <video> at a segment or a caption file: never a video to offer.
    if (kind === 'file' && isPartOrNotVideo(url)) return null;
    const height =
      bestHeight(e?.variants ?? []) ??
      bestHeight(player?.variants ?? []) ??
      (kind === 'file' && m && m.currentSrc === url && m.videoHeight > 0 ? m.videoHeight : null);
    return { url, kind, live: liveOf(url) ?? player?.live ?? false, height, parts: partsOf(url, player?.variants) };
  };

  // A run of script that attached several players says nothing of which is which.
  const attachedIn = new Map<number, number>();
  for (const m of media) if (m.attachTask !== null) attachedIn.set(m.attachTask, (attachedIn.get(m.attachTask) ?? 0) + 1);

  const perMedia: Source[][] = media.map((m) => {
    const out: Source[] = [];
    const add = (url: string, player: PlayerFact | null) => {
      if (!isHttp(url)) return;
      const top = root(url);
      if (out.some((s) => s.url === top)) return;
      const s = describe(top, m, top === url ? player : null);
      if (s) out.push(s);
    };
    for (const p of m.players) add(p.url, p);
    for (const d of m.direct) add(d, null);
    // A generic player: the manifests fetched in the same run of script that attached its MediaSource.
    if (out.length === 0 && m.attachTask !== null && attachedIn.get(m.attachTask) === 1)
      for (const e of catalogue) if (e.task === m.attachTask) add(e.url, null);
    return out;
  });

  const claimed = new Set<string>();
  for (const list of perMedia) for (const s of list) for (const u of [s.url, ...s.parts]) claimed.add(u);
  const roots = catalogue
    .filter((e) => root(e.url) === e.url && !claimed.has(e.url))
    .sort((a, b) => a.at - b.at)
    .map((e) => describe(e.url, null, null))
    .filter((s): s is Source => s !== null);
  const unresolved = media.map((m, i) => ({ m, i })).filter(({ i, m }) => perMedia[i]!.length === 0 && m.fed);

  if (roots.length > 0 && unresolved.length === 1) perMedia[unresolved[0]!.i] = roots;
  else if (roots.length > 1 && unresolved.length === roots.length) {
    // As many unmatched players as unmatched streams: the first attached plays the first fetched.
    const order = unresolved.every((u) => u.m.attachSeq !== null) ? [...unresolved].sort((a, b) => a.m.attachSeq! - b.m.attachSeq!) : unresolved;
    order.forEach((u, k) => {
      perMedia[u.i] = [roots[k]!];
    });
  } else if (roots.length > 0) for (const u of unresolved) perMedia[u.i] = roots;
  return { perMedia, others: unresolved.length === 0 ? roots : [] };
}

/** Every URL the sources stand for: theirs and their parts. */
export function claimedBy(sources: readonly Source[]): Set<string> {
  const out = new Set<string>();
  for (const s of sources) {
    out.add(s.url);
    for (const p of s.parts) out.add(p);
  }
  return out;
}
