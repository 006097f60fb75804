import type { Job, Preset } from '../../../shared/job';
import { quote } from '../../../shared/quote';
import { checkDownloadUrl } from '../../../shared/url';
import { type HostConnection, HostRequestError } from '../host-connection';
import { t } from '../i18n';
import type { MediaRequest } from '../media-requests';
import { type DownloadCandidate, isHttp, networkSources, pageCandidate, unmatchedCandidates, videoCandidates, videoTitle } from '../sources/candidates';
import type { DownloadTarget, FrameReport, ListedVideo, PageVideosResult, ReportedVideo } from '../view-messages';
import type { Login } from './login-cookies';
import type { FrameEntry, JobOrigin, PageVideos } from './page-videos';

export interface DownloadsDeps {
  host: Pick<HostConnection, 'request'>;
  /** The media requests a tab made (what the network showed). */
  mediaFor: (tabId: number) => MediaRequest[];
  /** What each frame's content script reported. */
  videos: PageVideos;
  /** The browser's login for the sites the user gives it to (none when absent). */
  login?: Pick<Login, 'forDownload' | 'forRetry'>;
  /** Whether yt-dlp knows a page's site (a probe found a non-generic extractor): remembered, or asked. */
  extractors?: { known(pageUrl: string): boolean | undefined; ask(pageUrl: string): Promise<boolean> };
}

/**
 * Who asks for a download. A content script (or a right-click, which the browser places)
 * comes with its frame as the browser says it: its page and Referer are taken from there,
 * never from what the script sends.
 */
export interface Asker {
  tabId: number | null;
  frame?: { frameId: number; frameUrl: string | null; pageUrl: string | null; pageTitle: string | null };
}

/** A candidate with the title its job gets and, for a video, where it was. */
interface Choice {
  candidate: DownloadCandidate;
  title: string | null;
  /** The video's poster: the job's thumbnail until yt-dlp or a probe knows better. */
  thumbnail?: string | null;
  origin?: JobOrigin;
}

/** A poster the daemon accepts as a thumbnail (http or https), or nothing. */
const posterParam = (poster: string | null | undefined) => (poster && checkDownloadUrl(poster).ok ? { thumbnail: poster } : {});

const EMPTY: FrameReport = { videos: [], others: [] };

/** Nothing downloadable is known for a video yet: its player loads on first play. */
export const noSourceYet = () => new HostRequestError('NOT_FOUND', t('buttonPlayFirst'), 'video');

/** A `<video>` seen only by its source (a right-click, an older content script). */
function sourceOnly(src: string | null | undefined): ReportedVideo {
  const url = src ?? '';
  const http = isHttp(url);
  const kind = /\.m3u8(\?|#|$)/i.test(url) ? 'hls' : /\.mpd(\?|#|$)/i.test(url) ? 'dash' : 'file';
  return {
    key: '',
    media: 'video',
    label: null,
    src: url,
    width: 0,
    height: 0,
    sources: http ? [{ url, kind, live: false, height: null, parts: [] }] : [],
    fed: !http,
  };
}

/** A direct source given as it is (a right-click's or an older view's `videoSrc`), for the page as a whole. */
function directCandidate(src: string, pageUrl: string | null): DownloadCandidate {
  return { url: src, pageUrl: isHttp(pageUrl) ? pageUrl : null, referer: null, kind: sourceOnly(src).sources[0]?.kind ?? 'file', live: false, height: null };
}

/** Which URL a video is downloaded from, and queuing it: for the popup, the page buttons and the menus. */
export function createDownloads(d: DownloadsDeps) {
  const networkOf = (tabId: number, frameId: number) => d.mediaFor(tabId).filter((r) => r.frameId === frameId);
  const placeOf = (pageUrl: string | null, frameId: number, frameUrl: string | null) => ({ pageUrl, frameUrl: frameId === 0 ? null : frameUrl });
  const knownSite = (pageUrl: string | null) => isHttp(pageUrl) && d.extractors?.known(pageUrl) === true;
  /** Before choosing a URL: a page nobody probed yet is probed (briefly), so that a site yt-dlp knows gets its page URL. */
  const learnSite = async (pageUrl: string | null | undefined) => {
    if (isHttp(pageUrl) && d.extractors && d.extractors.known(pageUrl) === undefined) await d.extractors.ask(pageUrl);
  };

  /** Every video of the tab (all frames, the top page first), with its candidates and title. */
  const list = (tabId: number, pageUrl: string | null, pageTitle: string | null): PageVideosResult => {
    const frames = d.videos.frames(tabId);
    const all = frames.flatMap((f) => f.report.videos.map((v) => ({ f, v })));
    const videos: ListedVideo[] = all.map(({ f, v }, i) => ({
      frameId: f.frameId,
      key: v.key,
      media: v.media,
      label: v.label,
      title: videoTitle(v.label, i, all.length, pageTitle),
      poster: v.poster ?? null,
      candidates: videoCandidates({
        place: placeOf(pageUrl, f.frameId, f.frameUrl),
        video: v,
        frame: f.report,
        network: networkOf(tabId, f.frameId),
        pageHasExtractor: knownSite(pageUrl),
      }),
    }));
    const taken = new Set(videos.flatMap((v) => v.candidates.map((c) => c.url)));
    const others: DownloadCandidate[] = [];
    const reported = new Set(frames.map((f) => f.frameId));
    const silent = [...new Set(d.mediaFor(tabId).map((r) => r.frameId))].filter((id) => !reported.has(id));
    const unmatched = [
      ...frames.flatMap((f) => unmatchedCandidates({ place: placeOf(pageUrl, f.frameId, f.frameUrl), frame: f.report, network: networkOf(tabId, f.frameId) })),
      // Frames that reported nothing (no visible video there) may still have loaded a stream.
      ...silent.flatMap((id) =>
        networkSources(EMPTY, networkOf(tabId, id)).map((s) => ({ ...s, pageUrl: isHttp(pageUrl) ? pageUrl : null, referer: null }) as DownloadCandidate),
      ),
    ];
    for (const c of unmatched) {
      if (taken.has(c.url)) continue;
      taken.add(c.url);
      others.push({ url: c.url, pageUrl: c.pageUrl, referer: c.referer, kind: c.kind, live: c.live, height: c.height });
    }
    return { videos, others, page: pageCandidate(pageUrl) };
  };

  const pick = (choices: Choice[], url: string | undefined, pageUrl: string | null | undefined): Choice => {
    const chosen = url ? choices.find((c) => c.candidate.url === url) : choices[0];
    if (chosen) return chosen;
    // A URL the user picked must be one of the candidates: nothing else leaves the extension.
    if (url) throw new HostRequestError('INVALID_URL', `${quote(url)} is not one of the URLs found for this page`, 'url');
    throw new HostRequestError(
      'INVALID_URL',
      `Nothing to download on ${quote(pageUrl ?? null)}: only http and https pages and videos can be downloaded`,
      'url',
    );
  };

  const add = async (choice: Choice, preset: Preset | undefined, tabId: number | null, exact?: DownloadTarget['choice']): Promise<{ job: Job }> => {
    const c = choice.candidate;
    const cookies = (await d.login?.forDownload(c, tabId)) ?? [];
    const result = await d.host.request('jobs.add', {
      url: c.url,
      pageUrl: c.pageUrl,
      ...(c.referer ? { referer: c.referer } : {}),
      title: choice.title,
      ...posterParam(choice.thumbnail),
      // An exact choice (made from a probe of this URL) wins over a preset: the daemon takes one of them.
      ...(exact ? { choice: exact } : preset ? { preset } : {}),
      ...(cookies.length > 0 ? { cookies } : {}),
    });
    if (choice.origin) d.videos.rememberJob(result.job.id, choice.origin);
    return result;
  };

  /** A video in a frame: the one the content script describes, else the one the frame reported with that source. */
  const inFrame = (target: DownloadTarget, tabId: number | null, frame: NonNullable<Asker['frame']>): Choice[] => {
    const pageUrl = frame.pageUrl;
    const entry: FrameEntry | undefined = tabId === null ? undefined : d.videos.frame(tabId, frame.frameId);
    if (target.video && tabId !== null) {
      // What the button saw at the click is the freshest report of that video.
      const report = entry?.report ?? EMPTY;
      const videos = report.videos.some((v) => v.key === target.video!.key)
        ? report.videos.map((v) => (v.key === target.video!.key ? target.video! : v))
        : [...report.videos, target.video];
      d.videos.report(tabId, frame.frameId, frame.frameUrl, { ...report, videos });
    }
    const report = (tabId === null ? undefined : d.videos.frame(tabId, frame.frameId))?.report ?? EMPTY;
    const video =
      target.video ??
      report.videos.find((v) => target.videoSrc && v.src === target.videoSrc) ??
      // A right-click on a player fed by a script: the only such video of the frame is that one.
      (target.videoSrc?.startsWith('blob:') ? report.videos.filter((v) => v.fed).at(0) : undefined) ??
      sourceOnly(target.videoSrc);
    const listed = tabId === null ? [] : list(tabId, pageUrl, frame.pageTitle).videos;
    const index = listed.findIndex((v) => v.frameId === frame.frameId && v.key === video.key && video.key !== '');
    const title = videoTitle(video.label, Math.max(0, index), index === -1 ? 1 : listed.length, frame.pageTitle ?? target.pageTitle ?? null);
    const candidates = videoCandidates({
      place: placeOf(pageUrl, frame.frameId, frame.frameUrl),
      video,
      frame: report,
      network: tabId === null ? [] : networkOf(tabId, frame.frameId),
      pageHasExtractor: knownSite(pageUrl),
    });
    const origin = tabId !== null && video.key ? { tabId, frameId: frame.frameId, key: video.key, pageUrl } : undefined;
    return candidates.map((candidate) => ({ candidate, title, thumbnail: video.poster ?? null, ...(origin ? { origin } : {}) }));
  };

  /** The page as a whole (the popup's page address or unmatched streams, the page menu). */
  const pageLevel = (target: DownloadTarget, tabId: number | null): Choice[] => {
    const pageUrl = target.pageUrl ?? null;
    const pageTitle = target.pageTitle ?? null;
    const listing = tabId === null ? { videos: [], others: [], page: pageCandidate(pageUrl) } : list(tabId, pageUrl, pageTitle);
    const choices: Choice[] = [];
    const page = listing.page ? { candidate: listing.page, title: pageTitle } : null;
    if (page && knownSite(page.candidate.url)) choices.push(page);
    if (isHttp(target.videoSrc)) choices.push({ candidate: directCandidate(target.videoSrc, pageUrl), title: pageTitle });
    const first = listing.videos.find((v) => v.candidates.length > 0);
    if (first && tabId !== null)
      choices.push({
        candidate: first.candidates[0]!,
        title: first.title,
        thumbnail: first.poster,
        origin: { tabId, frameId: first.frameId, key: first.key, pageUrl },
      });
    for (const c of listing.others) choices.push({ candidate: c, title: pageTitle });
    if (page) choices.push(page);
    return choices;
  };

  return {
    list,
    /** Chooses the URL for a video and queues it. */
    async download(target: DownloadTarget, asker: Asker): Promise<{ job: Job }> {
      const { tabId } = asker;
      // A URL the popup picked is among what it was shown: nothing to learn first.
      if (!target.url) await learnSite(asker.frame ? asker.frame.pageUrl : target.pageUrl);
      if (asker.frame) {
        const choices = inFrame(target, tabId, asker.frame);
        if (choices.length === 0 && !target.url) throw noSourceYet();
        return add(pick(choices, target.url, asker.frame.pageUrl), target.preset, tabId, target.choice);
      }
      if (target.videoKey !== undefined && tabId !== null) {
        const frameId = target.frameId ?? 0;
        const item = list(tabId, target.pageUrl ?? null, target.pageTitle ?? null).videos.find((v) => v.frameId === frameId && v.key === target.videoKey);
        if (!item) throw new HostRequestError('NOT_FOUND', 'That video is no longer on the page', 'videoKey');
        if (item.candidates.length === 0) throw noSourceYet();
        const origin = { tabId, frameId, key: item.key, pageUrl: target.pageUrl ?? null };
        return add(
          pick(
            item.candidates.map((candidate) => ({ candidate, title: item.title, thumbnail: item.poster, origin })),
            target.url,
            target.pageUrl,
          ),
          target.preset,
          tabId,
          target.choice,
        );
      }
      return add(pick(pageLevel(target, tabId), target.url, target.pageUrl), target.preset, tabId, target.choice);
    },
    /**
     * Retries a job. One a page button or the popup started from a video, which failed before
     * any byte, is retried with that video's sources as they are now (a player that had not
     * loaded its stream at the first click has since).
     */
    async retry(jobId: number, given: { url?: string; referer?: string | null; withLogin?: boolean } = {}): Promise<{ job: Job }> {
      const origin = d.videos.originOf(jobId);
      // Nothing to find out about the job (no video to look at again, no login to read): retried as it is.
      if (!origin && !d.login) return d.host.request('jobs.retry', { jobId, ...(given.url !== undefined ? { url: given.url, referer: given.referer } : {}) });
      const { job } = await d.host.request('jobs.get', { jobId });
      const tabId = origin?.tabId ?? null;
      let change: { url?: string; referer?: string | null } =
        given.url !== undefined ? { url: given.url, ...(given.referer !== undefined ? { referer: given.referer } : {}) } : {};
      const frame = origin ? d.videos.frame(origin.tabId, origin.frameId) : undefined;
      const video = frame?.report.videos.find((v) => v.key === origin!.key);
      if (given.url === undefined && origin && job.status === 'failed' && job.progress.downloadedBytes === 0 && frame && video) {
        const [now] = videoCandidates({
          place: placeOf(origin.pageUrl, frame.frameId, frame.frameUrl),
          video,
          frame: frame.report,
          network: networkOf(origin.tabId, frame.frameId),
          pageHasExtractor: knownSite(origin.pageUrl),
        });
        if (now && now.url !== job.url) change = { url: now.url, referer: now.referer };
      }
      // The cookies are the browser's at this moment: a job keeps none once it ends.
      const where = { url: change.url ?? job.url, pageUrl: job.pageUrl, referer: change.referer ?? job.referer };
      const cookies = given.withLogin ? ((await d.login?.forRetry(where, tabId)) ?? []) : ((await d.login?.forDownload(where, tabId)) ?? []);
      return d.host.request('jobs.retry', { jobId, ...change, ...(cookies.length > 0 ? { cookies } : {}) });
    },
  };
}

export type Downloads = ReturnType<typeof createDownloads>;
