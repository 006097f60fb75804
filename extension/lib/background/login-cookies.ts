import { browser } from 'wxt/browser';
import type { Cookie } from '../../../shared/cookies';
import { type LoginMode, cookieUrls, jobSite, sendsLogin, siteOf, toJobCookies } from '../login';

export interface LoginDeps {
  settings: () => Promise<{ mode: LoginMode; sites: string[] }>;
  allowSite: (site: string) => Promise<void>;
}

/**
 * The tab's own cookie store: a Firefox container's or a private window's (`cookieStoreId`),
 * or the Chromium store holding the tab; the default one when the tab is gone.
 */
async function storeOf(tabId: number | null): Promise<string | undefined> {
  if (tabId === null) return undefined;
  try {
    const tab = (await browser.tabs.get(tabId)) as { cookieStoreId?: string };
    if (tab.cookieStoreId) return tab.cookieStoreId;
  } catch {
    return undefined;
  }
  try {
    return (await browser.cookies.getAllCookieStores()).find((s) => s.tabIds.includes(tabId))?.id;
  } catch {
    return undefined;
  }
}

/** The browser's login for downloads: which sites get it, and their cookies read from the tab's store. */
export function createLogin(d: LoginDeps) {
  /** The cookies of the hosts of a download (its file, page and frame), from the tab's store. */
  const read = async (where: { url: string; pageUrl?: string | null; referer?: string | null }, tabId: number | null): Promise<Cookie[]> => {
    const storeId = await storeOf(tabId);
    const found = await Promise.all(cookieUrls(where).map((url) => browser.cookies.getAll({ url, ...(storeId ? { storeId } : {}) }).catch(() => [])));
    return toJobCookies(found.flat());
  };
  return {
    /** The cookies a download started from the browser carries, or none when its site does not get the login. */
    async forDownload(where: { url: string; pageUrl?: string | null; referer?: string | null }, tabId: number | null): Promise<Cookie[]> {
      const { mode, sites } = await d.settings();
      const site = siteOf(where.pageUrl) ?? siteOf(where.url);
      return sendsLogin(mode, sites, site) ? read(where, tabId) : [];
    },
    /** "Retry with my login for <site>": the user allowed the site (asked, or Always); its cookies. */
    async forRetry(job: { url: string; pageUrl: string | null; referer?: string | null }, tabId: number | null): Promise<Cookie[]> {
      const { mode } = await d.settings();
      const site = jobSite(job);
      if (mode === 'never' || site === null) return [];
      if (mode === 'ask') await d.allowSite(site);
      return read(job, tabId);
    },
  };
}

export type Login = ReturnType<typeof createLogin>;
