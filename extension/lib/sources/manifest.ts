/**
 * What a streaming manifest says about itself: a master (HLS multivariant playlist, or a
 * DASH MPD) and the variants it lists, the other URLs that belong to it (audio and
 * subtitle renditions, I-frame playlists, init segments), and whether it is live.
 * Pure; used in the page (on the text its players fetched) and in tests.
 */

export interface Variant {
  /** Absolute URL of the variant playlist; null in DASH, whose representations are not separate documents. */
  url: string | null;
  height: number | null;
  width: number | null;
  bandwidth: number | null;
}

export interface ManifestFacts {
  url: string;
  type: 'hls' | 'dash';
  /** Lists variants (HLS multivariant playlist), or is an MPD: the thing to download. */
  master: boolean;
  variants: Variant[];
  /** URLs that are part of this stream but never a video by themselves (renditions, init segments). */
  related: string[];
  /** No end yet (HLS without #EXT-X-ENDLIST, a dynamic MPD); null for an HLS master (its variants say). */
  live: boolean | null;
}

/** Lists are bounded: a page's manifest cannot make us keep or send an unbounded amount. */
export const MAX_VARIANTS = 40;
export const MAX_RELATED = 40;
/** Longer texts are not parsed: no real manifest of a master or a short playlist needs this. */
export const MAX_MANIFEST_CHARS = 2_000_000;

const resolve = (ref: string, base: string): string | null => {
  try {
    const u = new URL(ref, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
};

/** `KEY=value,KEY2="quoted, value"` → a map; quotes removed. */
export function parseAttributes(list: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of list.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) {
    const value = m[2]!;
    out[m[1]!] = value.startsWith('"') ? value.slice(1, -1) : value;
  }
  return out;
}

const positive = (s: string | undefined): number | null => {
  const n = Number(s);
  return Number.isFinite(n) && n > 0 ? Math.round(n) : null;
};

/** The text of an HLS playlist or an MPD, or null when it is neither. */
export function parseManifest(text: string, url: string): ManifestFacts | null {
  if (text.length > MAX_MANIFEST_CHARS) return null;
  const head = text
    .slice(0, 1024)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head.startsWith('#EXTM3U')) return parseHls(text, url);
  if (/<MPD[\s>]/.test(head) || (/^<\?xml/.test(head) && /<MPD[\s>]/.test(text.slice(0, 4096)))) return parseDash(text, url);
  return null;
}

function parseHls(text: string, url: string): ManifestFacts {
  const variants: Variant[] = [];
  const related = new Set<string>();
  let pending: Record<string, string> | null = null;
  let ended = false;
  let vod = false;
  const relate = (uri: string | undefined) => {
    const abs = uri ? resolve(uri, url) : null;
    if (abs && related.size < MAX_RELATED) related.add(abs);
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const colon = line.indexOf(':');
      const tag = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1);
      if (tag === '#EXT-X-STREAM-INF') pending = parseAttributes(value);
      else if (tag === '#EXT-X-MEDIA' || tag === '#EXT-X-I-FRAME-STREAM-INF' || tag === '#EXT-X-MAP') relate(parseAttributes(value).URI);
      else if (tag === '#EXT-X-ENDLIST') ended = true;
      else if (tag === '#EXT-X-PLAYLIST-TYPE' && value.trim() === 'VOD') vod = true;
      continue;
    }
    // A URI line: the variant of the #EXT-X-STREAM-INF before it, else a segment.
    if (pending) {
      const abs = resolve(line, url);
      const [w, h] = (pending.RESOLUTION ?? '').split('x');
      if (abs && variants.length < MAX_VARIANTS) variants.push({ url: abs, width: positive(w), height: positive(h), bandwidth: positive(pending.BANDWIDTH) });
      pending = null;
    }
  }
  const master = variants.length > 0;
  return { url, type: 'hls', master, variants, related: [...related], live: master ? null : !ended && !vod };
}

function parseDash(text: string, url: string): ManifestFacts {
  const mpd = /<MPD\b[^>]*>/.exec(text)?.[0] ?? '';
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  const variants: Variant[] = [];
  for (const m of text.matchAll(/<Representation\b[^>]*>/g)) {
    if (variants.length >= MAX_VARIANTS) break;
    const tag = m[0];
    const height = positive(attr(tag, 'height'));
    if (height === null && !/video/.test(attr(tag, 'mimeType') ?? '')) continue;
    variants.push({ url: null, height, width: positive(attr(tag, 'width')), bandwidth: positive(attr(tag, 'bandwidth')) });
  }
  return { url, type: 'dash', master: true, variants, related: [], live: attr(mpd, 'type') === 'dynamic' };
}

/** The tallest variant, when any says its height. */
export function bestHeight(variants: readonly { height: number | null }[]): number | null {
  let best: number | null = null;
  for (const v of variants) if (v.height !== null && (best === null || v.height > best)) best = v.height;
  return best;
}
