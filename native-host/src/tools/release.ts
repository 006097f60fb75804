/**
 * Where a managed yt-dlp comes from: yt-dlp's GitHub releases (or a mirror with the same
 * paths), the standalone asset for this platform, checked against the release's
 * SHA2-256SUMS. Pure: the downloads are done by `updater.ts`.
 */

export const CHANNELS = ['stable', 'nightly'] as const;
export type Channel = (typeof CHANNELS)[number];

const REPOS: Record<Channel, string> = { stable: 'yt-dlp/yt-dlp', nightly: 'yt-dlp/yt-dlp-nightly-builds' };

export const DEFAULT_RELEASES_BASE = 'https://github.com';

/** The standalone yt-dlp built for a platform, as its releases name it; null where there is none. */
export function ytdlpAsset(platform: NodeJS.Platform, arch: string): string | null {
  if (platform === 'linux') return arch === 'x64' ? 'yt-dlp_linux' : arch === 'arm64' ? 'yt-dlp_linux_aarch64' : null;
  if (platform === 'darwin') return 'yt-dlp_macos';
  if (platform === 'win32') return arch === 'x64' || arch === 'arm64' ? 'yt-dlp.exe' : null;
  return null;
}

/** The release URLs of a channel under `base` (GitHub or a mirror with the same paths). */
export function releaseUrls(base: string, channel: Channel) {
  const root = `${base.replace(/\/+$/, '')}/${REPOS[channel]}/releases`;
  return {
    /** Redirects to `…/releases/tag/<tag>`: the newest release's tag. */
    latest: `${root}/latest`,
    asset: (tag: string, name: string) => `${root}/download/${encodeURIComponent(tag)}/${encodeURIComponent(name)}`,
  };
}

/** The tag a `…/releases/tag/<tag>` URL names, or null. */
export function tagFromUrl(url: string): string | null {
  const m = /\/releases\/tag\/([^/?#]+)$/.exec(new URL(url).pathname);
  if (!m) return null;
  const tag = decodeURIComponent(m[1]!);
  // Tags are versions (2025.11.12, 2025.11.12.233005): nothing that could name another path.
  return /^[\w.-]{1,64}$/.test(tag) && !tag.startsWith('.') ? tag : null;
}

/** The expected SHA-256 of `asset` in a SHA2-256SUMS file (`<hex>  <name>` lines), or null. */
export function checksumFor(sums: string, asset: string): string | null {
  for (const line of sums.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64})\s+\*?(.+?)\s*$/.exec(line);
    if (m && m[2] === asset) return m[1]!.toLowerCase();
  }
  return null;
}

/** yt-dlp versions are dates (2024.08.06, nightly 2024.08.06.232814): how old is it? */
export function versionAgeDays(version: string, now: Date): number | null {
  const m = version.trim().match(/^(\d{4})\.(\d{2})\.(\d{2})/);
  if (!m) return null;
  const released = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Math.floor((now.getTime() - released) / 86_400_000);
}
