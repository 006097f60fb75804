import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface YtDlpFeatures {
  version: string | null;
  /** `--js-runtimes` (yt-dlp 2025.11.12 and later): it may run a JavaScript runtime we hand it. */
  jsRuntimes: boolean;
}

const cache = new Map<string, Promise<YtDlpFeatures>>();

/**
 * What a yt-dlp binary knows, asked once (its `--help`), remembered per binary and version
 * of the file: an option newer yt-dlp versions have is passed only to those that list it.
 */
export function ytdlpFeatures(path: string): Promise<YtDlpFeatures> {
  let key = path;
  try {
    const st = statSync(path);
    key = `${path}:${st.mtimeMs}:${st.size}`;
  } catch {
    // gone: asked below, and it says so
  }
  let known = cache.get(key);
  if (!known) {
    known = probe(path);
    cache.set(key, known);
  }
  return known;
}

async function probe(path: string): Promise<YtDlpFeatures> {
  const [help, version] = await Promise.all([
    run(path, ['--help'], { timeout: 60_000, maxBuffer: 8 * 1024 * 1024, windowsHide: true }).then(
      (r) => r.stdout,
      () => '',
    ),
    run(path, ['--version'], { timeout: 60_000, windowsHide: true }).then(
      (r) => r.stdout.trim() || null,
      () => null,
    ),
  ]);
  return { version, jsRuntimes: /^\s*--js-runtimes\b/m.test(help) };
}
