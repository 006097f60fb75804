import { MAX_TITLE_LENGTH } from './limits';

/**
 * Titles, from browsers and from sites, are for display: no control characters (they could
 * drive a terminal), no bidirectional overrides (they disguise what follows), a sane length.
 */
export function cleanTitle(title: string): string {
  return (
    title
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes or refuses
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
      .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
      .trim()
      .slice(0, MAX_TITLE_LENGTH)
  );
}

/**
 * The names manifests and segment lists go by (`index.m3u8`, `master.m3u8`, `chunklist_w123.m3u8`):
 * what yt-dlp makes a title of when it knows nothing better, and no title for a person. A
 * suffix counts when each of its parts holds a digit (`_w123`, `-720p`, `0`), so that
 * `videos` or `stream highlights` stay titles.
 */
const MANIFEST_NAME = /^(?:index|master|manifest|playlist|init|stream|chunklist|media|video)(?:[-_.]?(?=[a-z]*\d)[a-z\d]+)*$/i;

export function isManifestName(title: string): boolean {
  return MANIFEST_NAME.test(title.trim());
}

/** A title made from the URL's host (`www.` left out), for a video nothing else names. */
export function hostTitle(url: string): string {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return 'video';
  }
  return cleanTitle(host.replace(/^www\./i, '')) || 'video';
}

export interface TitleSources {
  /** The title the job has: what it was queued with (a video's label, a page title). */
  queued: string | null;
  /** What yt-dlp said: its title, and which extractor gave it (`Generic` knows no site). */
  extracted: { title?: string | null; extractor?: string | null } | null;
  url: string;
}

/**
 * A job's title, best first: the site's own (an extractor that knows the site replaces the
 * title the job was queued with), the title it was queued with, the title yt-dlp made up
 * when it is not a manifest's file name, and failing all, the URL's host. Always one.
 */
export function chooseTitle(s: TitleSources): string {
  const extracted = s.extracted?.title ? cleanTitle(s.extracted.title) : '';
  const generic = !s.extracted?.extractor || /^generic$/i.test(s.extracted.extractor);
  if (extracted && !generic) return extracted;
  const queued = s.queued ? cleanTitle(s.queued) : '';
  if (queued) return queued;
  if (extracted && !isManifestName(extracted)) return extracted;
  return hostTitle(s.url);
}
