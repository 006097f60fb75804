import { describe, expect, it } from 'vitest';
import { buildYtDlpArgs } from './args';

const base = { url: 'https://example.com/v?id=1', referer: null, preset: 'best' as const, stagingDir: '/dl/.vidqueue-staging/job-3', ffmpegPath: '/usr/bin/ffmpeg' };

describe('buildYtDlpArgs', () => {
  it('ignores user config, ends options with -- and puts the URL last', () => {
    const args = buildYtDlpArgs(base);
    expect(args[0]).toBe('--ignore-config');
    expect(args.slice(-2)).toEqual(['--', 'https://example.com/v?id=1']);
    expect(args.filter((a) => a === '--')).toHaveLength(1);
  });

  it('keeps every file of the job in its staging folder', () => {
    const args = buildYtDlpArgs(base);
    const p = args.flatMap((a, i) => (a === '-P' ? [args[i + 1]] : []));
    expect(p).toEqual(['/dl/.vidqueue-staging/job-3', 'temp:/dl/.vidqueue-staging/job-3/part']);
  });

  it('asks for machine-readable progress and the final path', () => {
    const args = buildYtDlpArgs(base);
    expect(args).toContain('--newline');
    expect(args[args.indexOf('--progress-template') + 1]).toMatch(/^download:VQP %\(progress\.\{status,downloaded_bytes/);
    expect(args).toContain('after_move:VQF %(filepath)j');
  });

  it.each([
    ['best', 'bv*+ba/b'],
    ['1080p', 'bv*[height<=?1080]+ba/b[height<=?1080]/b'],
    ['720p', 'bv*[height<=?720]+ba/b[height<=?720]/b'],
    ['audio', 'ba/b'],
  ] as const)('maps preset %s to format %s', (preset, format) => {
    const args = buildYtDlpArgs({ ...base, preset });
    expect(args[args.indexOf('-f') + 1]).toBe(format);
  });

  it('extracts m4a audio with ffmpeg for the audio preset', () => {
    const args = buildYtDlpArgs({ ...base, preset: 'audio' });
    expect(args.join(' ')).toContain('-x --audio-format m4a');
    expect(args[args.indexOf('--ffmpeg-location') + 1]).toBe('/usr/bin/ffmpeg');
  });

  it('passes the page as referer, as one argument', () => {
    const args = buildYtDlpArgs({ ...base, referer: 'https://example.com/page with space' });
    expect(args[args.indexOf('--referer') + 1]).toBe('https://example.com/page with space');
  });

  it('cannot be turned into an option by a hostile URL', () => {
    const args = buildYtDlpArgs({ ...base, url: '--exec=touch /tmp/pwned' });
    expect(args.indexOf('--exec=touch /tmp/pwned')).toBe(args.indexOf('--') + 1);
  });
});
