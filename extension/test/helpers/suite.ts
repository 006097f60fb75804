import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { DEV_EXTENSION_ID, type TestBrowser, launchWithHost } from '../../../devkit/browser';
import { REPO, type TestEnv, createEnv } from '../../../devkit/env';
import { FIXTURE_DIR } from '../../../devkit/fixtures';
import { type MediaServer, startMediaServer } from '../../../devkit/media-server';

/** Where the e2e tests save their screenshots. */
export const SHOTS = join(REPO, 'test-output');

/** This file's media server (live bindings: set once the suite starts). */
export let server: MediaServer;
/** This file's VIDQUEUE_HOME, daemon and download folder. */
export let env: TestEnv;
/** Chromium with the built extension (its development id), whose native host is `env`'s. */
export let browser: TestBrowser;
/** A client of `env`'s daemon, for what a test checks beside the browser. */
export let client: Awaited<ReturnType<TestEnv['client']>>;

/** One media server, environment and browser for the whole file, torn down after it. */
export function useBrowserWithHost(): void {
  beforeAll(async () => {
    server = await startMediaServer(FIXTURE_DIR);
    env = await createEnv();
    browser = await launchWithHost(env);
    expect(browser.extensionId).toBe(DEV_EXTENSION_ID);
    client = await env.client();
  });
  afterAll(async () => {
    await browser?.close();
    await env?.close();
    await server?.close();
  });
}
