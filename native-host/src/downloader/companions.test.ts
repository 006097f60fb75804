import { describe, expect, it } from 'vitest';
import { subtitleMoves } from './companions';

describe('subtitleMoves', () => {
  it.each([
    [
      'subtitles follow the video under its final name',
      'clip [a1].mp4',
      ['clip [a1].mp4', 'clip [a1].en.srt', 'clip [a1].pt-BR.vtt'],
      'clip [a1] (1).mp4',
      [
        { from: 'clip [a1].en.srt', to: 'clip [a1] (1).en.srt' },
        { from: 'clip [a1].pt-BR.vtt', to: 'clip [a1] (1).pt-BR.vtt' },
      ],
    ],
    ['an audio file keeps its own', 'song [x].m4a', ['song [x].m4a', 'song [x].en.vtt'], 'song [x].m4a', [{ from: 'song [x].en.vtt', to: 'song [x].en.vtt' }]],
    [
      'what is not a subtitle, or not of this video, stays',
      'clip [a1].mp4',
      ['clip [a1].en.srt.part', 'clip [a1].info.json', 'clip [a1].en.desktop', 'other.en.srt', 'part'],
      'clip [a1].mp4',
      [],
    ],
    ['a name that only starts like the video is not its subtitle', 'a.mp4', ['ab.en.srt', 'a.en.srt'], 'a.mp4', [{ from: 'a.en.srt', to: 'a.en.srt' }]],
  ])('%s', (_what, video, names, final, moves) => {
    expect(subtitleMoves(video, names, final)).toEqual(moves);
  });
});
