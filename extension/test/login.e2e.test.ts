/**
 * "Use my browser login for downloads" in real Chromium with the built extension and the
 * real host: a video behind a login (the loopback server wants a cookie the browser has).
 * Under "Ask for each site" (the default) the first download goes without it and fails;
 * "Retry with my login" asks, then completes. Under "Always" (set in the options page) a
 * download carries it at once. The cookie never reaches the daemon's disk.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { finished, waitForJob, filesText } from '../../devkit/env';
import { FIXTURES, FIXTURE_DIR } from '../../devkit/fixtures';
import { LOGIN_COOKIE } from '../../devkit/media-server';
import { sha256 } from '../../devkit/probe';
import { SHOTS, browser, client, env, server, useBrowserWithHost } from './helpers/suite';

useBrowserWithHost();
beforeAll(async () => {
  // The user is logged in to the site: the browser has its cookie.
  await browser.context.addCookies([{ name: LOGIN_COOKIE.name, value: LOGIN_COOKIE.value, domain: '127.0.0.1', path: '/' }]);
});

/** A page whose video is behind the login; its button clicked where it is (closed shadow root). */
async function downloadFromButton(title: string): Promise<{ page: Page; jobId: number }> {
  const before = new Set((await client.request('jobs.list', {})).jobs.map((j) => j.id));
  const url = server.page(
    `/p/${encodeURIComponent(title)}.html`,
    `<!doctype html><html><head><title>${title}</title></head><body>
    <video id="v" width="480" height="270" preload="none" src="/${FIXTURES.progressive}?login=1&rate=400000"></video></body></html>`,
  );
  const page = await browser.context.newPage();
  await page.goto(url);
  const host = page.locator('vidqueue-button').first();
  await host.waitFor({ timeout: 15_000 });
  const box = (await host.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + 14);
  let jobId = 0;
  for (let i = 0; i < 100 && !jobId; i++) {
    jobId = (await client.request('jobs.list', {})).jobs.find((j) => !before.has(j.id))?.id ?? 0;
    if (!jobId) await new Promise((r) => setTimeout(r, 100));
  }
  expect(jobId).toBeGreaterThan(0);
  return { page, jobId };
}

describe("the browser's login", () => {
  it('asks for each site by default: the first try goes without it and fails; "Retry with my login" asks, then completes', async () => {
    const { page, jobId } = await downloadFromButton('Members only');
    const failed = await waitForJob(client, jobId, finished);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'HTTP_403' } });

    const popup = await browser.openPopup(await browser.tabIdOf(page.url()));
    const row = popup.locator(`li.job[data-job-id="${jobId}"]`);
    await row.getByRole('button', { name: 'Retry Members only with my browser login for 127.0.0.1' }).click();
    const question = row.getByRole('alertdialog', { name: 'Use your browser login for 127.0.0.1?' });
    await question.waitFor();
    await popup.screenshot({ path: join(SHOTS, 'popup-login-ask.png') });
    await question.getByRole('button', { name: 'Use my login' }).click();
    // Queued again first (the click's retry reaches the daemon), then it ends.
    await waitForJob(client, jobId, (j) => j.status !== 'failed');
    const done = await waitForJob(client, jobId, finished, 60_000);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(sha256(done.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));

    // The site is allowed from now on: the next download from it carries the login at once.
    const next = await downloadFromButton('Members only too');
    const second = await waitForJob(client, next.jobId, finished, 60_000);
    expect(second.status, JSON.stringify(second.error)).toBe('completed');
    await popup.close();
    await page.close();
    await next.page.close();
  });

  it('under "Never" (the options page) offers no retry with the login; under "Always" a download carries it at once', async () => {
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    const mode = options.getByLabel('Use my browser login for downloads');
    await expect.poll(() => mode.inputValue()).toBe('ask');
    // The site allowed in the first test is listed and can be forgotten.
    await options.getByText('Sites allowed: 127.0.0.1').waitFor();
    await options.getByRole('button', { name: 'Forget these sites' }).click();
    await mode.selectOption('never');
    await options.getByRole('button', { name: 'Save' }).click();
    await options.getByRole('status').waitFor();

    const never = await downloadFromButton('Never mine');
    expect((await waitForJob(client, never.jobId, finished)).error?.code).toBe('HTTP_403');
    const popup = await browser.openPopup(await browser.tabIdOf(never.page.url()));
    const row = popup.locator(`li.job[data-job-id="${never.jobId}"]`);
    await row.getByRole('button', { name: /^Retry Never mine$/ }).waitFor();
    expect(await row.getByRole('button', { name: /with my browser login/ }).count()).toBe(0);
    await popup.close();

    await mode.selectOption('always');
    await options.getByRole('button', { name: 'Save' }).click();
    await options.screenshot({ path: join(SHOTS, 'options-login.png') });
    const always = await downloadFromButton('Always mine');
    const done = await waitForJob(client, always.jobId, finished, 60_000);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    await env.cli(['stop']);
    expect(filesText(env.home)).not.toContain(LOGIN_COOKIE.value);
    await options.close();
  });
});
