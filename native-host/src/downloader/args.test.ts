import { describe, expect, it } from 'vitest';
import { buildYtDlpArgs, ffmpegPlan } from './args';

const onPath = { pathDir: '/usr/bin', location: null } as const;
const base = { url: 'https://example.com/v?id=1', referer: null, preset: 'best' as const, ffmpeg: onPath };

describe('buildYtDlpArgs', () => {
  it('ignores user config, ends options with -- and puts the URL last', () => {
    const args = buildYtDlpArgs(base);
    expect(args[0]).toBe('--ignore-config');
    expect(args.slice(-2)).toEqual(['--', 'https://example.com/v?id=1']);
    expect(args.filter((a) => a === '--')).toHaveLength(1);
  });

  it('names no folder: partial files go to ./part of the staging folder it runs in', () => {
    const args = buildYtDlpArgs(base);
    const p = args.flatMap((a, i) => (a === '-P' ? [args[i + 1]] : []));
    expect(p).toEqual(['temp:part']);
    expect(args[args.indexOf('-o') + 1]).toBe('%(title).180B [%(id).40B].%(ext)s');
    expect(args.some((a) => a.startsWith('/'))).toBe(false);
  });

  it('asks for machine-readable progress and the final path', () => {
    const args = buildYtDlpArgs(base);
    expect(args).toContain('--newline');
    expect(args[args.indexOf('--progress-template') + 1]).toMatch(/^download:VQP %\(progress\.\{status,downloaded_bytes/);
    expect(args).toContain('after_move:VQF %(filepath)j');
  });

  it.each([
    ['best', 'bv*+ba/b', 'b'],
    ['1080p', 'bv*[height<=?1080]+ba/b[height<=?1080]/b', 'b[height<=?1080]/b'],
    ['720p', 'bv*[height<=?720]+ba/b[height<=?720]/b', 'b[height<=?720]/b'],
    ['audio', 'ba/b', 'ba'],
  ] as const)('maps preset %s to %s with ffmpeg, %s without (nothing to merge)', (preset, merged, single) => {
    const withFfmpeg = buildYtDlpArgs({ ...base, preset });
    expect(withFfmpeg[withFfmpeg.indexOf('-f') + 1]).toBe(merged);
    const without = buildYtDlpArgs({ ...base, preset, ffmpeg: null });
    expect(without[without.indexOf('-f') + 1]).toBe(single);
    expect(without).not.toContain('--merge-output-format');
  });

  it('extracts m4a audio for the audio preset, and without ffmpeg takes an audio-only format as it is', () => {
    const args = buildYtDlpArgs({ ...base, preset: 'audio' });
    expect(args.join(' ')).toContain('-x --audio-format m4a');
    expect(args).not.toContain('--ffmpeg-location');
    expect(buildYtDlpArgs({ ...base, preset: 'audio', ffmpeg: null })).not.toContain('-x');
  });

  it('gives a renamed ffmpeg by its relative path', () => {
    const args = buildYtDlpArgs({ ...base, ffmpeg: { pathDir: null, location: '../../../opt/ff/ffmpeg-6' } });
    expect(args[args.indexOf('--ffmpeg-location') + 1]).toBe('../../../opt/ff/ffmpeg-6');
  });

  it('passes the page as referer, as one argument', () => {
    const args = buildYtDlpArgs({ ...base, referer: 'https://example.com/page with space' });
    expect(args[args.indexOf('--referer') + 1]).toBe('https://example.com/page with space');
  });

  it('records a live stream with ffmpeg as MPEG-TS, marked live so that a stop keeps the file; a video gets none of it', () => {
    const live = buildYtDlpArgs({ ...base, live: true });
    const joined = live.join(' ');
    expect(joined).toContain('--downloader m3u8:ffmpeg');
    expect(live).toContain('--hls-use-mpegts');
    expect(live[live.indexOf('--parse-metadata') + 1]).toBe('%(webpage_url)s:(?P<is_live>.+)');
    expect(live.slice(-2)).toEqual(['--', base.url]);
    const video = buildYtDlpArgs(base);
    for (const flag of ['--downloader', '--hls-use-mpegts', '--parse-metadata']) expect(video).not.toContain(flag);
  });

  it('asks for the extractor and whether it says the video is live', () => {
    const args = buildYtDlpArgs(base);
    expect(args.find((a) => a.startsWith('video:VQI '))).toMatch(/extractor_key,is_live/);
  });

  it('cannot be turned into an option by a hostile URL', () => {
    const args = buildYtDlpArgs({ ...base, url: '--exec=touch /tmp/pwned' });
    expect(args.indexOf('--exec=touch /tmp/pwned')).toBe(args.indexOf('--') + 1);
  });
});

describe('ffmpegPlan', () => {
  it.each([
    ['/usr/bin/ffmpeg', '/home/u/dl-$HOME/.vidqueue-staging/job-1', { pathDir: '/usr/bin', location: null }],
    ['/home/u/tools-$HOME/ffmpeg', '/home/u/dl/.vidqueue-staging/job-1', { pathDir: '/home/u/tools-$HOME', location: null }],
    ['/opt/ff/ffmpeg-6', '/home/u/dl-$HOME/.vidqueue-staging/job-1', { pathDir: null, location: '../../../../../opt/ff/ffmpeg-6' }],
    ['/opt/$X/ffmpeg-6', '/home/u/dl/.vidqueue-staging/job-1', null],
  ])('%s from %s', (ffmpeg, staging, expected) => {
    expect(ffmpegPlan(ffmpeg, staging, 'linux')).toEqual(expected);
  });
});
