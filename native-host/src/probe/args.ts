/**
 * The argument vector of a probe: yt-dlp reads what a URL offers and prints it as one JSON
 * document, downloading nothing. Lists are read flat (each entry as the list gives it, not
 * opened one by one). As for downloads: no shell, user config ignored, `--` before the URL.
 */
export function buildProbeArgs(o: { url: string; referer: string | null; socketTimeoutSeconds: number }): string[] {
  const args = [
    '--ignore-config',
    '-J',
    '--flat-playlist',
    // As a download reads it: a video page that is also in a list is the video (a list page stays a list).
    '--no-playlist',
    '--no-color',
    '--no-cache-dir',
    '--socket-timeout',
    String(Math.max(1, Math.round(o.socketTimeoutSeconds))),
  ];
  if (o.referer) args.push('--referer', o.referer);
  args.push('--', o.url);
  return args;
}
