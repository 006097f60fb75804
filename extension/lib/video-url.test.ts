import { describe, expect, it } from 'vitest';
import { classifyMediaRequest, createMediaRequestLog } from './media-requests';
import { downloadCandidates, hasExtractor } from './video-url';

describe('downloadCandidates', () => {
  it('prefers the page on sites yt-dlp has an extractor for', () => {
    expect(hasExtractor('https://www.youtube.com/watch?v=x')).toBe(true);
    expect(hasExtractor('https://m.youtube.com/watch?v=x')).toBe(true);
    expect(hasExtractor('https://notyoutube.com/')).toBe(false);
    expect(downloadCandidates({ pageUrl: 'https://www.youtube.com/watch?v=x', videoSrc: 'blob:https://www.youtube.com/1' })).toEqual([
      { url: 'https://www.youtube.com/watch?v=x', pageUrl: null, kind: 'page' },
    ]);
  });

  it('uses a direct video source with the page as referer, the page as fallback', () => {
    expect(downloadCandidates({ pageUrl: 'https://blog.test/post', videoSrc: 'https://cdn.test/v.mp4' })).toEqual([
      { url: 'https://cdn.test/v.mp4', pageUrl: 'https://blog.test/post', kind: 'video-src' },
      { url: 'https://blog.test/post', pageUrl: null, kind: 'page' },
    ]);
  });

  it('replaces a blob: source with the media requests the tab made, manifests first', () => {
    const log = createMediaRequestLog();
    log.record(3, 'https://cdn.test/a.mp4');
    log.record(3, 'https://cdn.test/master.m3u8?token=1');
    log.record(3, 'https://cdn.test/seg-00001.ts');
    const c = downloadCandidates({ pageUrl: 'https://site.test/watch', videoSrc: 'blob:https://site.test/uuid', mediaRequests: log.forTab(3) });
    expect(c.map((x) => x.kind)).toEqual(['manifest', 'progressive', 'page']);
    expect(c.every((x) => x.url.startsWith('https://'))).toBe(true);
  });

  it('never lets anything but http(s) out', () => {
    expect(downloadCandidates({ pageUrl: 'chrome://settings', videoSrc: 'data:video/mp4;base64,AAAA' })).toEqual([]);
    expect(downloadCandidates({ pageUrl: 'file:///home/u/v.html', videoSrc: 'file:///home/u/v.mp4' })).toEqual([]);
  });
});

describe('media requests', () => {
  it('keeps manifests and whole files, not segments', () => {
    expect(classifyMediaRequest('https://x.test/v/master.m3u8')).toBe('manifest');
    expect(classifyMediaRequest('https://x.test/manifest', 'application/dash+xml')).toBe('manifest');
    expect(classifyMediaRequest('https://x.test/clip.webm')).toBe('progressive');
    expect(classifyMediaRequest('https://x.test/seg-12.ts')).toBeNull();
    expect(classifyMediaRequest('https://x.test/chunk-stream0-00001.m4s')).toBeNull();
    expect(classifyMediaRequest('https://x.test/api/data.json')).toBeNull();
  });

  it('forgets a tab on navigation and keeps at most 20 a tab', () => {
    const log = createMediaRequestLog();
    for (let i = 0; i < 30; i++) log.record(1, `https://x.test/${i}.mp4`);
    expect(log.forTab(1)).toHaveLength(20);
    expect(log.forTab(1)[0]!.url).toBe('https://x.test/29.mp4');
    log.clearTab(1);
    expect(log.forTab(1)).toEqual([]);
  });
});
