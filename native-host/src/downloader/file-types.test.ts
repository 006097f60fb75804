import { describe, expect, it } from 'vitest';
import { assertSafeMediaName, isSafeMediaName } from './file-types';

describe('safe file types', () => {
  it.each(['video [id].mp4', 'a.MKV', 'song.m4a', 'clip.webm', 'x.ts', 'sub.en.vtt', 'sub.srt'])('keeps %s', (name) => {
    expect(isSafeMediaName(name)).toBe(true);
  });

  it.each(['evil [evil].desktop', 'evil [mp4].sh', '4pm [mp4].exe', 'x.mp4.lnk', 'noext', 'x.html', 'x.mp4.', '.mp4x', 'a.svg', 'run.AppImage'])(
    'refuses %s',
    (name) => {
      expect(isSafeMediaName(name)).toBe(false);
      expect(() => assertSafeMediaName(name)).toThrow(
        expect.objectContaining({ code: 'UNSAFE_FILE_TYPE', message: expect.stringContaining(JSON.stringify(name)) }),
      );
    },
  );
});
