import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { createBackground } from '../lib/background/create-background';
import type { ContextMenusApi } from '../lib/background/menus';
import type { NativePort } from '../lib/host-connection';

export default defineBackground(() => {
  const chromeApi = (globalThis as { chrome?: { runtime?: { lastError?: { message?: string } } } }).chrome;
  const background = createBackground({
    browser,
    connectNative: (name) => browser.runtime.connectNative(name) as unknown as NativePort,
    onViewConnect: (listener) => browser.runtime.onConnect.addListener(listener),
    lastError: () => chromeApi?.runtime?.lastError?.message,
    contextMenus: (browser.contextMenus ?? (browser as unknown as { menus?: unknown }).menus) as unknown as ContextMenusApi,
    // Every frame of the tab (no frameId): those with no content script or no video stay silent.
    askReports: (tabId) => void browser.tabs.sendMessage(tabId, { kind: 'vidqueue:report-videos' }).catch(() => {}),
  });
  background.start();
  // Media requests of each tab and frame: the net for players whose page side shows nothing.
  browser.webRequest?.onResponseStarted.addListener(
    (details) => {
      const type = details.responseHeaders?.find((h) => h.name.toLowerCase() === 'content-type')?.value;
      background.recordMediaRequest(details.tabId, details.url, type, details.frameId);
    },
    { urls: ['http://*/*', 'https://*/*'], types: ['media', 'xmlhttprequest', 'other'] },
    ['responseHeaders'],
  );
});
