import { afterEach, describe, expect, it } from 'vitest';
import type { MediaProbe } from './page-probe/bridge';
import { type Probe, createVideoTracker } from './page-videos';
import type { CatalogueEntry } from './sources/attribute';
import { parseManifest } from './sources/manifest';
import type { FrameReport } from './view-messages';

const sized = (el: Element, w = 640, h = 360) => {
  el.getBoundingClientRect = () => ({ x: 0, y: 0, top: 0, left: 0, width: w, height: h, right: w, bottom: h, toJSON: () => ({}) });
};

/** The page's part, played by the test: what each element's player says, and the manifests fetched. */
function fakeProbe() {
  const players = new Map<Element, MediaProbe>();
  const catalogue: CatalogueEntry[] = [];
  let changed = () => {};
  const probe: Probe = {
    media: (el) => players.get(el) ?? { players: [], attachTask: null, attachSeq: null },
    catalogue: () => catalogue,
    onChange: (_doc, fn) => {
      changed = fn;
      return () => {};
    },
  };
  return { probe, players, catalogue, changed: () => changed() };
}

const MASTER = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=1280x720\n720p.m3u8\n';

afterEach(() => {
  document.body.innerHTML = '';
});

describe('the video tracker of a frame', () => {
  it('reports each shown video with its own label and sources, and a player-fed audio; not hidden or tiny videos', () => {
    document.body.innerHTML = `
      <video id="a" title="Clip A" src="https://cdn.test/a.mp4"></video>
      <video id="b" aria-label="Clip B"></video>
      <video id="tiny" src="https://cdn.test/ad.mp4"></video>
      <audio id="c" src="https://cdn.test/podcast.m4a"></audio>`;
    for (const id of ['a', 'b']) sized(document.getElementById(id)!);
    sized(document.getElementById('tiny')!, 80, 45);
    const f = fakeProbe();
    f.players.set(document.getElementById('b')!, {
      players: [{ lib: 'hls.js', url: 'https://cdn.test/b/master.m3u8', variants: [], live: false }],
      attachTask: 3,
      attachSeq: 4,
    });
    const reports: FrameReport[] = [];
    const tracker = createVideoTracker({ probe: f.probe, onReport: (r) => reports.push(r) });
    tracker.start();
    tracker.stop();
    expect(reports).toHaveLength(1);
    expect(reports[0]!.videos.map((v) => [v.media, v.label, v.sources.map((s) => s.url), v.fed])).toEqual([
      ['video', 'Clip A', ['https://cdn.test/a.mp4'], false],
      ['video', 'Clip B', ['https://cdn.test/b/master.m3u8'], true],
      ['audio', null, ['https://cdn.test/podcast.m4a'], false],
    ]);
    expect(new Set(reports[0]!.videos.map((v) => v.key)).size).toBe(3);
  });

  it("reports a video's poster, resolved against the page, when it is http(s)", () => {
    document.body.innerHTML = `
      <video id="a" src="https://cdn.test/a.mp4" poster="https://cdn.test/a.jpg"></video>
      <video id="b" src="https://cdn.test/b.mp4" poster="data:image/png;base64,AAAA"></video>
      <video id="c" src="https://cdn.test/c.mp4"></video>`;
    for (const id of ['a', 'b', 'c']) sized(document.getElementById(id)!);
    const reports: FrameReport[] = [];
    const tracker = createVideoTracker({ probe: fakeProbe().probe, onReport: (r) => reports.push(r) });
    tracker.start();
    tracker.stop();
    expect(reports[0]!.videos.map((v) => v.poster)).toEqual(['https://cdn.test/a.jpg', null, null]);
  });

  it('never wakes the background for a frame without videos, and says when its last video went', () => {
    const reports: FrameReport[] = [];
    const tracker = createVideoTracker({ probe: fakeProbe().probe, onReport: (r) => reports.push(r) });
    tracker.start();
    tracker.reportNow();
    expect(reports).toEqual([]);
    document.body.innerHTML = '<video src="https://cdn.test/a.mp4"></video>';
    sized(document.querySelector('video')!);
    tracker.reportNow();
    document.body.innerHTML = '';
    tracker.reportNow();
    tracker.stop();
    expect(reports.map((r) => r.videos.length)).toEqual([1, 0]);
  });

  it('resolves a lazy player at the moment it is asked: nothing before it loads, its master after', () => {
    document.body.innerHTML = '<video></video>';
    const el = document.querySelector('video')!;
    sized(el);
    const f = fakeProbe();
    const tracker = createVideoTracker({ probe: f.probe });
    tracker.start();
    expect(tracker.describe(el)).toMatchObject({ sources: [], fed: true });
    f.catalogue.push({ ...parseManifest(MASTER, 'https://cdn.test/m.m3u8')!, task: 1, at: 1 });
    f.players.set(el, { players: [{ lib: 'hls.js', url: 'https://cdn.test/m.m3u8', variants: [], live: null }], attachTask: 1, attachSeq: 2 });
    expect(tracker.describe(el)!.sources).toEqual([
      { url: 'https://cdn.test/m.m3u8', kind: 'hls', live: false, height: 720, parts: ['https://cdn.test/720p.m3u8'] },
    ]);
    tracker.stop();
  });

  it('keeps a video key for its life, and finds a video in an open shadow root', () => {
    document.body.innerHTML = '<div id="host"></div>';
    const root = document.getElementById('host')!.attachShadow({ mode: 'open' });
    root.innerHTML = '<video src="https://cdn.test/s.mp4"></video>';
    const el = root.querySelector('video')!;
    sized(el);
    const tracker = createVideoTracker({ probe: fakeProbe().probe });
    tracker.start();
    const first = tracker.describe(el)!;
    expect(first.sources.map((s) => s.url)).toEqual(['https://cdn.test/s.mp4']);
    expect(tracker.describe(el)!.key).toBe(first.key);
    tracker.stop();
  });

  it('reports again when the page probe says its players changed', async () => {
    document.body.innerHTML = '<video></video>';
    const el = document.querySelector('video')!;
    sized(el);
    const f = fakeProbe();
    const reports: FrameReport[] = [];
    const tracker = createVideoTracker({ probe: f.probe, onReport: (r) => reports.push(r), scanDelayMs: 1 });
    tracker.start();
    f.players.set(el, { players: [{ lib: 'dash.js', url: 'https://cdn.test/d.mpd', variants: [], live: true }], attachTask: null, attachSeq: null });
    f.changed();
    const deadline = Date.now() + 2000;
    while (reports.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    tracker.stop();
    expect(reports.at(-1)!.videos[0]!.sources).toMatchObject([{ url: 'https://cdn.test/d.mpd', kind: 'dash', live: true }]);
  });
});
