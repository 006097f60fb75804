import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { DEV_EXTENSION_KEY, FIREFOX_ADDON_ID } from './shared/identity';

// The extension lives in extension/; the native host and the shared protocol beside it.
export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  publicDir: 'extension/public',
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: ['nativeMessaging', 'contextMenus', 'storage', 'notifications', 'tabs', 'webRequest'],
    host_permissions: ['<all_urls>'],
    action: { default_title: '__MSG_extName__' },
    // The public key fixes the development build's id, so `vidqueue install` can allow it up front.
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: FIREFOX_ADDON_ID, strict_min_version: '142.0', data_collection_permissions: { required: ['none'] } } } }
      : { key: DEV_EXTENSION_KEY }),
  }),
});
