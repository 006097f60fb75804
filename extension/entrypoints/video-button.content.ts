import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { createVideoTracker } from '../lib/page-videos';
import { showPageButton } from '../lib/preferences';
import { createVideoButtons } from '../lib/video-buttons';
import { type PortLike, createPageClient } from '../lib/view-port';

export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  // Every frame (same- and cross-origin, and the about:blank ones scripts fill): videos play in frames too.
  allFrames: true,
  matchAboutBlank: true,
  runAt: 'document_idle',
  async main(ctx) {
    const client = createPageClient((info) => browser.runtime.connect(info) as unknown as PortLike);
    // This frame's videos go to the background (the popup lists them) whether or not buttons are shown.
    const tracker = createVideoTracker({ onReport: (report) => client.report(report) });
    tracker.start();
    // The popup opened: the background asks every frame again (it may have forgotten them).
    const onMessage = (message: unknown) => {
      if ((message as { kind?: string })?.kind === 'vidqueue:report-videos') tracker.reportNow();
      return undefined;
    };
    browser.runtime.onMessage.addListener(onMessage);

    let buttons: ReturnType<typeof createVideoButtons> | null = null;
    const apply = (enabled: boolean) => {
      if (enabled && !buttons) {
        buttons = createVideoButtons(client, tracker);
        buttons.start();
      } else if (!enabled && buttons) {
        buttons.stop();
        buttons = null;
      }
    };
    apply(await showPageButton.getValue());
    const unwatch = showPageButton.watch((v) => apply(v));
    ctx.addEventListener(window, 'wxt:locationchange', () => (buttons ? buttons.reset() : tracker.reset()));
    ctx.onInvalidated(() => {
      unwatch();
      browser.runtime.onMessage.removeListener(onMessage);
      buttons?.stop();
      tracker.stop();
      client.close();
    });
  },
});
