/**
 * yt-dlp's `-J` document, reduced to what a person chooses from: the probe result. Pure:
 * what the daemon fetched besides (an HLS playlist's duration, a file's length) comes in
 * as `extra`, and `lookups` says what would be worth fetching.
 */
import { MAX_MESSAGE_TO_BROWSER } from '../../../shared/limits';
import type { ProbeEntry, ProbeFormat, ProbeResult, ProbeSize } from '../../../shared/probe';
import { cleanTitle } from '../../../shared/title';
import { checkDownloadUrl } from '../../../shared/url';
import { isGenericExtractor, videoKey } from '../downloader/video-key';

/** A playlist entry with what the daemon keeps to itself: its extractor and key (`videoKey`), to know it was downloaded before. */
export interface FullEntry extends ProbeEntry {
  extractor: string | null;
  key: string | null;
}

/** The whole probe, every entry of a playlist included; `pageOf` cuts what goes on the wire. */
export interface FullProbe extends Omit<ProbeResult, 'playlist'> {
  playlist: { id: string | null; title: string | null; count: number; entries: FullEntry[] } | null;
}

/** What the daemon may fetch to complete a probe (yt-dlp does not say). */
export interface Lookups {
  /** An HLS media playlist whose segments give the duration (a master's variants carry none). */
  hlsPlaylist: { url: string; headers: Record<string, string> } | null;
  /** Direct files of unknown size, by format id: their length says it exactly. */
  lengths: { formatId: string; url: string; headers: Record<string, string> }[];
}

export interface Extra {
  /** Seconds, from an HLS playlist. */
  duration?: number | null;
  /** Exact sizes by format id, from the server's Content-Length. */
  lengths?: Record<string, number>;
}

type Json = Record<string, unknown>;

const MAX_FORMATS = 200;
const MAX_LANGUAGES = 300;
const MAX_TEXT = 300;
const MAX_LENGTH_LOOKUPS = 4;
/** Languages that are not subtitles (YouTube's live chat replay, Twitch's chat). */
const NOT_SUBTITLES = new Set(['live_chat', 'rechat']);
const AUDIO_EXTS = new Set(['m4a', 'mp3', 'opus', 'ogg', 'oga', 'aac', 'wav', 'flac', 'weba', 'mka']);

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string | null => (typeof x === 'string' && x.length > 0 ? x : null);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : null);
/** Text from a site: no control characters, a sane length. */
const text = (x: unknown, max = MAX_TEXT): string | null => {
  const s = str(x);
  return s === null ? null : cleanTitle(s).slice(0, max) || null;
};
const httpUrl = (x: unknown): string | null => {
  const s = str(x);
  if (s === null) return null;
  const check = checkDownloadUrl(s);
  return check.ok ? check.url : null;
};

/** `avc1.64001f` → `h264`, `mp4a.40.2` → `aac`, `none` or unknown → null. */
export function codecFamily(codec: unknown): string | null {
  const c = str(codec)?.toLowerCase();
  if (!c || c === 'none') return null;
  const families: [RegExp, string][] = [
    [/^(avc[1-4]|h\.?264)/, 'h264'],
    [/^(hvc1|hev1|h\.?265|hevc)/, 'h265'],
    [/^(vp0?9)/, 'vp9'],
    [/^(vp0?8)/, 'vp8'],
    [/^(av01|av1)/, 'av1'],
    [/^(mp4a\.40\.34|mp4a\.6b|mp3)/, 'mp3'],
    [/^(mp4a|aac)/, 'aac'],
    [/^opus/, 'opus'],
    [/^vorbis/, 'vorbis'],
    [/^(ac-3|ac3)/, 'ac3'],
    [/^(ec-3|eac3)/, 'eac3'],
    [/^(flac|fla)/, 'flac'],
  ];
  for (const [re, family] of families) if (re.test(c)) return family;
  return c.split('.')[0]!.slice(0, 16);
}

/** An HLS media playlist's length: the sum of its segments, when it has ended (a live one has no length). */
export function hlsDuration(playlist: string): number | null {
  if (!/#EXT-X-ENDLIST/.test(playlist)) return null;
  let total = 0;
  let found = false;
  for (const m of playlist.matchAll(/^#EXTINF:\s*([\d.]+)/gm)) {
    total += Number(m[1]);
    found = true;
  }
  return found && Number.isFinite(total) ? total : null;
}

function headersOf(f: Json): Record<string, string> {
  const h = isObject(f.http_headers) ? f.http_headers : {};
  return Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function protocolOf(f: Json): string | null {
  const p = str(f.protocol);
  if (!p) return null;
  if (p.startsWith('m3u8')) return 'hls';
  if (p.includes('dash')) return 'dash';
  if (p === 'https') return 'http';
  return p.split('+')[0]!;
}

/** Seconds: the site's, else the DASH segments', else what was fetched. */
function durationOf(info: Json, formats: Json[], extra: Extra): number | null {
  const own = num(info.duration);
  if (own) return own;
  for (const f of formats) {
    if (!Array.isArray(f.fragments)) continue;
    const sum = f.fragments.reduce((a: number, fr) => a + (isObject(fr) ? (num(fr.duration) ?? 0) : 0), 0);
    if (sum > 0) return sum;
  }
  return extra.duration ?? null;
}

function sizeOf(f: Json, duration: number | null, extra: Extra, id: string): ProbeSize | null {
  const exact = num(f.filesize) ?? extra.lengths?.[id] ?? null;
  if (exact) return { bytes: Math.round(exact), estimate: false };
  const approx = num(f.filesize_approx);
  if (approx) return { bytes: Math.round(approx), estimate: true };
  const tbr = num(f.tbr);
  if (tbr && duration) return { bytes: Math.round(((tbr * 1000) / 8) * duration), estimate: true };
  return null;
}

function reduceFormat(f: Json, duration: number | null, extra: Extra): ProbeFormat | null {
  const id = str(f.format_id);
  if (!id) return null;
  const ext = str(f.ext);
  if (ext === 'mhtml' || f.protocol === 'mhtml' || f.format_note === 'storyboard' || f.has_drm === true) return null;
  const vcodec = f.vcodec;
  const acodec = f.acodec;
  // 'none' means absent; unknown codecs (a plain file, a generic page) are taken as both, unless the file is audio.
  const hasVideo = vcodec !== 'none' && !(vcodec == null && ext !== null && AUDIO_EXTS.has(ext));
  const hasAudio = acodec !== 'none';
  if (!hasVideo && !hasAudio) return null;
  const height = num(f.height);
  const fps = num(f.fps);
  const abr = num(f.abr);
  const label = hasVideo
    ? height
      ? `${height}p${fps && fps > 30 ? Math.round(fps) : ''}`
      : (text(f.format_note, 40) ?? 'unknown')
    : `audio${abr ? ` ${Math.round(abr)}k` : ''}`;
  return {
    id: id.slice(0, MAX_TEXT),
    label,
    width: num(f.width),
    height,
    fps,
    hasVideo,
    hasAudio,
    videoCodec: hasVideo ? codecFamily(vcodec) : null,
    audioCodec: hasAudio ? codecFamily(acodec) : null,
    container: ext,
    bitrate: num(f.tbr),
    size: sizeOf(f, duration, extra, id),
    protocol: protocolOf(f),
  };
}

/** yt-dlp lists formats worst first: best first here, videos before audio only, in yt-dlp's own order of quality. */
function orderFormats(formats: ProbeFormat[]): ProbeFormat[] {
  const best = [...formats].reverse();
  return [...best.filter((f) => f.hasVideo), ...best.filter((f) => !f.hasVideo)];
}

const sumSizes = (sizes: (ProbeSize | null)[]): ProbeSize | null => {
  if (sizes.length === 0 || sizes.some((s) => s === null)) return null;
  return { bytes: sizes.reduce((a, s) => a + s!.bytes, 0), estimate: sizes.some((s) => s!.estimate) };
};

/** What yt-dlp's default choice (the best video and audio, as the `best` preset) weighs. */
function defaultSize(info: Json, formats: ProbeFormat[]): ProbeSize | null {
  const requested = Array.isArray(info.requested_formats) ? info.requested_formats.filter(isObject).map((f) => str(f.format_id)) : [];
  const ids = requested.length > 0 ? requested : (str(info.format_id)?.split('+') ?? []);
  if (ids.length === 0 || ids.some((id) => id === null)) return null;
  return sumSizes(ids.map((id) => formats.find((f) => f.id === id)?.size ?? null));
}

function languages(x: unknown): string[] {
  if (!isObject(x)) return [];
  return Object.keys(x)
    .filter((l) => !NOT_SUBTITLES.has(l))
    .map((l) => l.slice(0, 64))
    .slice(0, MAX_LANGUAGES);
}

function reduceEntry(e: unknown, position: number): FullEntry {
  if (!isObject(e)) return { index: position, id: null, title: null, duration: null, url: null, extractor: null, key: null };
  const isReference = e._type === 'url' || e._type === 'url_transparent';
  const extractor = str(e.ie_key) ?? str(e.extractor_key);
  const id = str(e.id);
  return {
    index: num(e.playlist_index) ?? position,
    id: text(e.id),
    title: text(e.title, 1000),
    duration: num(e.duration),
    // A reference to another page is downloaded as that page; an entry the list holds itself, by its position.
    url: isReference ? httpUrl(e.url) : null,
    extractor,
    key: extractor && id ? videoKey(extractor, id, str(e.webpage_url)) : null,
  };
}

/** The video's image: its `thumbnail`, else the last (yt-dlp's best) of its `thumbnails`; http(s) only. */
export function thumbnailOf(info: Json): string | null {
  const own = httpUrl(info.thumbnail);
  if (own) return own;
  const list = Array.isArray(info.thumbnails) ? info.thumbnails.filter(isObject) : [];
  for (let i = list.length - 1; i >= 0; i--) {
    const u = httpUrl(list[i]!.url);
    if (u) return u;
  }
  return null;
}

/**
 * Reduces one `-J` document. `url` is what was asked (the document's own URL may differ
 * after redirects); `now` is when yt-dlp read it.
 */
export function reduceProbe(doc: unknown, url: string, now: number, extra: Extra = {}): { probe: FullProbe; lookups: Lookups } {
  const info: Json = isObject(doc) ? doc : {};
  const rawFormats = Array.isArray(info.formats) ? info.formats.filter(isObject) : [];
  const duration = durationOf(info, rawFormats, extra);
  const formats = orderFormats(
    rawFormats
      .map((f) => reduceFormat(f, duration, extra))
      .filter((f): f is ProbeFormat => f !== null)
      .slice(-MAX_FORMATS),
  );
  const isPlaylist = info._type === 'playlist' || info._type === 'multi_video';
  const entries = isPlaylist && Array.isArray(info.entries) ? info.entries.map((e, i) => reduceEntry(e, i + 1)) : [];
  const extractor = str(info.extractor_key);
  const probe: FullProbe = {
    url,
    extractor,
    generic: extractor !== null && isGenericExtractor(extractor),
    id: text(info.id),
    title: text(info.title, 1000),
    uploader: text(info.uploader) ?? text(info.channel),
    duration,
    thumbnail: thumbnailOf(info),
    isLive: info.is_live === true || info.live_status === 'is_live',
    wasLive: info.was_live === true || info.live_status === 'was_live',
    formats,
    size: defaultSize(info, formats),
    subtitles: languages(info.subtitles),
    automaticCaptions: languages(info.automatic_captions),
    playlist: isPlaylist ? { id: text(info.id), title: text(info.title, 1000), count: entries.length, entries } : null,
    probedAt: now,
  };
  return { probe, lookups: lookupsFor(info, rawFormats, probe, extra) };
}

function lookupsFor(info: Json, rawFormats: Json[], probe: FullProbe, extra: Extra): Lookups {
  const live = probe.isLive || info.live_status === 'is_upcoming';
  let hlsPlaylist: Lookups['hlsPlaylist'] = null;
  if (probe.duration === null && !live && extra.duration === undefined) {
    // The lightest variant: every one of them lasts as long.
    const hls = rawFormats.filter((f) => protocolOf(f) === 'hls' && httpUrl(f.url)).sort((a, b) => (num(a.tbr) ?? 0) - (num(b.tbr) ?? 0));
    if (hls[0]) hlsPlaylist = { url: httpUrl(hls[0].url)!, headers: headersOf(hls[0]) };
  }
  const lengths: Lookups['lengths'] = [];
  if (!probe.playlist && !live && extra.lengths === undefined) {
    for (const f of rawFormats) {
      const id = str(f.format_id);
      const u = httpUrl(f.url);
      if (id && u && protocolOf(f) === 'http' && num(f.filesize) === null && num(f.filesize_approx) === null)
        lengths.push({ formatId: id, url: u, headers: headersOf(f) });
    }
  }
  return { hlsPlaylist, lengths: lengths.slice(-MAX_LENGTH_LOOKUPS) };
}

/** A reply stays well under what native messaging lets the daemon send the browser (as `Queue.list`). */
const PAGE_BUDGET_BYTES = Math.floor(MAX_MESSAGE_TO_BROWSER * 0.8);

/** The result on the wire: a playlist's entries from `cursor`, at most `limit`, within the byte budget. */
export function pageOf(full: FullProbe, cursor = 0, limit = 200, budget = PAGE_BUDGET_BYTES): ProbeResult {
  if (!full.playlist) return { ...full, playlist: null };
  const { entries, ...list } = full.playlist;
  const base: ProbeResult = { ...full, playlist: { ...list, entries: [], cursor, nextCursor: null } };
  let bytes = Buffer.byteLength(JSON.stringify(base));
  const page: ProbeEntry[] = [];
  for (const e of entries.slice(cursor, cursor + limit)) {
    const { extractor: _x, key: _k, ...entry } = e;
    bytes += Buffer.byteLength(JSON.stringify(entry)) + 1;
    if (bytes > budget && page.length > 0) break;
    page.push(entry);
  }
  const next = cursor + page.length;
  return { ...base, playlist: { ...list, entries: page, cursor, nextCursor: next < entries.length ? next : null } };
}
