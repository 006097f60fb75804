/**
 * Just enough of HLS playlists to tell a live stream from a finished one. Pure: the
 * caller fetches (`live-probe.ts`).
 */

export type Playlist =
  /** A master playlist: its renditions; the first variant's URL, resolved against the master's. */
  | { kind: 'master'; firstVariant: string | null }
  /** A media playlist: `ended` once it says `#EXT-X-ENDLIST` (a VOD, or a live stream that is over). */
  | { kind: 'media'; ended: boolean };

/** The content types servers give HLS playlists. */
const HLS_TYPES = /^(?:application|audio|video)\/(?:x-|vnd\.apple\.)?mpegurl$/i;

export function isHlsContentType(contentType: string | null): boolean {
  return contentType !== null && HLS_TYPES.test(contentType.split(';')[0]!.trim());
}

/** A URL whose path names a playlist (`.m3u8`, `.m3u`). */
export function isHlsPath(url: string): boolean {
  try {
    return /\.m3u8?$/i.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

/**
 * Reads a playlist; null when the text is not one (no `#EXTM3U` first). A master is told by
 * its `#EXT-X-STREAM-INF` tags; the URI line after the first of them is its first variant.
 */
export function parsePlaylist(text: string, baseUrl: string): Playlist | null {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines[0] !== '#EXTM3U') return null;
  const inf = lines.findIndex((l) => l.startsWith('#EXT-X-STREAM-INF'));
  if (inf !== -1) {
    const uri = lines.slice(inf + 1).find((l) => !l.startsWith('#'));
    return { kind: 'master', firstVariant: uri ? resolve(uri, baseUrl) : null };
  }
  return { kind: 'media', ended: lines.some((l) => l === '#EXT-X-ENDLIST') };
}

function resolve(uri: string, base: string): string | null {
  try {
    const u = new URL(uri, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}
