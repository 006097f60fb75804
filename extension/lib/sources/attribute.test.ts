import { describe, expect, it } from 'vitest';
import { type CatalogueEntry, type MediaFacts, attributeSources, claimedBy } from './attribute';
import { parseManifest } from './manifest';

const master = (base: string, task: number, at: number): CatalogueEntry => ({
  ...parseManifest(
    `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\n360p/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2000000,RESOLUTION=1280x720\n720p/index.m3u8\n`,
    `${base}/master.m3u8`,
  )!,
  task,
  at,
});
const variant = (base: string, name: string, task: number, at: number, ended = true): CatalogueEntry => ({
  ...parseManifest(`#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:1,\nseg0.m4s\n${ended ? '#EXT-X-ENDLIST\n' : ''}`, `${base}/${name}/index.m3u8`)!,
  task,
  at,
});
const mse = (over: Partial<MediaFacts> = {}): MediaFacts => ({
  direct: [],
  fed: true,
  currentSrc: 'blob:https://p.test/1',
  videoHeight: 0,
  players: [],
  attachTask: null,
  attachSeq: null,
  ...over,
});
const A = 'https://cdn.test/a';
const B = 'https://cdn.test/b';

describe('attributeSources', () => {
  it('gives each player the stream its library says it plays, never the other one', () => {
    const catalogue = [master(A, 1, 1), master(B, 2, 2), variant(A, '360p', 3, 3), variant(B, '720p', 4, 4)];
    const { perMedia, others } = attributeSources(
      [
        mse({ players: [{ lib: 'hls.js', url: `${B}/master.m3u8`, variants: [], live: null }] }),
        mse({ players: [{ lib: 'hls.js', url: `${A}/master.m3u8`, variants: [], live: null }] }),
      ],
      catalogue,
    );
    expect(perMedia.map((l) => l.map((s) => s.url))).toEqual([[`${B}/master.m3u8`], [`${A}/master.m3u8`]]);
    expect(others).toEqual([]);
  });

  it('folds a variant into the master that lists it: the quality choice works on the master', () => {
    const catalogue = [master(A, 1, 1), variant(A, '360p', 2, 2)];
    // The player was handed the 360p variant (capped to its size): the master is what is offered.
    const [sources] = attributeSources([mse({ players: [{ lib: 'hls.js', url: `${A}/360p/index.m3u8`, variants: [], live: null }] })], catalogue).perMedia;
    expect(sources).toEqual([
      {
        url: `${A}/master.m3u8`,
        kind: 'hls',
        live: false,
        height: 720,
        parts: [`${A}/360p/index.m3u8`, `${A}/360p/init.mp4`, `${A}/720p/index.m3u8`],
      },
    ]);
  });

  it('matches a generic player with the manifests fetched in the run of script that attached it', () => {
    const catalogue = [master(A, 5, 1), master(B, 9, 2)];
    const { perMedia } = attributeSources([mse({ attachTask: 9 }), mse({ attachTask: 5 })], catalogue);
    expect(perMedia.map((l) => l.map((s) => s.url))).toEqual([[`${B}/master.m3u8`], [`${A}/master.m3u8`]]);
  });

  it('pairs unmatched players with unmatched streams in the order they were attached and fetched', () => {
    const catalogue = [master(A, 5, 1), master(B, 6, 2)];
    const { perMedia } = attributeSources([mse({ attachTask: 20, attachSeq: 20 }), mse({ attachTask: 10, attachSeq: 10 })], catalogue);
    expect(perMedia.map((l) => l.map((s) => s.url))).toEqual([[`${B}/master.m3u8`], [`${A}/master.m3u8`]]);
  });

  it('does not take one run of script that set up two players as saying which stream is whose', () => {
    // One script: load A, attach the second video, load B, attach the first.
    const catalogue = [master(A, 7, 1), master(B, 7, 3)];
    const { perMedia } = attributeSources([mse({ attachTask: 7, attachSeq: 4 }), mse({ attachTask: 7, attachSeq: 2 })], catalogue);
    expect(perMedia.map((l) => l.map((s) => s.url))).toEqual([[`${B}/master.m3u8`], [`${A}/master.m3u8`]]);
  });

  it('gives a lone unmatched player every unclaimed stream, and offers none to a video with its own file', () => {
    const catalogue = [master(A, 5, 1)];
    const { perMedia, others } = attributeSources(
      [mse(), { ...mse(), direct: ['https://cdn.test/clip.mp4'], fed: false, currentSrc: 'https://cdn.test/clip.mp4', videoHeight: 480 }],
      catalogue,
    );
    expect(perMedia[0]!.map((s) => s.url)).toEqual([`${A}/master.m3u8`]);
    expect(perMedia[1]).toEqual([{ url: 'https://cdn.test/clip.mp4', kind: 'file', live: false, height: 480, parts: [] }]);
    expect(others).toEqual([]);
  });

  it('says a stream is live when its playlist has no end, and lists unmatched streams apart', () => {
    const catalogue = [master(A, 1, 1), variant(A, '720p', 2, 2, false)];
    const { perMedia, others } = attributeSources([{ ...mse(), fed: false, direct: ['https://cdn.test/x.mp4'] }], catalogue);
    expect(perMedia[0]!.map((s) => s.url)).toEqual(['https://cdn.test/x.mp4']);
    expect(others).toMatchObject([{ url: `${A}/master.m3u8`, live: true, kind: 'hls' }]);
  });

  it('never offers an init segment, a segment or captions, even as a <video> source; only http(s) URLs', () => {
    const { perMedia } = attributeSources(
      [mse({ fed: false, direct: ['https://cdn.test/v/init.mp4', 'https://cdn.test/v/seg1.m4s', 'https://cdn.test/en.vtt', 'file:///etc/passwd'] })],
      [],
    );
    expect(perMedia[0]).toEqual([]);
  });

  it('knows what a stream stands for: itself and its parts', () => {
    const [sources] = attributeSources(
      [
        mse({
          players: [{ lib: 'hls.js', url: `${A}/master.m3u8`, variants: [{ url: `${A}/1080p.m3u8`, height: 1080, width: 1920, bandwidth: 5e6 }], live: true }],
        }),
      ],
      [],
    ).perMedia;
    expect(sources).toEqual([{ url: `${A}/master.m3u8`, kind: 'hls', live: true, height: 1080, parts: [`${A}/1080p.m3u8`] }]);
    expect([...claimedBy(sources!)]).toEqual([`${A}/master.m3u8`, `${A}/1080p.m3u8`]);
  });
});
