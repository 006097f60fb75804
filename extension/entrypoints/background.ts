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
  });
  background.start();
  // Media requests of each tab, for videos whose source is a blob: (HLS/DASH players).
  browser.webRequest?.onResponseStarted.addListener(
    (details) => {
      const type = details.responseHeaders?.find((h) => h.name.toLowerCase() === 'content-type')?.value;
      background.recordMediaRequest(details.tabId, details.url, type);
    },
    { urls: ['http://*/*', 'https://*/*'], types: ['media', 'xmlhttprequest', 'other'] },
    ['responseHeaders'],
  );
});
