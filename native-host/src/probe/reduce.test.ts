import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sizeForChoice } from './choice-size';
import { codecFamily, hlsDuration, pageOf, reduceProbe } from './reduce';

/** Real `-J` outputs of yt-dlp 2023.03.04 on the local fixtures (`npm run capture:probes`), port written as 8000. */
const captured = (name: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', `${name}.json`), 'utf8'));
const B = 'http://127.0.0.1:8000';
const reduce = (name: string, extra = {}) => reduceProbe(captured(name), `${B}/asked`, 1_000, extra);

describe('reduceProbe over real yt-dlp output', () => {
  it.each([
    // name, extractor, generic, id, title, duration, formats [id, label, hasVideo, hasAudio, codecs, container, protocol]
    [
      'hls-master',
      'Generic',
      true,
      'master',
      'master',
      null,
      [
        ['2305', '720p', true, true, 'h264', 'aac', 'mp4', 'hls'],
        ['985', '360p', true, true, 'h264', 'aac', 'mp4', 'hls'],
      ],
    ],
    [
      'dash',
      'Generic',
      true,
      'manifest',
      'manifest',
      8,
      [
        ['0', '360p', true, false, 'h264', null, 'mp4', 'dash'],
        ['1', 'audio 96k', false, true, null, 'aac', 'm4a', 'dash'],
      ],
    ],
    ['progressive', 'Generic', true, 'progressive', 'progressive', null, [['mp4', 'unknown', true, true, null, null, 'mp4', 'http']]],
    ['hls', 'Generic', true, 'index', 'index', null, [['0', 'unknown', true, true, null, null, 'mp4', 'hls']]],
    ['subtitled-page', 'HTML5MediaEmbed', true, 'subtitled-1', 'With subtitles (1)', null, [['0', 'unknown', true, true, null, null, 'mp4', 'http']]],
  ] as const)('%s: %s, id %s, formats best first with codec families and containers', (name, extractor, generic, id, title, duration, formats) => {
    const { probe } = reduce(name);
    expect(probe).toMatchObject({ url: `${B}/asked`, extractor, generic, id, title, duration, isLive: false, wasLive: false, playlist: null, probedAt: 1_000 });
    expect(probe.formats.map((f) => [f.id, f.label, f.hasVideo, f.hasAudio, f.videoCodec, f.audioCodec, f.container, f.protocol])).toEqual(formats);
  });

  it('estimates the sizes of an HLS master from its BANDWIDTH × the duration fetched, and says they are estimates', () => {
    const first = reduce('hls-master');
    expect(first.probe.size).toBeNull();
    // The master carries no duration: the lightest variant's playlist is what to fetch.
    expect(first.lookups.hlsPlaylist).toEqual({
      url: `${B}/hls-master/360p/index.m3u8`,
      headers: expect.objectContaining({ 'User-Agent': expect.any(String) }),
    });
    const { probe, lookups } = reduce('hls-master', { duration: 8 });
    expect(lookups.hlsPlaylist).toBeNull();
    expect(probe.duration).toBe(8);
    expect(probe.formats.map((f) => [f.id, f.height, f.bitrate, f.size])).toEqual([
      ['2305', 720, 2305.6, { bytes: 2_305_600, estimate: true }],
      ['985', 360, 985.6, { bytes: 985_600, estimate: true }],
    ]);
    // yt-dlp's own default choice is the 720p variant.
    expect(probe.size).toEqual({ bytes: 2_305_600, estimate: true });
  });

  it('reads a DASH duration from its segments and sizes the default choice as video + audio', () => {
    const { probe, lookups } = reduce('dash');
    expect(lookups).toEqual({ hlsPlaylist: null, lengths: [] });
    const video = Math.round((2861.379 * 1000 * 8) / 8);
    const audio = Math.round((96.343 * 1000 * 8) / 8);
    expect(probe.formats.map((f) => f.size)).toEqual([
      { bytes: video, estimate: true },
      { bytes: audio, estimate: true },
    ]);
    expect(probe.size).toEqual({ bytes: video + audio, estimate: true });
  });

  it('asks for the length of a direct file, and then gives its size as exact', () => {
    const first = reduce('progressive');
    expect(first.lookups.lengths).toEqual([{ formatId: 'mp4', url: `${B}/progressive.mp4`, headers: expect.any(Object) }]);
    const { probe, lookups } = reduce('progressive', { lengths: { mp4: 3_000_123 } });
    expect(lookups.lengths).toEqual([]);
    expect(probe.formats[0]!.size).toEqual({ bytes: 3_000_123, estimate: false });
    expect(probe.size).toEqual({ bytes: 3_000_123, estimate: false });
  });

  it('lists the languages of <track> subtitles', () => {
    expect(reduce('subtitled-page').probe).toMatchObject({ subtitles: ['en', 'fr'], automaticCaptions: [] });
  });

  it('reads a page of several videos as a playlist: entries held by the page are downloaded by their position', () => {
    const { probe, lookups } = reduce('multi-video-page');
    expect(probe).toMatchObject({ extractor: 'Generic', generic: true, title: 'Three clips', formats: [], size: null });
    expect(probe.playlist).toEqual({
      id: 'three',
      title: 'Three clips',
      count: 3,
      entries: [1, 2, 3].map((i) => ({
        index: i,
        id: `three-${i}`,
        title: `Three clips (${i})`,
        duration: null,
        url: null,
        extractor: 'HTML5MediaEmbed',
        // A generic id is a page's name: the page qualifies it.
        key: `three-${i} ${B}/three.html`,
      })),
    });
    expect(lookups).toEqual({ hlsPlaylist: null, lengths: [] });
  });

  it('keeps the URL of an entry that refers to another page (a feed item)', () => {
    const { probe } = reduce('rss-feed');
    expect(probe.playlist!.entries).toEqual([
      { index: 1, id: null, title: 'First', duration: null, url: `${B}/progressive.mp4?n=1`, extractor: null, key: null },
      { index: 2, id: null, title: 'Second', duration: null, url: `${B}/progressive.mp4?n=2`, extractor: null, key: null },
    ]);
  });
});

describe('reduceProbe on what a site may send', () => {
  const format = (over: Record<string, unknown>) => ({ format_id: 'f', ext: 'mp4', vcodec: 'avc1', acodec: 'mp4a.40.2', url: 'https://cdn.test/f', ...over });

  it.each([
    ['a storyboard', format({ format_id: 'sb0', ext: 'mhtml', vcodec: 'none', acodec: 'none', format_note: 'storyboard' })],
    ['an image (no video, no audio)', format({ vcodec: 'none', acodec: 'none' })],
    ['a DRM format', format({ has_drm: true })],
    ['a format without id', format({ format_id: undefined })],
  ])('drops %s', (_what, f) => {
    expect(reduceProbe({ formats: [f] }, 'https://x.test/', 0).probe.formats).toEqual([]);
  });

  it('keeps a site from driving a terminal or naming a script as the thumbnail', () => {
    const { probe } = reduceProbe(
      { title: 'a\u001b[2Jb\u202e', uploader: 'u\u0007', thumbnail: 'javascript:alert(1)', thumbnails: [{ url: 'https://i.test/t.jpg' }], is_live: true },
      'https://x.test/',
      0,
    );
    expect(probe).toMatchObject({ title: 'a [2Jb', uploader: 'u', thumbnail: 'https://i.test/t.jpg', isLive: true });
  });

  it('drops live chat from the subtitle languages and takes a size the site estimated as an estimate', () => {
    const { probe } = reduceProbe(
      { subtitles: { en: [], live_chat: [] }, automatic_captions: { de: [] }, formats: [format({ filesize_approx: 1234 })], format_id: 'f' },
      'https://x.test/',
      0,
    );
    expect(probe).toMatchObject({ subtitles: ['en'], automaticCaptions: ['de'], size: { bytes: 1234, estimate: true } });
  });

  it('survives a document that is not one (yt-dlp printed null)', () => {
    expect(reduceProbe(null, 'https://x.test/', 0).probe).toMatchObject({ id: null, formats: [], playlist: null, size: null });
  });
});

describe('codecFamily', () => {
  it.each([
    ['avc1.64001f', 'h264'],
    ['hev1.1.6.L93.B0', 'h265'],
    ['vp09.00.40.08', 'vp9'],
    ['vp9', 'vp9'],
    ['av01.0.08M.08', 'av1'],
    ['mp4a.40.2', 'aac'],
    ['mp4a.40.34', 'mp3'],
    ['opus', 'opus'],
    ['ec-3', 'eac3'],
    ['none', null],
    [null, null],
    ['theora', 'theora'],
  ])('%s is %s', (codec, family) => expect(codecFamily(codec)).toBe(family));
});

describe('hlsDuration', () => {
  it('sums the segments of the captured variant playlist', () => {
    expect(hlsDuration(readFileSync(join(import.meta.dirname, 'fixtures', 'hls-master-360p.m3u8'), 'utf8'))).toBe(8);
  });

  it.each([
    ['a live playlist (no end)', '#EXTM3U\n#EXTINF:2.0,\na.ts\n', null],
    ['a playlist without segments', '#EXTM3U\n#EXT-X-ENDLIST\n', null],
    ['fractional segments', '#EXTM3U\n#EXTINF:1.5,\na.ts\n#EXTINF:2.25,\nb.ts\n#EXT-X-ENDLIST\n', 3.75],
  ])('%s', (_what, text, seconds) => expect(hlsDuration(text)).toBe(seconds));
});

describe('pageOf', () => {
  const many = (n: number, pad = 0) =>
    reduceProbe(
      {
        _type: 'playlist',
        id: 'pl',
        title: 'List',
        entries: Array.from({ length: n }, (_, i) => ({
          _type: 'url',
          id: `v${i}`,
          url: `https://x.test/${i}?${'p'.repeat(pad)}`,
          title: 'x'.repeat(10),
          ie_key: 'Site',
        })),
      },
      'https://x.test/pl',
      0,
    ).probe;

  it('pages entries like the job list, without the daemon-only extractor', () => {
    const first = pageOf(many(5), 0, 2);
    expect(first.playlist).toMatchObject({ count: 5, cursor: 0, nextCursor: 2 });
    expect(first.playlist!.entries.map((e) => e.id)).toEqual(['v0', 'v1']);
    expect(first.playlist!.entries[0]).not.toHaveProperty('extractor');
    expect(first.playlist!.entries[0]).not.toHaveProperty('key');
    expect(pageOf(many(5), 4, 2).playlist).toMatchObject({ cursor: 4, nextCursor: null, entries: [{ id: 'v4' }] });
  });

  it('keeps a page of long entries under the 1 MiB message limit', () => {
    const page = pageOf(many(500, 8000), 0, 500);
    expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(1024 * 1024 * 0.8);
    expect(page.playlist!.nextCursor).toBe(page.playlist!.entries.length);
    expect(page.playlist!.entries.length).toBeGreaterThan(100);
  });
});

describe('sizeForChoice', () => {
  const master = reduce('hls-master', { duration: 8 }).probe;
  const dash = reduce('dash').probe;

  it.each([
    ['the best (preset)', master, { preset: 'best' }, 2_305_600],
    ['≤ 720p (preset)', master, { preset: '720p' }, 2_305_600],
    ['a height limit', master, { choice: { format: { kind: 'height', maxHeight: 480 } } }, 985_600],
    ['a height below every format: the smallest', master, { choice: { format: { kind: 'height', maxHeight: 100 } } }, 985_600],
    ['a format id', master, { choice: { format: { kind: 'format', formatId: '985' } } }, 985_600],
    ['a video-only format, with the best audio added', dash, { choice: { format: { kind: 'format', formatId: '0' } } }, 2_861_379 + 96_343],
    ['audio only', dash, { choice: { format: { kind: 'audio' } } }, 96_343],
    ['audio from a format', master, { choice: { format: { kind: 'audio', formatId: '985' } } }, 985_600],
  ] as const)('%s', (_what, probe, how, bytes) => {
    expect(sizeForChoice(probe, how as never)).toEqual({ bytes, estimate: true });
  });

  it('is null for a format the probe does not list', () => {
    expect(sizeForChoice(master, { choice: { format: { kind: 'format', formatId: 'nope' } } })).toBeNull();
  });
});
