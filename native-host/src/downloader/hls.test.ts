import { describe, expect, it } from 'vitest';
import { isHlsContentType, isHlsPath, parsePlaylist } from './hls';

const base = 'https://cdn.example.com/live/abc/master.m3u8?token=1';

describe('parsePlaylist', () => {
  it.each<[string, string, ReturnType<typeof parsePlaylist>]>([
    ['a VOD media playlist has ended', '#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:1,\nseg0.ts\n#EXT-X-ENDLIST\n', { kind: 'media', ended: true }],
    ['a live media playlist (no end, sequence rising) has not', '#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:42\n#EXTINF:2,\nseg42.ts\n', { kind: 'media', ended: false }],
    ['an EVENT playlist still growing has not', '#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:2,\nseg0.ts\n', { kind: 'media', ended: false }],
    ['CRLF line ends and a byte-order mark are read', '\uFEFF#EXTM3U\r\n#EXTINF:2,\r\nseg0.ts\r\n#EXT-X-ENDLIST\r\n', { kind: 'media', ended: true }],
    [
      "a master's first variant, resolved against the master",
      '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\n360p/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2000000\n720p/index.m3u8\n',
      { kind: 'master', firstVariant: 'https://cdn.example.com/live/abc/360p/index.m3u8' },
    ],
    [
      'a variant given as an absolute URL',
      '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nhttps://other.example.com/v.m3u8\n',
      { kind: 'master', firstVariant: 'https://other.example.com/v.m3u8' },
    ],
    ['a variant that is not http(s) is not followed', '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nfile:///etc/passwd\n', { kind: 'master', firstVariant: null }],
    ['a master with no URI after its tag', '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n', { kind: 'master', firstVariant: null }],
    ['not a playlist (HTML)', '<!doctype html><title>x</title>', null],
    ['empty', '', null],
  ])('%s', (_name, text, expected) => {
    expect(parsePlaylist(text, base)).toEqual(expected);
  });
});

describe('isHlsContentType', () => {
  it.each([
    ['application/vnd.apple.mpegurl', true],
    ['application/x-mpegURL; charset=utf-8', true],
    ['audio/mpegurl', true],
    ['video/mp4', false],
    ['text/html', false],
    [null, false],
  ])('%s: %s', (type, expected) => {
    expect(isHlsContentType(type)).toBe(expected);
  });
});

describe('isHlsPath', () => {
  it.each([
    ['https://x.test/live/index.m3u8?token=1', true],
    ['https://x.test/a.M3U8', true],
    ['https://x.test/list.m3u', true],
    ['https://x.test/index.m3u8.mp4', false],
    ['https://x.test/watch?v=index.m3u8', false],
  ])('%s: %s', (url, expected) => {
    expect(isHlsPath(url)).toBe(expected);
  });
});
