import { defineContentScript } from 'wxt/utils/define-content-script';
import { injectScript } from 'wxt/utils/inject-script';

/**
 * Firefox (MV2 has no main-world content scripts): puts the page-side probe into the
 * page's world as early as a content script can. Players set up before it arrives are
 * still seen through their libraries' globals and the network (webRequest).
 */
export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  include: ['firefox'],
  runAt: 'document_start',
  allFrames: true,
  matchAboutBlank: true,
  async main() {
    await injectScript('/media-probe-page.js', { keepInDom: false }).catch(() => {});
  },
});
