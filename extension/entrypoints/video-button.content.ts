import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { findVideos } from '../lib/find-videos';
import { showPageButton } from '../lib/preferences';
import { createVideoButtons } from '../lib/video-buttons';
import { type PortLike, createPageClient } from '../lib/view-port';

export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  runAt: 'document_idle',
  async main(ctx) {
    // The popup asks which videos this page has.
    browser.runtime.onMessage.addListener((message: unknown) => {
      if ((message as { kind?: string })?.kind !== 'vidqueue:list-videos') return undefined;
      return Promise.resolve(findVideos().map(({ src, width, height }) => ({ src, width, height })));
    });

    let buttons: ReturnType<typeof createVideoButtons> | null = null;
    const client = createPageClient((info) => browser.runtime.connect(info) as unknown as PortLike);
    const apply = (enabled: boolean) => {
      if (enabled && !buttons) {
        buttons = createVideoButtons(client);
        buttons.start();
      } else if (!enabled && buttons) {
        buttons.stop();
        buttons = null;
      }
    };
    apply(await showPageButton.getValue());
    const unwatch = showPageButton.watch((v) => apply(v));
    ctx.addEventListener(window, 'wxt:locationchange', () => buttons?.reset());
    ctx.onInvalidated(() => {
      unwatch();
      buttons?.stop();
      client.close();
    });
  },
});
