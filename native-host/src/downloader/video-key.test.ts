import { describe, expect, it } from 'vitest';
import { videoKey } from './video-key';

describe('videoKey', () => {
  it.each([
    ["a site's own id", 'Youtube', 'dQw4w9WgXcQ', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'dQw4w9WgXcQ'],
    ['a file name, qualified by its address', 'Generic', 'video', 'https://a.test/video.mp4', 'video https://a.test/video.mp4'],
    ['the same name on another site is another video', 'Generic', 'video', 'https://b.test/video.mp4', 'video https://b.test/video.mp4'],
    ["a page's n-th video, qualified by the page", 'HTML5MediaEmbed', 'index-2', 'https://a.test/index.html', 'index-2 https://a.test/index.html'],
    ['a generic id without a page, as it is', 'Generic', 'video', null, 'video'],
  ])('%s', (_what, extractor, id, page, key) => expect(videoKey(extractor, id, page)).toBe(key));
});
