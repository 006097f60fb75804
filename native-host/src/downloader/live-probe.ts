import { isHlsContentType, isHlsPath, parsePlaylist } from './hls';

/**
 * Whether a URL is a live HLS stream, asked of the server before yt-dlp starts: yt-dlp's
 * generic extractor does not know, and its native downloader would stop at the end of
 * the current window and call that a finished video.
 */
export interface LiveProbe {
  live: boolean;
  /** What was seen, for the log. */
  detail: string;
}

export interface ProbeOptions {
  /** For the whole probe (the playlist, then a master's first variant). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Files that are never playlists: no request is made for them. */
const NOT_A_PLAYLIST = /\.(?:mp4|m4v|m4a|mov|webm|mkv|mp3|ogg|oga|ogv|opus|flac|wav|aac|ts|m4s|mpd|f4m|avi|flv|3gp|jpg|png|gif|vtt|srt)$/i;
/** Playlists are small; anything larger is not one worth reading. */
const MAX_PLAYLIST_BYTES = 2 * 1024 * 1024;

export async function probeLive(url: string, referer: string | null, o: ProbeOptions = {}): Promise<LiveProbe> {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return { live: false, detail: 'not a URL' };
  }
  if (NOT_A_PLAYLIST.test(path)) return { live: false, detail: 'a media file, not a playlist' };
  const signal = AbortSignal.timeout(o.timeoutMs ?? 8000);
  const get = o.fetch ?? fetch;
  try {
    const first = await fetchPlaylist(get, url, referer, signal);
    if (first.kind === 'none') return { live: false, detail: first.detail };
    let playlist = first.playlist;
    if (playlist.kind === 'master') {
      if (!playlist.firstVariant) return { live: false, detail: 'a master playlist without a variant to follow' };
      const variant = await fetchPlaylist(get, playlist.firstVariant, referer, signal);
      if (variant.kind === 'none') return { live: false, detail: `its first variant: ${variant.detail}` };
      playlist = variant.playlist;
      if (playlist.kind === 'master') return { live: false, detail: 'a master playlist whose variant is a master too' };
    }
    return playlist.ended
      ? { live: false, detail: 'an HLS playlist that ends (#EXT-X-ENDLIST)' }
      : { live: true, detail: 'an HLS playlist without #EXT-X-ENDLIST' };
  } catch (err) {
    // yt-dlp asks again, and says what is wrong if something is.
    return { live: false, detail: `the playlist could not be read: ${(err as Error).message}` };
  }
}

type Fetched = { kind: 'playlist'; playlist: NonNullable<ReturnType<typeof parsePlaylist>> } | { kind: 'none'; detail: string };

async function fetchPlaylist(get: typeof fetch, url: string, referer: string | null, signal: AbortSignal): Promise<Fetched> {
  const res = await get(url, { headers: referer ? { Referer: referer } : {}, redirect: 'follow', signal });
  const type = res.headers.get('content-type');
  const finalUrl = res.url || url;
  if (!res.ok || !(isHlsContentType(type) || isHlsPath(finalUrl))) {
    await res.body?.cancel().catch(() => {});
    return { kind: 'none', detail: res.ok ? `not a playlist (${type ?? 'no content type'})` : `HTTP ${res.status}` };
  }
  const text = await readBounded(res);
  if (text === null) return { kind: 'none', detail: `larger than ${MAX_PLAYLIST_BYTES} bytes: not a playlist` };
  const playlist = parsePlaylist(text, finalUrl);
  return playlist ? { kind: 'playlist', playlist } : { kind: 'none', detail: 'not a playlist (no #EXTM3U)' };
}

async function readBounded(res: Response): Promise<string | null> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_PLAYLIST_BYTES) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
