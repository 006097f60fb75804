import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/job';
import { type BrowserCookie, cookieUrls, loginRetry, sendsLogin, siteOf, toJobCookies } from './login';

describe('siteOf', () => {
  it.each([
    ['https://www.Example.com/watch?v=1', 'example.com'],
    ['http://127.0.0.1:8080/x', '127.0.0.1'],
    ['https://video.example.com/', 'video.example.com'],
    ['blob:https://example.com/abc', null],
    ['file:///etc/passwd', null],
    ['not a url', null],
    [null, null],
  ])('%s → %s', (url, site) => expect(siteOf(url)).toBe(site));
});

describe('sendsLogin', () => {
  it.each([
    ['never', ['a.com'], 'a.com', false],
    ['ask', [], 'a.com', false],
    ['ask', ['a.com'], 'a.com', true],
    ['ask', ['a.com'], 'b.com', false],
    ['always', [], 'a.com', true],
    ['always', [], null, false],
  ] as const)('%s with %j for %s: %s', (mode, sites, site, sends) => expect(sendsLogin(mode, sites, site)).toBe(sends));
});

describe('loginRetry', () => {
  const failed = (code: string, over: Partial<Job> = {}) =>
    ({ status: 'failed', error: { code, message: 'x' }, url: 'https://cdn.a.com/v.mp4', pageUrl: 'https://www.a.com/watch', ...over }) as Job;
  it.each([
    ['a login the site asked for, under ask', failed('LOGIN_REQUIRED'), 'ask', [], { site: 'a.com', ask: true }],
    ['a 403, under ask, the site allowed already', failed('HTTP_403'), 'ask', ['a.com'], { site: 'a.com', ask: false }],
    ['a 403 under always', failed('HTTP_403'), 'always', [], { site: 'a.com', ask: false }],
    ['a 403 under never', failed('HTTP_403'), 'never', [], null],
    ['another failure', failed('NETWORK'), 'always', [], null],
    ['a job that did not fail', failed('HTTP_403', { status: 'cancelled' }), 'always', [], null],
    ['a job with no page: the file decides', failed('HTTP_403', { pageUrl: null }), 'ask', [], { site: 'cdn.a.com', ask: true }],
  ] as const)('%s', (_what, job, mode, sites, offer) => expect(loginRetry(job, mode, sites)).toEqual(offer));
});

describe('cookieUrls', () => {
  it('takes the file, the page and the frame, http(s) only, once each', () => {
    expect(cookieUrls({ url: 'https://cdn.a.com/v.m3u8', pageUrl: 'https://a.com/w', referer: 'https://a.com/w' })).toEqual([
      'https://cdn.a.com/v.m3u8',
      'https://a.com/w',
    ]);
    expect(cookieUrls({ url: 'https://a.com/v.mp4', pageUrl: 'chrome://newtab', referer: null })).toEqual(['https://a.com/v.mp4']);
  });
});

describe('toJobCookies', () => {
  const c = (over: Partial<BrowserCookie> = {}): BrowserCookie => ({
    domain: '.a.com',
    hostOnly: false,
    path: '/',
    secure: true,
    session: false,
    expirationDate: 1_900_000_000.5,
    name: 'sid',
    value: 'v',
    ...over,
  });
  it('keeps what the daemon needs, a session cookie without an expiry', () => {
    expect(toJobCookies([c(), c({ name: 'tmp', session: true, expirationDate: undefined })])).toEqual([
      { domain: '.a.com', hostOnly: false, path: '/', secure: true, expires: 1_900_000_000, name: 'sid', value: 'v' },
      { domain: '.a.com', hostOnly: false, path: '/', secure: true, expires: null, name: 'tmp', value: 'v' },
    ]);
  });
  it('sends a cookie read for the page and for the file once', () => {
    expect(toJobCookies([c(), c(), c({ path: '/x' })])).toHaveLength(2);
  });
  it('drops a cookie the daemon would refuse, not the others', () => {
    expect(toJobCookies([c({ value: 'a\nb' }), c({ name: '' }), c({ name: 'ok' })]).map((k) => k.name)).toEqual(['ok']);
  });
  it('sends at most 300', () => {
    expect(toJobCookies(Array.from({ length: 400 }, (_, i) => c({ name: `n${i}` })))).toHaveLength(300);
  });
});
