import { checkDownloadUrl } from '../../shared/url';
import type { MediaRequest } from './media-requests';

/** What to hand yt-dlp for a video: a URL, and the page to send as Referer. */
export interface DownloadCandidate {
  url: string;
  pageUrl: string | null;
  kind: 'page' | 'video-src' | 'manifest' | 'progressive';
}

/** Sites yt-dlp has an extractor for: the page URL gets the best formats and the real title. */
const EXTRACTOR_SITES = [
  'youtube.com',
  'youtu.be',
  'vimeo.com',
  'dailymotion.com',
  'twitch.tv',
  'twitter.com',
  'x.com',
  'tiktok.com',
  'instagram.com',
  'facebook.com',
  'reddit.com',
  'soundcloud.com',
  'bilibili.com',
  'streamable.com',
  'ted.com',
  'nicovideo.jp',
  'bandcamp.com',
  'rumble.com',
  'odysee.com',
  'archive.org',
  'bitchute.com',
  'peertube.tv',
];

export function hasExtractor(pageUrl: string): boolean {
  try {
    const host = new URL(pageUrl).hostname.replace(/^www\./, '');
    return EXTRACTOR_SITES.some((site) => host === site || host.endsWith(`.${site}`));
  } catch {
    return false;
  }
}

const isHttp = (u: string | null | undefined): u is string => !!u && checkDownloadUrl(u).ok;

/**
 * The URLs worth offering for one video, best first. Only http(s) URLs ever come out:
 * `blob:` and `data:` sources are replaced by the media requests the tab made.
 */
export function downloadCandidates(o: { pageUrl: string | null; videoSrc?: string | null; mediaRequests?: MediaRequest[] }): DownloadCandidate[] {
  const page = isHttp(o.pageUrl) ? o.pageUrl : null;
  const out: DownloadCandidate[] = [];
  const push = (c: DownloadCandidate) => {
    if (!out.some((x) => x.url === c.url)) out.push(c);
  };
  if (page && hasExtractor(page)) push({ url: page, pageUrl: null, kind: 'page' });
  if (isHttp(o.videoSrc)) push({ url: o.videoSrc, pageUrl: page, kind: 'video-src' });
  const requests = o.mediaRequests ?? [];
  for (const r of requests) if (r.kind === 'manifest' && isHttp(r.url)) push({ url: r.url, pageUrl: page, kind: 'manifest' });
  for (const r of requests) if (r.kind === 'progressive' && isHttp(r.url)) push({ url: r.url, pageUrl: page, kind: 'progressive' });
  // Last resort: yt-dlp's generic extractor reads the page itself.
  if (page) push({ url: page, pageUrl: null, kind: 'page' });
  return out;
}
