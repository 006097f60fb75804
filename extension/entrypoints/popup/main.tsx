import '../../assets/ui.css';
import { render } from 'preact';
import { browser } from 'wxt/browser';
import type { PageInfo } from '../../components/current-page';
import { localizePage } from '../../lib/i18n';
import { confirmCancelAboveMiB, loginMode, loginSites } from '../../lib/preferences';
import { type PortLike, createViewClient } from '../../lib/view-port';
import { type LoginPrefs, PopupApp, firstJobsPage } from './app';

/** The tab the popup is about: the active one, or `?tab=ID` when opened as a page. */
async function loadPage(): Promise<PageInfo> {
  const param = new URLSearchParams(location.search).get('tab');
  const tab = param ? await browser.tabs.get(Number(param)) : (await browser.tabs.query({ active: true, currentWindow: true }))[0];
  if (!tab?.id) return { tabId: null, url: null, title: null };
  return { tabId: tab.id, url: tab.url ?? null, title: tab.title ?? null };
}

localizePage(document, 'popupTitle');
const client = createViewClient((info) => browser.runtime.connect(info) as unknown as PortLike);
// Before anything that waits: the queue is what the popup shows first.
const asked = firstJobsPage(client);
asked.catch(() => {}); // handled by the popup once it renders; not an unhandled rejection meanwhile
/** The queue usually comes in a few tens of ms: waited for a moment, it is in the first render (one render, not two). */
const FIRST_PAGE_WAIT_MS = 120;
// Wrapped, so that a promise handed on is not waited for here.
const quick = Promise.race([
  asked.then(
    (page) => ({ firstPage: page }),
    () => ({ firstPage: asked }),
  ),
  new Promise<{ firstPage: typeof asked }>((r) => setTimeout(() => r({ firstPage: asked }), FIRST_PAGE_WAIT_MS)),
]);
const confirmAbove = (await confirmCancelAboveMiB.getValue()) * 1024 * 1024;
const readLogin = async (): Promise<LoginPrefs> => ({ mode: await loginMode.getValue(), sites: await loginSites.getValue() });
const loginPrefs = {
  get: readLogin,
  watch: (fn: (prefs: LoginPrefs) => void) => {
    const changed = () => void readLogin().then(fn);
    const offMode = loginMode.watch(changed);
    const offSites = loginSites.watch(changed);
    return () => {
      offMode();
      offSites();
    };
  },
};
const { firstPage } = await quick;
render(
  <PopupApp
    client={client}
    loadPage={loadPage}
    confirmAboveBytes={confirmAbove}
    extensionId={browser.runtime.id}
    openOptions={() => void browser.runtime.openOptionsPage()}
    loginPrefs={loginPrefs}
    firstPage={firstPage}
  />,
  document.getElementById('app')!,
);
