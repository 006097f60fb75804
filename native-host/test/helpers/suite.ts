import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type TestEnv, createEnv } from '../../../devkit/env';
import { FIXTURE_DIR } from '../../../devkit/fixtures';
import { type MediaServer, startMediaServer } from '../../../devkit/media-server';

/** The media server of this test file (live binding: set once the suite starts). */
export let server: MediaServer;
/** This test's own VIDQUEUE_HOME, daemon and download folder (live binding: new for each test). */
export let env: TestEnv;

/** One media server for the file, a fresh environment for each test, all torn down after. */
export function useServerAndEnv(): void {
  beforeAll(async () => {
    server = await startMediaServer(FIXTURE_DIR);
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    env = await createEnv();
  });
  afterEach(() => env.close());
}

/** The yt-dlp and ffmpeg processes of this test's environment (not the daemon, not a bridge). */
export const jobProcesses = () => env.jobProcesses();

/**
 * The two ways a download runs: yt-dlp's own downloader, one fragment at a time; and the
 * defaults, a direct file through aria2c over 8 connections and 8 fragments of a stream at
 * once. Suites about cancel, pause, recovery, progress and debris run in both. `speedup` is
 * about how much faster the second is on the test clips (the 3 MB file comes in 3 pieces of
 * 1 MiB), so a test can slow its server by as much and keep the time it acts in.
 */
export const MODES = [
  { name: "yt-dlp's own downloader", fragmentConcurrency: 1, connectionsPerFile: 1, speedup: 1 },
  { name: 'aria2c (8 connections) and 8 fragments at once', fragmentConcurrency: 8, connectionsPerFile: 8, speedup: 3 },
] as const;
export type Mode = (typeof MODES)[number];

/** Sets this mode's settings in `e` (this test's environment unless told). */
export async function applyMode(mode: Mode, e: TestEnv = env): Promise<void> {
  const c = await e.client('mode');
  await c.request('settings.set', { settings: { fragmentConcurrency: mode.fragmentConcurrency, connectionsPerFile: mode.connectionsPerFile } });
  c.destroy();
}

/** Each test of the enclosing suite starts with this mode's settings. */
export function useMode(mode: Mode): void {
  beforeEach(() => applyMode(mode));
}

/**
 * The bytes of `file` this file's server sent in answer to the requests from the `from`-th
 * on: what a resumed download fetched again. A continuation fetches only the rest.
 */
export const servedSince = (from: number, file: string): number =>
  server.requests
    .slice(from)
    .filter((r) => r.path === `/${file}`)
    .reduce((sum, r) => sum + r.sent, 0);
