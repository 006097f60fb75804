/**
 * Which URL a video is downloaded from, and what is sent with it. Pure: the background
 * hands it what the frames reported and what the network showed.
 */
import { checkDownloadUrl } from '../../../shared/url';
import type { MediaRequest } from '../media-requests';
import type { FrameReport, ReportedVideo } from '../view-messages';
import { type Source, type SourceKind, claimedBy } from './attribute';

/** What to hand yt-dlp for a video. */
export interface DownloadCandidate {
  url: string;
  /** The tab's page; null when `url` is the page itself. */
  pageUrl: string | null;
  /** The frame the video plays in, sent as Referer, when that is not the page. */
  referer: string | null;
  /** `page`: the page's address, which yt-dlp reads itself. */
  kind: 'page' | SourceKind;
  live: boolean;
  height: number | null;
}

export const isHttp = (u: string | null | undefined): u is string => !!u && checkDownloadUrl(u).ok;

/** Where a video was found: the tab's page, and the frame when it is not the page. */
export interface VideoPlace {
  pageUrl: string | null;
  /** The frame's URL when the video is in a frame; null on the top page. */
  frameUrl: string | null;
}

/** The page's own address: yt-dlp's extractors (or its generic one) read the page. */
export function pageCandidate(pageUrl: string | null): DownloadCandidate | null {
  return isHttp(pageUrl) ? { url: pageUrl, pageUrl: null, referer: null, kind: 'page', live: false, height: null } : null;
}

const fromSource = (s: Source, place: VideoPlace): DownloadCandidate => ({
  url: s.url,
  pageUrl: isHttp(place.pageUrl) ? place.pageUrl : null,
  referer: isHttp(place.frameUrl) ? place.frameUrl : null,
  kind: s.kind,
  live: s.live,
  height: s.height,
});

/**
 * What the network showed the frame load that none of its videos claims: manifests in
 * the order they were first asked for (a player asks for the master before its variants),
 * then whole files, newest first.
 */
export function networkSources(frame: FrameReport, requests: readonly MediaRequest[]): Source[] {
  const claimed = claimedBy([...frame.videos.flatMap((v) => v.sources), ...frame.others]);
  const free = requests.filter((r) => !claimed.has(r.url) && isHttp(r.url));
  const manifests = free.filter((r) => r.kind === 'manifest').sort((a, b) => a.at - b.at);
  const files = free.filter((r) => r.kind === 'progressive').sort((a, b) => b.at - a.at);
  return [...manifests, ...files].map((r) => ({
    url: r.url,
    kind: r.kind === 'progressive' ? 'file' : /\.mpd(\?|#|$)/i.test(r.url) ? 'dash' : 'hls',
    live: false,
    height: null,
    parts: [],
  }));
}

/**
 * The URLs worth offering for one video, best first: the page on sites yt-dlp knows (a
 * probe of the page found a site-specific extractor: `pageHasExtractor`), then
 * the video's own sources (its file, or the master its player loaded). A video fed by a
 * script whose page side saw nothing gets what the network showed its frame load. Never
 * the page URL otherwise: a button must not queue something that cannot be its video.
 */
export function videoCandidates(o: {
  place: VideoPlace;
  video: ReportedVideo;
  frame: FrameReport;
  network: readonly MediaRequest[];
  pageHasExtractor?: boolean;
}): DownloadCandidate[] {
  const out: DownloadCandidate[] = [];
  const push = (c: DownloadCandidate | null) => {
    if (c && !out.some((x) => x.url === c.url)) out.push(c);
  };
  if (o.pageHasExtractor && isHttp(o.place.pageUrl)) push(pageCandidate(o.place.pageUrl));
  for (const s of o.video.sources) push(fromSource(s, o.place));
  if (o.video.sources.length === 0 && o.video.fed) for (const s of networkSources(o.frame, o.network)) push(fromSource(s, o.place));
  return out;
}

/** Streams a frame loaded that no video is matched with, for the popup's "also on this page". */
export function unmatchedCandidates(o: { place: VideoPlace; frame: FrameReport; network: readonly MediaRequest[] }): DownloadCandidate[] {
  const fedWithout = o.frame.videos.some((v) => v.fed && v.sources.length === 0);
  // A video without sources takes what the network showed (videoCandidates): not listed twice.
  const network = fedWithout ? [] : networkSources(o.frame, o.network);
  return [...o.frame.others, ...network].map((s) => fromSource(s, o.place));
}

/** A job's title: the video's own label, else the page's title, numbered when the page has several videos. */
export function videoTitle(label: string | null, index: number, count: number, pageTitle: string | null): string | null {
  if (label) return label;
  if (!pageTitle) return null;
  return count > 1 ? `${pageTitle} (${index + 1})` : pageTitle;
}
