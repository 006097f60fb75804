/**
 * The tools VidQueue runs, from the extension: with Debian's 2023 yt-dlp the popup says it is
 * old and "Update now" fetches a current one (from a loopback mirror of the releases, a real
 * runnable yt-dlp); the options page then lists VidQueue's own copy.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_EXTENSION_ID, type TestBrowser, launchWithHost } from '../../devkit/browser';
import { REPO, type TestEnv, createEnv } from '../../devkit/env';
import { FIXTURE_DIR } from '../../devkit/fixtures';
import { type ReleaseMirror, cachedYtDlp, startReleaseMirror } from '../../devkit/release-mirror';

const SHOTS = join(REPO, 'test-output');
let mirror: ReleaseMirror;
let env: TestEnv;
let browser: TestBrowser;
let current: Buffer;

beforeAll(async () => {
  mirror = await startReleaseMirror();
  current = await cachedYtDlp(FIXTURE_DIR, { version: '2026.11.01' });
  env = await createEnv({ VIDQUEUE_TOOLS_MIRROR: mirror.base });
  browser = await launchWithHost(env);
  expect(browser.extensionId).toBe(DEV_EXTENSION_ID);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await env?.close();
  await mirror?.close();
});

describe('the tools, from the extension', () => {
  it('the popup says yt-dlp is old; "Update now" switches to a current one, which the options page lists', async () => {
    const popup = await browser.openPopup();
    await popup.getByText(/^yt-dlp is \d+ days old/).waitFor({ timeout: 20_000 });
    await popup.screenshot({ path: join(SHOTS, 'popup-tools-old.png') });
    // The release comes out now (the daemon's own check at its start found none).
    mirror.publish('yt-dlp/yt-dlp', { tag: '2026.11.01', assets: { 'yt-dlp_linux': current } });
    await popup.getByRole('button', { name: 'Update now' }).click();
    await popup
      .getByText('yt-dlp 2026.11.01 is now in use.')
      .waitFor({ timeout: 60_000 })
      .catch(async (err) => {
        await popup.screenshot({ path: join(SHOTS, 'popup-tools-failed.png') });
        throw new Error(`${err}: the popup says ${await popup.locator('.tools-banner').textContent()}`);
      });
    expect(await popup.getByRole('button', { name: 'Update now' }).count()).toBe(0);

    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    const row = options.locator('[data-tool="yt-dlp"]');
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toMatch(/^yt-dlp 2026\.11\.01 · VidQueue's own copy/);
    await options.screenshot({ path: join(SHOTS, 'options-tools.png'), fullPage: true });
    const report = JSON.parse((await env.cli(['tools', '--json'])).stdout) as { tools: { id: string; source: string; version: string }[] };
    expect(report.tools.find((t) => t.id === 'yt-dlp')).toMatchObject({ source: 'managed', version: '2026.11.01' });
    await options.close();
    await popup.close();
  });
});
