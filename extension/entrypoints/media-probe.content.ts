import { defineContentScript } from 'wxt/utils/define-content-script';
import { installMediaProbe } from '../lib/page-probe/main-world';

/**
 * Chromium: the page-side probe runs in the page's own world before any of its scripts,
 * in every frame. (Firefox's build injects the same code from media-probe-loader.)
 */
export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  include: ['chrome', 'edge'],
  world: 'MAIN',
  runAt: 'document_start',
  allFrames: true,
  matchAboutBlank: true,
  globalName: false,
  main() {
    installMediaProbe(window);
  },
});
