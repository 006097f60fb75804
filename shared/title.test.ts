import { describe, expect, it } from 'vitest';
import { type TitleSources, chooseTitle, hostTitle, isManifestName } from './title';

describe('isManifestName', () => {
  it.each([
    ['index', true],
    ['master', true],
    ['Manifest', true],
    ['playlist', true],
    ['init', true],
    ['stream', true],
    ['chunklist', true],
    ['media', true],
    ['video', true],
    ['chunklist_w123', true],
    ['chunklist_w1234_b2500000', true],
    ['master_720p', true],
    ['index-v1-a1', true],
    ['stream0', true],
    ['playlist.m3u8', true],
    [' index ', true],
    ['videos', false],
    ['stream highlights', false],
    ['video_tutorial', false],
    ['Media Day 2024', false],
    ['My holiday', false],
    ['indexer', false],
    ['', false],
  ])('%j: %s', (name, expected) => {
    expect(isManifestName(name)).toBe(expected);
  });
});

describe('chooseTitle', () => {
  const url = 'https://www.example.com/live/index.m3u8';
  it.each<[string, Omit<TitleSources, 'url'>, string]>([
    [
      "the site's own title replaces the one queued",
      { queued: 'Page title (2)', extracted: { title: 'The real title', extractor: 'Youtube' } },
      'The real title',
    ],
    [
      'the queued title beats what the generic extractor made up',
      { queued: 'Cats on a boat', extracted: { title: 'index', extractor: 'Generic' } },
      'Cats on a boat',
    ],
    ['the queued title beats a generic page title', { queued: 'Cats on a boat', extracted: { title: 'Some page', extractor: 'generic' } }, 'Cats on a boat'],
    [
      "without a queued title, the generic extractor's title when it is not a manifest name",
      { queued: null, extracted: { title: 'progressive', extractor: 'Generic' } },
      'progressive',
    ],
    ['without a queued title, a manifest name gives way to the host', { queued: null, extracted: { title: 'master', extractor: 'Generic' } }, 'example.com'],
    ['a suffixed manifest name gives way to the host', { queued: null, extracted: { title: 'chunklist_w123', extractor: 'Generic' } }, 'example.com'],
    ['nothing said yet: the queued title', { queued: 'Queued', extracted: null }, 'Queued'],
    ['nothing at all: the host', { queued: null, extracted: null }, 'example.com'],
    ['an empty site title does not count', { queued: 'Queued', extracted: { title: '\u0007 ', extractor: 'Vimeo' } }, 'Queued'],
    ['a title without an extractor is treated as generic', { queued: 'Queued', extracted: { title: 'Other' } }, 'Queued'],
    ['control characters are cleaned', { queued: 'a\u0000b\u202e', extracted: null }, 'a b'],
  ])('%s', (_name, sources, expected) => {
    expect(chooseTitle({ url, ...sources })).toBe(expected);
  });
});

describe('hostTitle', () => {
  it.each([
    ['https://www.example.com/a', 'example.com'],
    ['http://127.0.0.1:8080/live/index.m3u8', '127.0.0.1'],
    ['https://cdn.example.org/x', 'cdn.example.org'],
    ['not a url', 'video'],
  ])('%s → %s', (url, expected) => {
    expect(hostTitle(url)).toBe(expected);
  });
});
