import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface JsRuntime {
  kind: 'deno' | 'node';
  path: string;
}

/**
 * The JavaScript runtime yt-dlp may use for sites that need one (YouTube does): deno from
 * its npm package, which VidQueue depends on; else this very Node (yt-dlp accepts Node 20
 * and later).
 */
export function findJsRuntime(platform: NodeJS.Platform = process.platform): JsRuntime {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('deno/package.json'));
    const path = join(dir, platform === 'win32' ? 'deno.exe' : 'deno');
    if (existsSync(path)) return { kind: 'deno', path };
  } catch {
    // deno's package (or its binary for this platform) is not installed
  }
  return { kind: 'node', path: process.execPath };
}
