import { beforeAll, describe, expect, it } from 'vitest';
import { onProbeChange, sanitizeCatalogue, sanitizeMediaProbe, probeCatalogue, probeMedia } from './bridge';
import { PROBE_EVENTS } from './events';
import { installMediaProbe } from './main-world';

/** The page's globals, as a page script sees them. */
const page = window as any;
const MASTER = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2000000,RESOLUTION=1280x720\n720p/index.m3u8\n';

beforeAll(() => {
  // The page's fetch, as the probe finds it when it installs (before any page script).
  page.fetch = async () => new Response(MASTER, { headers: { 'content-type': 'application/vnd.apple.mpegurl' } });
  installMediaProbe(window as never);
});

/** A library's script has run: what a page's <script src> does, then its load event. */
function loaded(define: () => void) {
  define();
  const script = document.createElement('script');
  document.head.append(script);
  script.dispatchEvent(new Event('load'));
  script.remove();
}

const until = async (check: () => boolean) => {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('the page-side probe', () => {
  it('tells which element each hls.js instance plays, the library loaded after the probe', () => {
    class Hls {
      media: HTMLMediaElement | null = null;
      url: string | null = null;
      levels = [{ uri: 'https://cdn.test/b/720p.m3u8', height: 720, width: 1280, bitrate: 2e6 }];
      attachMedia(m: HTMLMediaElement) {
        this.media = m;
      }
      loadSource(u: string) {
        this.url = u;
      }
    }
    loaded(() => {
      page.Hls = Hls;
    });
    // Nothing is defined on the page's window before: a page testing `'Hls' in window` is not misled.
    expect(Object.getOwnPropertyDescriptor(window, 'Hls')).toMatchObject({ value: Hls, writable: true });
    document.body.innerHTML = '<video id="a"></video><video id="b"></video>';
    for (const id of ['a', 'b']) {
      const hls = new page.Hls();
      hls.loadSource(`https://cdn.test/${id}/master.m3u8`);
      hls.attachMedia(document.getElementById(id));
    }
    expect(probeMedia(document.getElementById('b') as HTMLVideoElement)).toEqual({
      players: [
        {
          lib: 'hls.js',
          url: 'https://cdn.test/b/master.m3u8',
          variants: [{ url: 'https://cdn.test/b/720p.m3u8', height: 720, width: 1280, bandwidth: 2e6 }],
          live: null,
        },
      ],
      attachTask: null,
      attachSeq: null,
    });
    expect(probeMedia(document.getElementById('a') as HTMLVideoElement).players.map((p) => p.url)).toEqual(['https://cdn.test/a/master.m3u8']);
  });

  it('sees through dash.js players and open shadow roots', () => {
    const host = document.createElement('div');
    document.body.replaceChildren(host);
    const root = host.attachShadow({ mode: 'open' });
    root.innerHTML = '<video></video>';
    const video = root.querySelector('video')!;
    // dash.js makes its namespace, then hangs MediaPlayer on it.
    loaded(() => {
      page.dashjs = {};
      page.dashjs.MediaPlayer = Object.assign(
        () => ({
          create: () => {
            let view: unknown = null;
            let source = '';
            return {
              initialize: (v: unknown, s: string) => {
                view = v;
                source = s;
              },
              getVideoElement: () => view,
              getSource: () => source,
              isDynamic: () => true,
            };
          },
        }),
        { events: { STREAM_INITIALIZED: 'streamInitialized' } },
      );
    });
    const player = page.dashjs.MediaPlayer().create();
    player.initialize(video, 'https://cdn.test/live.mpd', true);
    expect(page.dashjs.MediaPlayer.events.STREAM_INITIALIZED).toBe('streamInitialized');
    expect(probeMedia(video).players).toEqual([{ lib: 'dash.js', url: 'https://cdn.test/live.mpd', variants: [], live: true }]);
  });

  it('reads the manifests the page fetches, leaves the page its own response, and says something changed', async () => {
    let changes = 0;
    const off = onProbeChange(document, () => changes++);
    const res: Response = await page.fetch('https://cdn.test/m/master.m3u8');
    expect(await res.text()).toBe(MASTER);
    await until(() => probeCatalogue(document).length > 0);
    expect(probeCatalogue(document)).toMatchObject([
      { url: 'https://cdn.test/m/master.m3u8', type: 'hls', master: true, variants: [{ url: 'https://cdn.test/m/720p/index.m3u8', height: 720 }] },
    ]);
    await until(() => changes > 0);
    off();
  });

  it('keeps nothing of what the page forges but well-formed http(s) facts, bounded', () => {
    // The page can answer the content script itself: its answer is only the page's own claim.
    const video = document.createElement('video');
    document.body.replaceChildren(video);
    const forge = (e: Event) => {
      e.stopImmediatePropagation();
      video.dispatchEvent(
        new CustomEvent(PROBE_EVENTS.mediaReply, {
          detail: JSON.stringify({
            players: [
              { lib: 'hls.js', url: 'javascript:alert(1)' },
              { lib: 'evil', url: 'https://a.test/x.m3u8' },
            ],
          }),
        }),
      );
    };
    window.addEventListener(PROBE_EVENTS.media, forge, true);
    try {
      expect(probeMedia(video)).toEqual({ players: [], attachTask: null, attachSeq: null });
    } finally {
      window.removeEventListener(PROBE_EVENTS.media, forge, true);
    }
    expect(sanitizeMediaProbe({ players: Array.from({ length: 100 }, (_, i) => ({ lib: 'hls.js', url: `https://a.test/${i}.m3u8` })) }).players).toHaveLength(
      8,
    );
    expect(sanitizeMediaProbe('nonsense')).toEqual({ players: [], attachTask: null, attachSeq: null });
    expect(
      sanitizeCatalogue([
        { url: 'file:///etc/passwd', type: 'hls' },
        { url: 'https://a.test/m.mpd', type: 'dash', related: ['data:,x', 'https://a.test/i.mp4'], live: 'yes' },
      ]),
    ).toEqual([{ url: 'https://a.test/m.mpd', type: 'dash', master: false, variants: [], related: ['https://a.test/i.mp4'], live: null, task: 0, at: 0 }]);
  });
});
