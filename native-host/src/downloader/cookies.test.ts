import { describe, expect, it } from 'vitest';
import type { Cookie } from '../../../shared/cookies';
import { netscapeCookies } from './cookies';

const base: Cookie = { domain: 'example.com', hostOnly: true, path: '/', secure: false, expires: null, name: 'sid', value: 'abc' };
const lineOf = (c: Partial<Cookie>) =>
  netscapeCookies([{ ...base, ...c }])
    .split('\n')
    .filter(Boolean)
    .pop();

describe('netscapeCookies', () => {
  it.each([
    ['a host-only cookie', {}, 'example.com\tFALSE\t/\tFALSE\t0\tsid\tabc'],
    ['a host-only cookie the browser wrote with a dot', { domain: '.example.com' }, 'example.com\tFALSE\t/\tFALSE\t0\tsid\tabc'],
    ['a domain cookie', { hostOnly: false, domain: '.example.com' }, '.example.com\tTRUE\t/\tFALSE\t0\tsid\tabc'],
    ['a domain cookie written without its dot', { hostOnly: false }, '.example.com\tTRUE\t/\tFALSE\t0\tsid\tabc'],
    ['a secure cookie that expires', { secure: true, expires: 1_900_000_000.7, path: '/watch' }, 'example.com\tFALSE\t/watch\tTRUE\t1900000000\tsid\tabc'],
    ['an empty value, "=" and spaces kept', { value: '', name: 'a b=c' }, 'example.com\tFALSE\t/\tFALSE\t0\ta b=c\t'],
  ])('writes %s', (_what, c, line) => {
    expect(lineOf(c)).toBe(line);
  });

  it('starts with the header yt-dlp expects and writes one line a cookie', () => {
    const text = netscapeCookies([base, { ...base, name: 'two' }]);
    expect(text.startsWith('# Netscape HTTP Cookie File\n')).toBe(true);
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toHaveLength(2);
  });

  it.each([['\t'], ['\n'], ['\r'], ['\u0000']])('never writes a field holding %j (it would add a column or a cookie)', (bad) => {
    expect(() => netscapeCookies([{ ...base, value: `x${bad}evil` }])).toThrow(/control character/);
  });
});
