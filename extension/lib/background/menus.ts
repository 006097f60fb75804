import type { Preset } from '../../../shared/job';
import { checkDownloadUrl } from '../../../shared/url';
import type { HostConnection } from '../host-connection';
import { t } from '../i18n';
import type { Downloads } from './downloads';

export interface ContextMenusApi {
  create(props: { id: string; title: string; contexts: string[] }): unknown;
  removeAll(): Promise<void> | void;
  onClicked: { addListener(fn: (info: ContextMenuInfo, tab?: MenuTab) => void): void };
}
export interface ContextMenuInfo {
  menuItemId: string | number;
  pageUrl?: string;
  linkUrl?: string;
  srcUrl?: string;
  /** Where the right-click happened: 0 on the top page, else a frame, with its URL. */
  frameId?: number;
  frameUrl?: string;
}
export interface MenuTab {
  id?: number;
  url?: string;
  title?: string;
}

export interface MenusDeps {
  /** contextMenus (Chrome) or menus (Firefox); missing from the fake browser. */
  api?: ContextMenusApi;
  host: Pick<HostConnection, 'request'>;
  downloads: Pick<Downloads, 'download'>;
  /** A right-click has no view: its errors become notifications. */
  notifyError: (message: string) => void;
}

const MENUS: { id: string; contexts: string[]; title: Parameters<typeof t>[0] }[] = [
  { id: 'page', contexts: ['page'], title: 'menuDownloadPage' },
  { id: 'page-audio', contexts: ['page'], title: 'menuDownloadPageAudio' },
  { id: 'link', contexts: ['link'], title: 'menuDownloadLink' },
  { id: 'link-audio', contexts: ['link'], title: 'menuDownloadLinkAudio' },
  { id: 'video', contexts: ['video'], title: 'menuDownloadVideo' },
  { id: 'video-audio', contexts: ['video'], title: 'menuDownloadVideoAudio' },
];

/** The right-click menus: the page, a link, a video; each with an audio-only variant. */
export function createMenus(d: MenusDeps) {
  let made: Promise<void> = Promise.resolve();

  /** Idempotent: menus do not survive a restart everywhere (Firefox), so they are made each time. */
  const create = (): Promise<void> => {
    const api = d.api;
    if (!api) return Promise.resolve();
    made = made.then(async () => {
      await api.removeAll();
      for (const m of MENUS) api.create({ id: m.id, title: t(m.title), contexts: m.contexts });
    });
    return made;
  };

  const onClick = (info: ContextMenuInfo, tab?: MenuTab): void => {
    const id = String(info.menuItemId);
    const preset: Preset | undefined = id.endsWith('-audio') ? 'audio' : undefined;
    const pageUrl = info.pageUrl ?? tab?.url ?? null;
    const fail = (err: Error) => d.notifyError(err.message);
    if (id.startsWith('link')) {
      // The linked page or file is what gets downloaded; the current page is its referer.
      const check = checkDownloadUrl(info.linkUrl ?? '', 'link');
      if (!check.ok) {
        d.notifyError(check.message);
        return;
      }
      const referer = pageUrl && checkDownloadUrl(pageUrl).ok ? pageUrl : null;
      void d.host.request('jobs.add', { url: check.url, pageUrl: referer, ...(preset ? { preset } : {}) }).catch(fail);
      return;
    }
    const tabId = tab?.id ?? null;
    const pageTitle = tab?.title ?? null;
    if (id.startsWith('video')) {
      // The video in the frame it plays in: its sources as that frame reported them, the frame as Referer.
      const frameId = info.frameId ?? 0;
      const frame = { frameId, frameUrl: info.frameUrl ?? (frameId === 0 ? pageUrl : null), pageUrl, pageTitle };
      void d.downloads.download({ videoSrc: info.srcUrl ?? null, ...(preset ? { preset } : {}) }, { tabId, frame }).catch(fail);
      return;
    }
    void d.downloads.download({ pageUrl, pageTitle, tabId, ...(preset ? { preset } : {}) }, { tabId }).catch(fail);
  };

  return {
    create,
    onClick,
    listen(): void {
      d.api?.onClicked.addListener(onClick);
    },
  };
}
