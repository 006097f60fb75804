import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface YtDlpFeatures {
  version: string | null;
  /** `--js-runtimes` (yt-dlp 2025.11.12 and later): it may run a JavaScript runtime we hand it. */
  jsRuntimes: boolean;
}

const cache = new Map<string, Promise<unknown>>();

/**
 * What `ask` says of the binary at `path`, asked once per binary and version of the file
 * (its path, modification time and size): a tool replaced (an update, apt) is asked again.
 * An answer `keep` refuses (a run that failed) is asked again next time.
 */
function perBinary<T>(what: string, path: string, ask: () => Promise<T>, keep: (v: T) => boolean = () => true): Promise<T> {
  let key = `${what}\n${path}`;
  try {
    const st = statSync(path);
    key = `${key}:${st.mtimeMs}:${st.size}`;
  } catch {
    // gone: asked below, and it says so
  }
  let known = cache.get(key) as Promise<T> | undefined;
  if (!known) {
    const asked = ask();
    known = asked;
    cache.set(key, asked);
    void asked.then((v) => {
      if (!keep(v) && cache.get(key) === asked) cache.delete(key);
    });
  }
  return known;
}

/**
 * What a yt-dlp binary knows, asked once (its `--help`), remembered per binary and version
 * of the file: an option newer yt-dlp versions have is passed only to those that list it.
 */
export function ytdlpFeatures(path: string): Promise<YtDlpFeatures> {
  return perBinary('features', path, () => probe(path));
}

/**
 * The first line a tool prints for `args` (its version), or null if it cannot say:
 * remembered per binary like yt-dlp's features, so that the popup's tools banner spawns
 * nothing on each opening.
 */
export function toolVersionLine(path: string, args: string[]): Promise<string | null> {
  return perBinary(
    `version ${args.join(' ')}`,
    path,
    () =>
      run(path, args, { timeout: 15_000, windowsHide: true }).then(
        (r) => r.stdout.split('\n')[0]?.trim() || null,
        () => null,
      ),
    (line) => line !== null,
  );
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
