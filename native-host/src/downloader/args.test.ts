import { describe, expect, it } from 'vitest';
import { buildYtDlpArgs, ffmpegPlan, fileDownloader } from './args';

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
    expect(args.find((a) => a.startsWith('video:VQI '))).toMatch(/extractor_key,.*is_live/);
  });

  it('cannot be turned into an option by a hostile URL', () => {
    const args = buildYtDlpArgs({ ...base, url: '--exec=touch /tmp/pwned' });
    expect(args.indexOf('--exec=touch /tmp/pwned')).toBe(args.indexOf('--') + 1);
  });
});

describe('buildYtDlpArgs with an exact choice from a probe', () => {
  const flagValue = (args: string[], flag: string) => args[args.indexOf(flag) + 1];
  /** The arguments the choice adds, from -f to the end of its part (before the playlist item, --ffmpeg-location, --referer, --). */
  const part = (args: string[]) => args.slice(args.indexOf('-f'), args.indexOf('--'));

  it.each([
    ['the best', { format: { kind: 'best' } }, ['-f', 'bv*+ba/b', '--merge-output-format', 'mp4/mkv'], ['-f', 'b']],
    [
      'a height limit (the smallest format when none is that small)',
      { format: { kind: 'height', maxHeight: 360 } },
      ['-f', 'bv*[height<=?360]+ba/b[height<=?360]/wv*+ba/w', '--merge-output-format', 'mp4/mkv'],
      ['-f', 'b[height<=?360]/w'],
    ],
    [
      'a format, with the best audio when it has none',
      { format: { kind: 'format', formatId: 'dash-video=2800000' } },
      ['-f', 'dash-video=2800000+ba/dash-video=2800000', '--merge-output-format', 'mp4/mkv'],
      ['-f', 'dash-video=2800000'],
    ],
    ['audio from a chosen format, as it is', { format: { kind: 'audio', formatId: '140' } }, ['-f', '140', '-x'], ['-f', '140']],
    ['the best audio, as m4a', { format: { kind: 'audio' } }, ['-f', 'ba/b', '-x', '--audio-format', 'm4a'], ['-f', 'ba']],
    [
      'subtitles as srt files, automatic captions too',
      { format: { kind: 'best' }, subtitles: { languages: ['en', 'pt-BR'], mode: 'file', fileFormat: 'srt', automatic: true } },
      ['-f', 'bv*+ba/b', '--merge-output-format', 'mp4/mkv', '--sub-langs', 'en,pt-BR', '--write-subs', '--write-auto-subs', '--convert-subs', 'srt'],
      ['-f', 'b', '--sub-langs', 'en,pt-BR', '--write-subs', '--write-auto-subs', '--sub-format', 'srt/best'],
    ],
    [
      'subtitles as files the way the site has them',
      { format: { kind: 'best' }, subtitles: { languages: ['fr'], mode: 'file' } },
      ['-f', 'bv*+ba/b', '--merge-output-format', 'mp4/mkv', '--sub-langs', 'fr', '--write-subs'],
      ['-f', 'b', '--sub-langs', 'fr', '--write-subs'],
    ],
    [
      'subtitles embedded (files instead without ffmpeg, which embedding needs)',
      { format: { kind: 'height', maxHeight: 720 }, subtitles: { languages: ['en'], mode: 'embed' } },
      [
        '-f',
        'bv*[height<=?720]+ba/b[height<=?720]/wv*+ba/w',
        '--merge-output-format',
        'mp4/mkv',
        '--sub-langs',
        'en',
        '--write-subs',
        '--embed-subs',
        '--compat-options',
        'no-keep-subs',
      ],
      ['-f', 'b[height<=?720]/w', '--sub-langs', 'en', '--write-subs'],
    ],
  ] as const)('%s', (_what, choice, withFfmpeg, without) => {
    expect(part(buildYtDlpArgs({ ...base, choice: choice as never }))).toEqual(withFfmpeg);
    expect(part(buildYtDlpArgs({ ...base, choice: choice as never, ffmpeg: null }))).toEqual(without);
  });

  it('decides instead of the preset', () => {
    const args = buildYtDlpArgs({ ...base, preset: 'audio', choice: { format: { kind: 'height', maxHeight: 480 } } });
    expect(flagValue(args, '-f')).toBe('bv*[height<=?480]+ba/b[height<=?480]/wv*+ba/w');
    expect(args).not.toContain('-x');
  });

  it('downloads entry N of a playlist, with the URL still last after --', () => {
    const args = buildYtDlpArgs({ ...base, playlistIndex: 7 });
    expect(flagValue(args, '--playlist-items')).toBe('7');
    expect(args.slice(-2)).toEqual(['--', base.url]);
    expect(buildYtDlpArgs(base)).not.toContain('--playlist-items');
  });

  it.each([
    ['a format id that is a format expression', { format: { kind: 'format', formatId: 'bv*+ba' } }],
    ['a format id that is an option', { format: { kind: 'audio', formatId: '--exec=x' } }],
    ['a language that is a regular expression', { format: { kind: 'best' }, subtitles: { languages: ['.*'], mode: 'file' } }],
    ['a language list smuggled in one code', { format: { kind: 'best' }, subtitles: { languages: ['en,--exec'], mode: 'file' } }],
  ])('refuses %s, even if it got past the schema', (_what, choice) => {
    expect(() => buildYtDlpArgs({ ...base, choice: choice as never })).toThrow(/Refusing/);
  });

  it('refuses a playlist index that is not a positive whole number', () => {
    expect(() => buildYtDlpArgs({ ...base, playlistIndex: -1 })).toThrow(/Refusing playlist index/);
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

describe('parallel downloading', () => {
  const aria2cLine = (args: string[]) => args[args.indexOf('--external-downloader-args') + 1]!;

  it('hands a direct file to aria2c over the connections asked for (at most 16), HLS and DASH to yt-dlp with -N', () => {
    const args = buildYtDlpArgs({ ...base, fragments: 8, aria2c: { path: '/usr/bin/aria2c', connections: 8 } });
    expect(args.join(' ')).toContain('--downloader aria2c --downloader dash,m3u8:native');
    expect(aria2cLine(args)).toMatch(/^aria2c:-x8 -s8 -k1M /);
    expect(args[args.indexOf('-N') + 1]).toBe('8');
    expect(aria2cLine(buildYtDlpArgs({ ...base, aria2c: { path: 'aria2c', connections: 40 } }))).toMatch(/^aria2c:-x16 -s16 /);
    expect(args.some((a) => a.startsWith('/'))).toBe(false);
  });

  it('lets aria2c read no config of the user, and keeps its control file saved and its log uncoloured', () => {
    const line = aria2cLine(buildYtDlpArgs({ ...base, aria2c: { path: 'aria2c', connections: 4 } }));
    for (const opt of ['--no-conf=true', '--no-netrc=true', '--auto-save-interval=1', '--enable-color=false', '--auto-file-renaming=false'])
      expect(line).toContain(opt);
  });

  it('uses neither for 1 connection and 1 fragment, nor aria2c for a live recording', () => {
    const args = buildYtDlpArgs({ ...base, fragments: 1, aria2c: null });
    expect(args).not.toContain('-N');
    expect(args).not.toContain('--external-downloader-args');
    expect(buildYtDlpArgs({ ...base, live: true, aria2c: { path: 'aria2c', connections: 8 } })).not.toContain('aria2c');
  });

  it.each([
    [
      { aria2cPath: '/usr/bin/aria2c', connections: 8, aria2cPartial: false },
      { aria2c: { path: '/usr/bin/aria2c', connections: 8 }, discard: false },
    ],
    [
      { aria2cPath: '/usr/bin/aria2c', connections: 1, aria2cPartial: false },
      { aria2c: null, discard: false },
    ],
    [
      { aria2cPath: null, connections: 8, aria2cPartial: false },
      { aria2c: null, discard: false },
    ],
    // aria2c's partial has holes: only aria2c continues it, whatever the setting says now.
    [
      { aria2cPath: '/usr/bin/aria2c', connections: 1, aria2cPartial: true },
      { aria2c: { path: '/usr/bin/aria2c', connections: 1 }, discard: false },
    ],
    // …and without aria2c it is thrown away, never appended to.
    [
      { aria2cPath: null, connections: 8, aria2cPartial: true },
      { aria2c: null, discard: true },
    ],
  ])('fileDownloader(%j) is %j', (input, expected) => {
    expect(fileDownloader(input)).toEqual(expected);
  });
});
