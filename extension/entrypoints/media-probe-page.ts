import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { installMediaProbe } from '../lib/page-probe/main-world';

/** Firefox: the page-side probe, injected into the page's world by media-probe-loader. */
export default defineUnlistedScript({
  include: ['firefox'],
  globalName: false,
  main() {
    installMediaProbe(window);
  },
});
