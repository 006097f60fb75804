import { describe, expect, it } from 'vitest';
import type { ProbeFormat } from '../../../shared/probe';
import { buildChoice, defaultOption, formatDuration, formatSize, qualityOptions, sizeText, subtitleOptions } from './qualities';

const labels = { height: (h: number, fps: number | null) => `${h}p${fps ?? ''}`, audioOnly: 'Audio only' };
const fmt = (id: string, over: Partial<ProbeFormat> = {}): ProbeFormat => ({
  id,
  label: id,
  width: null,
  height: null,
  fps: null,
  hasVideo: true,
  hasAudio: true,
  videoCodec: 'h264',
  audioCodec: 'aac',
  container: 'mp4',
  bitrate: null,
  size: null,
  protocol: 'https',
  ...over,
});
const exact = (bytes: number) => ({ bytes, estimate: false });
const about = (bytes: number) => ({ bytes, estimate: true });

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [94_000, '94 KB'],
    [2_200_000, '2.2 MB'],
    [9_960_000, '10.0 MB'],
    [212_400_000, '212 MB'],
    [1_400_000_000, '1.4 GB'],
    [-5, '0 B'],
  ])('%d bytes read as %s', (bytes, text) => expect(formatSize(bytes)).toBe(text));
});

describe('sizeText and formatDuration', () => {
  it.each([
    [null, null],
    [exact(2_200_000), '2.2 MB'],
    [about(94_000), '~94 KB'],
  ])('size %j reads %s', (size, text) => expect(sizeText(size)).toBe(text));
  it.each([
    [0, '0:00'],
    [65, '1:05'],
    [599.6, '10:00'],
    [3723, '1:02:03'],
  ])('%d s reads %s', (s, text) => expect(formatDuration(s)).toBe(text));
});

describe('qualityOptions', () => {
  it.each([
    {
      name: 'an HLS master: one line per height with its estimated size, then audio only without a size',
      formats: [
        fmt('hls-720', { height: 720, size: about(2_200_000) }),
        fmt('hls-480', { height: 480, size: about(1_100_000) }),
        fmt('hls-360', { height: 360, size: about(600_000) }),
      ],
      labels: ['720p · ~2.2 MB', '480p · ~1.1 MB', '360p · ~600 KB', 'Audio only'],
    },
    {
      name: 'DASH with separate audio: the audio is counted in each video size, and audio only is that stream',
      formats: [
        fmt('v1080', { height: 1080, hasAudio: false, size: exact(20_000_000) }),
        fmt('v1080b', { height: 1080, hasAudio: false, size: exact(19_000_000) }),
        fmt('v720', { height: 720, hasAudio: false, size: exact(9_000_000) }),
        fmt('a1', { hasVideo: false, size: exact(94_000) }),
      ],
      labels: ['1080p · 20 MB', '720p · 9.1 MB', 'Audio only · 94 KB'],
    },
    {
      name: 'an audio size unknown makes the sum an estimate; a video with no size has none',
      formats: [
        fmt('v1', { height: 720, hasAudio: false, size: exact(9_000_000) }),
        fmt('v2', { height: 480, hasAudio: false }),
        fmt('a1', { hasVideo: false }),
      ],
      labels: ['720p · ~9.0 MB', '480p', 'Audio only'],
    },
    {
      name: 'high frame rates are their own line; a format of unknown height is named by its label',
      formats: [fmt('a', { height: 720, fps: 60 }), fmt('b', { height: 720, fps: 30 }), fmt('c', { label: 'source' })],
      labels: ['720p60', '720p', 'source', 'Audio only'],
    },
  ])('$name', ({ formats, labels: expected }) => {
    expect(qualityOptions({ formats }, labels).map((o) => o.label)).toEqual(expected);
  });

  it('makes exact choices: the format itself, or audio only from the best audio stream', () => {
    const options = qualityOptions({ formats: [fmt('v', { height: 360, hasAudio: false }), fmt('a', { hasVideo: false })] }, labels);
    expect(options.map((o) => o.format)).toEqual([
      { kind: 'format', formatId: 'v' },
      { kind: 'audio', formatId: 'a' },
    ]);
  });
});

describe('defaultOption', () => {
  const options = qualityOptions({ formats: [fmt('1080', { height: 1080 }), fmt('720', { height: 720 }), fmt('360', { height: 360 })] }, labels);
  it.each([
    ['best', '1080p'],
    ['1080p', '1080p'],
    ['720p', '720p'],
    ['audio', 'Audio only'],
  ] as const)('the %s preset picks %s', (preset, label) => expect(defaultOption(options, preset)?.label).toBe(label));
  it('picks the smallest when none is within the limit', () => {
    const tall = qualityOptions({ formats: [fmt('2160', { height: 2160 }), fmt('1440', { height: 1440 })] }, labels);
    expect(defaultOption(tall, '720p')?.label).toBe('1440p');
  });
});

describe('subtitles and choices', () => {
  it('lists the site subtitles, then automatic captions of other languages', () => {
    expect(subtitleOptions({ subtitles: ['en', 'fr'], automaticCaptions: ['en', 'de'] })).toEqual([
      { value: 'sub:en', language: 'en', automatic: false },
      { value: 'sub:fr', language: 'fr', automatic: false },
      { value: 'auto:de', language: 'de', automatic: true },
    ]);
  });

  const [video, audio] = qualityOptions({ formats: [fmt('v', { height: 360 }), fmt('a', { hasVideo: false })] }, labels);
  const en = { value: 'sub:en', language: 'en', automatic: false };
  const de = { value: 'auto:de', language: 'de', automatic: true };
  it.each([
    ['no subtitles', video!, null, 'embed', { format: { kind: 'format', formatId: 'v' } }],
    ['embedded', video!, en, 'embed', { format: { kind: 'format', formatId: 'v' }, subtitles: { languages: ['en'], mode: 'embed' } }],
    ['a separate .srt', video!, en, 'file', { format: { kind: 'format', formatId: 'v' }, subtitles: { languages: ['en'], mode: 'file', fileFormat: 'srt' } }],
    [
      'automatic captions',
      video!,
      de,
      'embed',
      { format: { kind: 'format', formatId: 'v' }, subtitles: { languages: ['de'], mode: 'embed', automatic: true } },
    ],
    [
      'audio only: a file, never embedded',
      audio!,
      en,
      'embed',
      { format: { kind: 'audio', formatId: 'a' }, subtitles: { languages: ['en'], mode: 'file', fileFormat: 'srt' } },
    ],
  ] as const)('builds the choice with %s', (_name, quality, subtitle, mode, choice) => {
    expect(buildChoice(quality, subtitle, mode)).toEqual(choice);
  });
});
