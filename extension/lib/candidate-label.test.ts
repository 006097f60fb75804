import { describe, expect, it } from 'vitest';
import { candidateDetails } from './candidate-label';

const c = (over: object) =>
  ({ url: 'https://cdn.example.com/a/b/master.m3u8?token=x', pageUrl: null, referer: null, kind: 'hls', live: false, height: null, ...over }) as const;

describe('candidateDetails', () => {
  it('says resolution, kind and host, never the path', () => {
    expect(candidateDetails(c({ height: 720 }))).toBe('720p · stream · cdn.example.com');
    expect(candidateDetails(c({ kind: 'file', url: 'https://v.test:8443/x.mp4' }))).toBe('file · v.test:8443');
    expect(candidateDetails(c({ live: true }))).toBe('live · cdn.example.com');
    expect(candidateDetails(c({ kind: 'page', url: 'https://blog.test/post' }))).toBe('page address · blog.test');
  });
});
