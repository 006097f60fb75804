/**
 * The popup built around what is on the page, in real Chromium with the built extension and
 * the real host: a page playing an HLS master (two renditions) gets a card whose quality
 * choice lists the real qualities with their sizes (from a probe by real yt-dlp); choosing
 * 360p downloads 360p (ffprobe). Screenshots in light and dark go to test-output/.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finished, waitForJob } from '../../devkit/env';
import { FIXTURES } from '../../devkit/fixtures';
import { probe } from '../../devkit/probe';
import { SHOTS, browser, env, server, useBrowserWithHost } from './helpers/suite';

useBrowserWithHost();

describe('the popup built around what is on the page', () => {
  it('shows a card with the real qualities and their sizes; the chosen 360p is what downloads; light and dark', async () => {
    const url = server.page(
      '/p/master.html',
      `<!doctype html><html><head><title>Harbour at dawn</title><script src="/lib/hls.js"></script></head><body>
      <video id="v" muted width="640" height="360" title="Harbour at dawn" poster="/${FIXTURES.poster}"></video>
      <script>{ const hls = new Hls(); hls.loadSource('/${FIXTURES.hlsMaster}'); hls.attachMedia(document.getElementById('v')); }</script></body></html>`,
    );
    const page = await browser.context.newPage();
    await page.goto(url);
    await expect.poll(() => server.requests.some((r) => r.path === `/${FIXTURES.hlsMaster}`)).toBe(true);

    const popup = await browser.openPopup(await browser.tabIdOf(url));
    const quality = popup.getByRole('combobox', { name: 'Quality of Harbour at dawn' });
    // The probe's answer: both renditions, best first, each with its size (estimated from its bandwidth).
    await expect
      .poll(async () => (await quality.locator('option').allTextContents()).join(' | '), { timeout: 30_000 })
      .toMatch(/720p.*·.*\d.*MB.*\|.*360p.*·.*\d.*(MB|KB)/);
    await popup.getByRole('button', { name: 'Settings' }).waitFor();
    await popup.screenshot({ path: join(SHOTS, 'popup-light.png') });
    await popup.emulateMedia({ colorScheme: 'dark' });
    await popup.screenshot({ path: join(SHOTS, 'popup-dark.png') });
    await popup.emulateMedia({ colorScheme: 'light' });

    const option360 = (await quality.locator('option').allTextContents()).find((o) => o.startsWith('360p'))!;
    await quality.selectOption({ label: option360 });
    const client = await env.client();
    const before = (await client.request('jobs.list', {})).jobs.length;
    await popup.locator('.card').first().getByRole('button', { name: 'Download' }).click();
    let jobId = 0;
    await expect
      .poll(async () => {
        const jobs = (await client.request('jobs.list', {})).jobs;
        jobId = jobs.length > before ? jobs[0]!.id : 0;
        return jobId;
      })
      .toBeGreaterThan(0);
    const done = await waitForJob(client, jobId, finished, 60_000);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(done.choice).toBeTruthy();
    expect((await probe(done.filePath!)).height).toBe(360);
    // The row shows the title, never the file's name.
    await expect.poll(() => popup.locator(`li.job[data-job-id="${jobId}"] .job-title`).textContent()).toBe('Harbour at dawn');
    // With the video's poster as its thumbnail (the page's; the stream's probe has none), loaded; finished rows have no bar.
    expect(done.thumbnail).toBe(server.url(FIXTURES.poster));
    const thumb = popup.locator(`li.job[data-job-id="${jobId}"] .job-thumb img`);
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320);
    expect(await popup.locator(`li.job[data-job-id="${jobId}"] [role=progressbar]`).count()).toBe(0);
    await popup.screenshot({ path: join(SHOTS, 'popup-card-downloaded.png') });
    await popup.close();
    await page.close();
  });
});
