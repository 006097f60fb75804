import type { Extra, Lookups } from './reduce';
import { hlsDuration } from './reduce';

/** An HLS media playlist of a few hours is some hundred KiB. */
const MAX_PLAYLIST_BYTES = 2 * 1024 * 1024;

/** Reads a response body as text, up to `max` bytes (null beyond: not what was expected). */
async function boundedText(res: Response, max: number): Promise<string | null> {
  if (!res.body) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > max) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Fetches what yt-dlp's document lacks (`Lookups`, decided by `reduceProbe`) with the
 * headers yt-dlp would send: an HLS playlist for the duration, the length of direct files.
 * Each is best-effort and bounded in time and size: what fails is simply not known.
 */
export async function fetchLookups(l: Lookups, signal: AbortSignal, timeoutMs: number): Promise<Extra> {
  const within = () => AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  const extra: Extra = {};
  const jobs: Promise<void>[] = [];
  if (l.hlsPlaylist) {
    const { url, headers } = l.hlsPlaylist;
    jobs.push(
      (async () => {
        const res = await fetch(url, { headers, signal: within() });
        const text = res.ok ? await boundedText(res, MAX_PLAYLIST_BYTES) : null;
        extra.duration = text === null ? null : hlsDuration(text);
      })().catch(() => {
        extra.duration = null;
      }),
    );
  }
  if (l.lengths.length > 0) {
    const lengths: Record<string, number> = {};
    extra.lengths = lengths;
    for (const { formatId, url, headers } of l.lengths) {
      jobs.push(
        (async () => {
          const res = await fetch(url, { method: 'HEAD', headers, signal: within() });
          const length = Number(res.headers.get('content-length'));
          // A compressed body's length is not the file's.
          if (res.ok && !res.headers.get('content-encoding') && Number.isSafeInteger(length) && length > 0) lengths[formatId] = length;
        })().catch(() => {}),
      );
    }
  }
  await Promise.all(jobs);
  return extra;
}
