import { describe, expect, it } from 'vitest';
import { parseRequest } from './protocol';
import { checkDownloadUrl } from './url';

describe('checkDownloadUrl', () => {
  it('keeps a user, a port or an IPv6 host, and never turns one URL into another', () => {
    expect(checkDownloadUrl('http://u:p@host.test:8080/v')).toEqual({ ok: true, url: 'http://u:p@host.test:8080/v' });
    expect(checkDownloadUrl('http://[::1]:9/v')).toEqual({ ok: true, url: 'http://[::1]:9/v' });
  });

  it('accepts http and https URLs and normalises them', () => {
    expect(checkDownloadUrl('https://example.com/watch?v=1')).toEqual({ ok: true, url: 'https://example.com/watch?v=1' });
    expect(checkDownloadUrl('HTTP://Example.COM/a b'.replace(' ', '%20'))).toEqual({ ok: true, url: 'http://example.com/a%20b' });
  });

  it.each([
    ['file:///etc/passwd', 'scheme "file"'],
    ['javascript:alert(1)', 'scheme "javascript"'],
    ['ftp://example.com/x', 'scheme "ftp"'],
    ['-o/tmp/evil', 'starts with "-"'],
    ['--exec=rm -rf ~', 'starts with "-"'],
    ['https://example.com/x --exec "rm -rf ~"', 'whitespace'],
    ['https://example.com/x\n--exec', 'control character'],
    ['example.com/video', 'not an absolute URL'],
    ['http:///path', 'has no host'],
    ['https:example.com/v', 'has no host'],
    ['http://user@/path', 'not an absolute URL'],
    ['http:/\\evil.test/x', 'has no host'],
  ])('refuses %j, naming the value', (url, why) => {
    const r = checkDownloadUrl(url);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('INVALID_URL');
      expect(r.message).toContain(why);
      expect(r.message).toContain(JSON.stringify(url).slice(0, 20));
    }
  });

  it('refuses a URL over the limit with its length and a short preview', () => {
    const r = checkDownloadUrl(`https://example.com/${'a'.repeat(2 * 1024 * 1024)}`);
    expect(r).toMatchObject({ ok: false, code: 'URL_TOO_LONG', message: expect.stringContaining('2097172 characters') });
    if (!r.ok) expect(r.message.length).toBeLessThan(300);
  });
});

describe('parseRequest', () => {
  it('accepts a valid request and applies transforms', () => {
    const r = parseRequest({ id: 7, type: 'jobs.add', params: { url: 'https://EXAMPLE.com/v', preset: 'audio' } });
    expect(r).toEqual({ ok: true, request: { id: 7, type: 'jobs.add', params: { url: 'https://example.com/v', preset: 'audio' } } });
  });

  it('names an unknown message type and lists the known ones', () => {
    const r = parseRequest({ id: 'a', type: 'jobs.explode', params: {} });
    expect(r).toMatchObject({ ok: false, id: 'a', error: { code: 'UNKNOWN_TYPE', message: expect.stringMatching(/"jobs\.explode".*jobs\.add/) } });
  });

  it('names the bad field and value', () => {
    expect(parseRequest({ id: 1, type: 'jobs.cancel', params: { jobId: 'seven' } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_MESSAGE', field: 'params.jobId', message: expect.stringContaining('"seven"') },
    });
    expect(parseRequest({ id: 1, type: 'jobs.add', params: { url: 'file:///etc/passwd' } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_URL', field: 'params.url', message: expect.stringContaining('file:///etc/passwd') },
    });
    expect(parseRequest({ id: 1, type: 'jobs.add', params: { url: 'https://x.y/', preset: '4k' } })).toMatchObject({
      ok: false,
      error: { field: 'params.preset', message: expect.stringContaining('"4k"') },
    });
  });

  it('refuses unknown fields: nothing can be smuggled in', () => {
    expect(parseRequest({ id: 1, type: 'jobs.add', params: { url: 'https://x.y/', args: ['--exec', 'sh'] } })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('Unexpected field `params.args`') },
    });
  });

  it('answers a message without an id with id null', () => {
    expect(parseRequest({ type: 'hello' })).toMatchObject({ ok: false, id: null, error: { code: 'INVALID_MESSAGE' } });
    expect(parseRequest([1, 2])).toMatchObject({ ok: false, id: null });
  });

  it('refuses a 2 MiB URL with URL_TOO_LONG', () => {
    const r = parseRequest({ id: 1, type: 'jobs.add', params: { url: `https://x.y/${'a'.repeat(2 * 1024 * 1024)}` } });
    expect(r).toMatchObject({ ok: false, error: { code: 'URL_TOO_LONG', field: 'params.url' } });
  });

  it('validates settings with their bounds', () => {
    expect(parseRequest({ id: 1, type: 'settings.set', params: { settings: { concurrency: 0 } } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_SETTING', field: 'params.settings.concurrency', message: expect.stringContaining('`0`') },
    });
    expect(parseRequest({ id: 1, type: 'settings.set', params: { settings: { downloadDir: 'relative/dir' } } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_SETTING', message: expect.stringContaining('absolute') },
    });
  });
});

describe('parseRequest: probes, exact choices and playlists', () => {
  const add = (params: Record<string, unknown>) => parseRequest({ id: 1, type: 'jobs.add', params: { url: 'https://x.test/v', ...params } });

  it('accepts a choice made from a probe', () => {
    const choice = { format: { kind: 'format', formatId: 'dash-video=2800000' }, subtitles: { languages: ['en', 'pt-BR'], mode: 'file', fileFormat: 'srt' } };
    expect(add({ choice })).toMatchObject({ ok: true, request: { params: { choice } } });
    expect(add({ choice: { format: { kind: 'height', maxHeight: 720 }, subtitles: { languages: ['en'], mode: 'embed', automatic: true } } })).toMatchObject({
      ok: true,
    });
    expect(add({ choice: { format: { kind: 'audio' } } })).toMatchObject({ ok: true });
  });

  it.each([
    ['a format expression as a format id', { format: { kind: 'format', formatId: 'bv*+ba/b' } }, 'params.choice.format.formatId', 'a format id is'],
    ['an option as a format id', { format: { kind: 'audio', formatId: '--exec=sh' } }, 'params.choice.format.formatId', '"--exec=sh"'],
    ['a format id of 65 characters', { format: { kind: 'format', formatId: 'a'.repeat(65) } }, 'params.choice.format.formatId', 'a format id is'],
    [
      'a regular expression as a language',
      { format: { kind: 'best' }, subtitles: { languages: ['en.*'], mode: 'file' } },
      'params.choice.subtitles.languages.0',
      'a language code',
    ],
    [
      'two languages in one',
      { format: { kind: 'best' }, subtitles: { languages: ['en,fr'], mode: 'file' } },
      'params.choice.subtitles.languages.0',
      'a language code',
    ],
    [
      '21 languages',
      { format: { kind: 'best' }, subtitles: { languages: Array.from({ length: 21 }, (_, i) => `l${i}`), mode: 'file' } },
      'params.choice.subtitles.languages',
      'expected <=20',
    ],
    ['an unknown kind of format', { format: { kind: 'raw', args: ['-o', '/tmp/x'] } }, 'params.choice.format.kind', '"raw"'],
    ['raw arguments beside the format', { format: { kind: 'best' }, args: ['--exec', 'sh'] }, 'params.choice.args', 'Unexpected field'],
    ['a height of 0', { format: { kind: 'height', maxHeight: 0 } }, 'params.choice.format.maxHeight', '`0`'],
    ['subtitles embedded in audio', { format: { kind: 'audio' }, subtitles: { languages: ['en'], mode: 'embed' } }, 'params.choice', 'audio-only'],
  ])('refuses %s, naming the field', (_what, choice, field, message) => {
    expect(add({ choice })).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE', field, message: expect.stringContaining(message) } });
  });

  it('takes a preset or a choice, not both', () => {
    expect(add({ preset: 'audio', choice: { format: { kind: 'best' } } })).toMatchObject({
      ok: false,
      error: { field: 'params', message: expect.stringContaining('give `preset` or `choice`, not both') },
    });
  });

  it('checks a probe like a download: an http(s) URL, pages within bounds', () => {
    expect(parseRequest({ id: 1, type: 'probe', params: { url: 'https://x.test/v', pageUrl: 'https://x.test/', cursor: 500, limit: 500 } })).toMatchObject({
      ok: true,
    });
    expect(parseRequest({ id: 1, type: 'probe', params: { url: 'file:///etc/passwd' } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_URL', field: 'params.url' },
    });
    expect(parseRequest({ id: 1, type: 'probe', params: { url: 'https://x.test/', limit: 501 } })).toMatchObject({
      ok: false,
      error: { field: 'params.limit' },
    });
  });

  it.each([
    [{ kind: 'all' }, true],
    [{ kind: 'first', count: 5 }, true],
    [{ kind: 'ids', ids: ['a', 'b'] }, true],
    [{ kind: 'first', count: 0 }, false],
    [{ kind: 'ids', ids: [] }, false],
    [{ kind: 'range', from: 1 }, false],
  ])('jobs.addPlaylist entries %j: %s', (entries, ok) => {
    expect(parseRequest({ id: 1, type: 'jobs.addPlaylist', params: { url: 'https://x.test/pl', entries } }).ok).toBe(ok);
  });
});

describe('cookies in a request', () => {
  const cookie = { domain: '.example.com', hostOnly: false, path: '/', secure: true, expires: null, name: 'sid', value: 'hunter2' };
  const add = (cookies: unknown) => parseRequest({ id: 1, type: 'jobs.add', params: { url: 'https://example.com/v', cookies } });

  it('are accepted as the browser gives them', () => {
    expect(add([cookie])).toMatchObject({ ok: true, request: { params: { cookies: [cookie] } } });
    expect(parseRequest({ id: 1, type: 'jobs.retry', params: { jobId: 3, cookies: [cookie] } })).toMatchObject({ ok: true });
  });

  it.each([
    ['a tab in the value', [{ ...cookie, value: 'hunter2\tx' }], 'params.cookies.0.value', /tabs, line breaks or control characters/],
    ['a line break in the path', [{ ...cookie, path: '/\nhunter2' }], 'params.cookies.0.path', /tabs, line breaks/],
    ['a path not from the root', [{ ...cookie, path: 'hunter2' }], 'params.cookies.0.path', /starts with "\/"/],
    ['a domain that is not a host', [{ ...cookie, domain: 'a b hunter2' }], 'params.cookies.0.domain', /host name or address/],
    ['a field no cookie has', [{ ...cookie, session: 'hunter2' }], 'params.cookies.0.session', /never/],
    ['a value that is not text', [{ ...cookie, value: ['hunter2'] }], 'params.cookies.0.value', /string/],
    ['too many', Array.from({ length: 301 }, () => cookie), 'params.cookies', /300/],
  ])('refuse %s, naming the field and never the value', (_what, cookies, field, why) => {
    const r = add(cookies);
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE', field } });
    if (r.ok) return;
    expect(r.error.message).toMatch(why);
    expect(r.error.message).toMatch(/the value is not shown/);
    expect(r.error.message).not.toContain('hunter2');
  });
});
