import type { Job } from '../../../shared/job';
import { quote } from '../../../shared/quote';
import { type HostConnection, HostRequestError } from '../host-connection';
import type { MediaRequest } from '../media-requests';
import type { CandidatesResult, DownloadTarget } from '../view-messages';
import { downloadCandidates } from '../video-url';

export interface DownloadsDeps {
  host: Pick<HostConnection, 'request'>;
  /** The media requests a tab made (blob: players' streams). */
  mediaFor: (tabId: number) => MediaRequest[];
}

/** Which URL a video is downloaded from, and queuing it: for the popup, the page buttons and the menus. */
export function createDownloads(d: DownloadsDeps) {
  const candidates = (target: DownloadTarget, tabId: number | null): CandidatesResult => {
    const mediaRequests = tabId === null ? [] : d.mediaFor(tabId);
    return { candidates: downloadCandidates({ pageUrl: target.pageUrl, videoSrc: target.videoSrc, mediaRequests }), mediaRequests };
  };

  return {
    candidates,
    /** Chooses the URL for a video (`tabId`: the tab whose media requests count) and queues it. */
    async download(target: DownloadTarget, tabId: number | null): Promise<{ job: Job }> {
      const found = candidates(target, tabId).candidates;
      // A URL the user picked must be one of the candidates: nothing else leaves the extension.
      const chosen = target.url ? found.find((c) => c.url === target.url) : found[0];
      if (!chosen) {
        if (target.url) throw new HostRequestError('INVALID_URL', `${quote(target.url)} is not one of the URLs found for this page`, 'url');
        throw new HostRequestError(
          'INVALID_URL',
          `Nothing to download on ${quote(target.pageUrl)}: only http and https pages and videos can be downloaded`,
          'url',
        );
      }
      return d.host.request('jobs.add', {
        url: chosen.url,
        pageUrl: chosen.pageUrl,
        title: target.pageTitle,
        ...(target.preset ? { preset: target.preset } : {}),
      });
    },
  };
}

export type Downloads = ReturnType<typeof createDownloads>;
