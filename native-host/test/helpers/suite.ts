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
