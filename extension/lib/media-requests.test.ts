import { describe, expect, it } from 'vitest';
import { classifyMediaRequest, createMediaRequestLog, isPartOrNotVideo } from './media-requests';

describe('media requests', () => {
  it('keeps manifests and whole files, not segments', () => {
    expect(classifyMediaRequest('https://x.test/v/master.m3u8')).toBe('manifest');
    expect(classifyMediaRequest('https://x.test/manifest', 'application/dash+xml')).toBe('manifest');
    expect(classifyMediaRequest('https://x.test/clip.webm')).toBe('progressive');
    expect(classifyMediaRequest('https://x.test/seg-12.ts')).toBeNull();
    expect(classifyMediaRequest('https://x.test/chunk-stream0-00001.m4s')).toBeNull();
    expect(classifyMediaRequest('https://x.test/api/data.json')).toBeNull();
  });

  it('never offers init segments, fMP4 segments, captions or images, even with a video content type', () => {
    for (const url of [
      'https://x.test/hls/720p/init.mp4',
      'https://x.test/hls/720p/init_1.mp4?token=a',
      'https://x.test/dash/init-stream0.m4s',
      'https://x.test/hls/720p/seg000.m4s',
      'https://x.test/hls/720p/segment_12.mp4',
      'https://x.test/subs/en.vtt',
      'https://x.test/thumbs/sprite.jpg',
    ]) {
      expect(classifyMediaRequest(url, 'video/mp4'), url).toBeNull();
      expect(isPartOrNotVideo(url), url).toBe(true);
    }
    expect(classifyMediaRequest('https://x.test/captions', 'text/vtt')).toBeNull();
    expect(classifyMediaRequest('https://x.test/poster', 'image/webp')).toBeNull();
    expect(isPartOrNotVideo('https://x.test/films/initial-cut.mp4')).toBe(false);
    expect(isPartOrNotVideo('https://x.test/watch?v=1')).toBe(false);
  });

  it('forgets a tab on navigation and keeps at most 20 a tab', () => {
    const log = createMediaRequestLog();
    for (let i = 0; i < 30; i++) log.record(1, `https://x.test/${i}.mp4`);
    expect(log.forTab(1)).toHaveLength(20);
    expect(log.forTab(1)[0]!.url).toBe('https://x.test/29.mp4');
    log.clearTab(1);
    expect(log.forTab(1)).toEqual([]);
  });

  it('records the frame of each request, and a request seen again keeps the time it was first seen', () => {
    let now = 1;
    const log = createMediaRequestLog(() => now++);
    log.record(1, 'https://x.test/master.m3u8', null, 7);
    log.record(1, 'https://x.test/720p.m3u8', null, 7);
    log.record(1, 'https://x.test/master.m3u8', null, 7);
    expect(log.forTab(1).map((r) => [r.url, r.at, r.frameId])).toEqual([
      ['https://x.test/master.m3u8', 1, 7],
      ['https://x.test/720p.m3u8', 2, 7],
    ]);
  });
});
