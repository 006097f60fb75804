import { describe, expect, it } from 'vitest';
import { checksumFor, releaseUrls, tagFromUrl, versionAgeDays, ytdlpAsset } from './release';

describe('yt-dlp releases', () => {
  it.each([
    ['linux', 'x64', 'yt-dlp_linux'],
    ['linux', 'arm64', 'yt-dlp_linux_aarch64'],
    ['darwin', 'arm64', 'yt-dlp_macos'],
    ['darwin', 'x64', 'yt-dlp_macos'],
    ['win32', 'x64', 'yt-dlp.exe'],
    ['linux', 'ia32', null],
    ['freebsd', 'x64', null],
  ] as const)('%s/%s: %s', (platform, arch, asset) => {
    expect(ytdlpAsset(platform, arch)).toBe(asset);
  });

  it('builds the same paths under GitHub or a mirror', () => {
    expect(releaseUrls('https://github.com', 'stable').latest).toBe('https://github.com/yt-dlp/yt-dlp/releases/latest');
    expect(releaseUrls('http://127.0.0.1:9/gh/', 'nightly').asset('2025.11.12.2', 'yt-dlp_linux')).toBe(
      'http://127.0.0.1:9/gh/yt-dlp/yt-dlp-nightly-builds/releases/download/2025.11.12.2/yt-dlp_linux',
    );
  });

  it.each([
    ['https://github.com/yt-dlp/yt-dlp/releases/tag/2025.11.12', '2025.11.12'],
    ['http://127.0.0.1:5/yt-dlp/yt-dlp/releases/tag/2025.11.12.233005', '2025.11.12.233005'],
    ['https://github.com/yt-dlp/yt-dlp/releases/tag/..%2F..%2Fetc', null],
    ['https://github.com/yt-dlp/yt-dlp/releases', null],
  ])('reads the tag of %s', (url, tag) => {
    expect(tagFromUrl(url)).toBe(tag);
  });

  it('finds an asset in SHA2-256SUMS, and nothing for a look-alike', () => {
    const sums = `${'a'.repeat(64)}  yt-dlp\n${'B'.repeat(64)}  yt-dlp_linux\r\n${'c'.repeat(64)} *yt-dlp.exe\n`;
    expect(checksumFor(sums, 'yt-dlp_linux')).toBe('b'.repeat(64));
    expect(checksumFor(sums, 'yt-dlp.exe')).toBe('c'.repeat(64));
    expect(checksumFor(sums, 'yt-dlp_linux_aarch64')).toBeNull();
  });

  it('dates a version', () => {
    expect(versionAgeDays('2023.03.04', new Date('2026-11-22T00:00:00Z'))).toBe(1359);
    expect(versionAgeDays('2025.11.12.233005', new Date('2025-11-13T00:00:00Z'))).toBe(1);
    expect(versionAgeDays('unknown', new Date())).toBeNull();
  });
});
