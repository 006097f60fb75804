import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { DEV_EXTENSION_KEY, FIREFOX_ADDON_ID } from './shared/identity';

/**
 * `npm run build:release` and `npm run zip` (or VIDQUEUE_RELEASE=1): the same production build, without the
 * public key, into .output/<browser>-release, so the development build stays where the tests
 * and the demo expect it. (A `--mode release` would also change WXT's and Preact's code to
 * their development variants.)
 */
const release = ['build:release', 'zip'].includes(process.env.npm_lifecycle_event ?? '') || process.env.VIDQUEUE_RELEASE === '1';

// The extension lives in extension/; the native host and the shared protocol beside it.
export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  ...(release ? { outDirTemplate: '{{browser}}-mv{{manifestVersion}}-release' } : {}),
  publicDir: 'extension/public',
  modules: ['@wxt-dev/webextension-polyfill'],
  // Store zips: the Chrome Web Store's, and Firefox's with the sources AMO asks for (the extension
  // and what it imports; not the native host, its tests or the development tooling).
  zip: {
    artifactTemplate: 'vidqueue-{{version}}-{{browser}}.zip',
    sourcesTemplate: 'vidqueue-{{version}}-sources.zip',
    includeSources: ['shared/**/!(*.test).ts'],
    excludeSources: ['native-host/**', 'devkit/**', 'scripts/**', 'test-output/**', '**/*.test.ts', '**/*.test.tsx', 'extension/test/**', '.ci/**'],
  },
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: ['nativeMessaging', 'contextMenus', 'storage', 'notifications', 'tabs', 'webRequest', 'cookies'],
    host_permissions: ['<all_urls>'],
    action: { default_title: '__MSG_extName__' },
    // The development build carries the public key, which fixes its id so that `vidqueue install --dev`
    // allows it up front (tests, the demo). The release build has none: the browser gives it an id of
    // its own, which `vidqueue install --extension-id` allows, and no one else can build an extension with.
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: FIREFOX_ADDON_ID, strict_min_version: '142.0', data_collection_permissions: { required: ['none'] } } } }
      : release
        ? {}
        : { key: DEV_EXTENSION_KEY }),
  }),
});
