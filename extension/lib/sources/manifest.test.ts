import { describe, expect, it } from 'vitest';
import { bestHeight, parseAttributes, parseManifest } from './manifest';

const MASTER = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",URI="subs/en.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=985600,RESOLUTION=640x360,CODECS="avc1.42c01e,mp4a.40.2"
360p/index.m3u8

#EXT-X-STREAM-INF:BANDWIDTH=2305600,RESOLUTION=1280x720,CODECS="avc1.42c01f,mp4a.40.2",SUBTITLES="subs"
https://cdn.test/other/720p/index.m3u8?token=a
#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=100000,URI="iframes.m3u8"
`;

const FMP4_VOD = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:1
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="init_1.mp4"
#EXTINF:1.000000,
seg000.m4s
#EXT-X-ENDLIST
`;

describe('parseManifest', () => {
  it('reads an HLS master: its variants with their sizes, and the renditions that belong to it', () => {
    const m = parseManifest(MASTER, 'https://cdn.test/v/master.m3u8')!;
    expect(m).toMatchObject({ type: 'hls', master: true, live: null });
    expect(m.variants).toEqual([
      { url: 'https://cdn.test/v/360p/index.m3u8', width: 640, height: 360, bandwidth: 985600 },
      { url: 'https://cdn.test/other/720p/index.m3u8?token=a', width: 1280, height: 720, bandwidth: 2305600 },
    ]);
    expect(m.related).toEqual(['https://cdn.test/v/subs/en.m3u8', 'https://cdn.test/v/iframes.m3u8']);
    expect(bestHeight(m.variants)).toBe(720);
  });

  it('reads a media playlist: its init segment belongs to it, and it is live until #EXT-X-ENDLIST', () => {
    const vod = parseManifest(FMP4_VOD, 'https://cdn.test/v/720p/index.m3u8')!;
    expect(vod).toMatchObject({ master: false, variants: [], related: ['https://cdn.test/v/720p/init_1.mp4'], live: false });
    const live = parseManifest('#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:4\n#EXTINF:2,\nseg004.ts\n', 'https://cdn.test/live/index.m3u8')!;
    expect(live.live).toBe(true);
  });

  it('reads a DASH MPD: always the thing to download, dynamic means live, heights from its representations', () => {
    const mpd = `<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic">
      <Period><AdaptationSet contentType="video">
        <Representation id="0" mimeType="video/mp4" bandwidth="800000" width="640" height="360"/>
        <Representation id="1" mimeType="video/mp4" bandwidth="2000000" width="1280" height="720"/>
      </AdaptationSet><AdaptationSet><Representation id="2" mimeType="audio/mp4" bandwidth="96000"/></AdaptationSet></Period></MPD>`;
    const m = parseManifest(mpd, 'https://cdn.test/d/manifest.mpd')!;
    expect(m).toMatchObject({ type: 'dash', master: true, live: true });
    expect(m.variants.map((v) => v.height)).toEqual([360, 720]);
    expect(parseManifest(mpd.replace('dynamic', 'static'), 'https://cdn.test/d/manifest.mpd')!.live).toBe(false);
  });

  it('ignores what is not a manifest, URIs that are not http(s), and keeps lists bounded', () => {
    expect(parseManifest('{"json": true}', 'https://a.test/x')).toBeNull();
    const hostile = `#EXTM3U\n${Array.from({ length: 500 }, (_, i) => `#EXT-X-STREAM-INF:BANDWIDTH=1\n${i % 2 ? 'javascript:alert(1)' : `v${i}.m3u8`}`).join('\n')}`;
    const m = parseManifest(hostile, 'https://a.test/m.m3u8')!;
    expect(m.variants.length).toBeLessThanOrEqual(40);
    expect(m.variants.every((v) => v.url!.startsWith('https://a.test/'))).toBe(true);
    expect(parseAttributes('A=1,B="x, y",C=z')).toEqual({ A: '1', B: 'x, y', C: 'z' });
  });
});
