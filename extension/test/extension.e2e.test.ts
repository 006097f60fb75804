import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPO, type TestEnv, createEnv, finished, waitForJob } from '../../devkit/env';
import { FIXTURES, FIXTURE_DIR } from '../../devkit/fixtures';
import { type MediaServer, startMediaServer } from '../../devkit/media-server';
import { sha256 } from '../../devkit/probe';
import { VIEW_PORT } from '../lib/view-port-name';
import { DEV_EXTENSION_ID, type TestBrowser, launchBrowser, launchWithHost } from '../../devkit/browser';

const SHOTS = join(REPO, 'test-output');
let server: MediaServer;
let env: TestEnv;
let browser: TestBrowser;

beforeAll(async () => {
  server = await startMediaServer(FIXTURE_DIR);
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(() => server.close());
afterEach(async () => {
  await browser?.close();
  await env?.close();
});

// yt-dlp and the ffmpeg it runs (the browser's bridge and the daemon are not a job's processes).
const jobProcesses = () => env.jobProcesses();
/** `rate` is per connection: with the default settings aria2c fetches the 3 MB clip in 3 pieces of 1 MiB at once. */
const videoPage = (rate: number, title = 'Demo video page') => server.url('/page', { title, video: `/${FIXTURES.progressive}?rate=${rate}` });

describe('the extension with the real host', () => {
  beforeEach(async () => {
    env = await createEnv();
    browser = await launchWithHost(env);
  });

  it('has the fixed development id the host allows', () => {
    expect(browser.extensionId).toBe(DEV_EXTENSION_ID);
  });

  it('downloads from the button on a video; the popup shows a moving bar; Cancel stops it and removes its files', async () => {
    const page = await browser.context.newPage();
    const url = videoPage(200_000);
    await page.goto(url);
    const button = page.locator('vidqueue-button').first();
    await button.waitFor({ timeout: 15_000 });
    // The button lives in a closed shadow root: click where it is, as a person would.
    const box = (await button.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + 14);

    const client = await env.client();
    const jobId = await waitForFirstJob(client);
    await waitForJob(client, jobId, (j) => j.status === 'downloading' && (j.progress.percent ?? 0) > 3);

    const popup = await browser.openPopup(await browser.tabIdOf(url));
    const bar = popup.getByRole('progressbar').first();
    await bar.waitFor();
    const first = Number(await bar.getAttribute('aria-valuenow'));
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 10_000 }).toBeGreaterThan(first);
    await popup.screenshot({ path: join(SHOTS, 'popup-downloading.png') });

    await popup.getByRole('button', { name: /^Cancel .*Demo video page/ }).click();
    await expect.poll(() => popup.locator('.job-status').first().textContent(), { timeout: 10_000 }).toMatch(/Cancelling…|Cancelled/);
    await expect.poll(() => popup.locator('.job-status').first().textContent(), { timeout: 10_000 }).toBe('Cancelled');
    expect(jobProcesses()).toEqual([]);
    expect(env.stagingFiles()).toEqual([]);
    expect(env.downloaded()).toEqual([]);
    await popup.screenshot({ path: join(SHOTS, 'popup-cancelled.png') });
    // The popup's probes (its cards' qualities) end with it.
    await popup.close();
    await expect.poll(() => env.probeProcesses(), { timeout: 10_000 }).toEqual([]);
  });

  it('downloads to completion from the popup, then pauses and resumes another', async () => {
    const page = await browser.context.newPage();
    const url = videoPage(3_000_000, 'Popup download');
    await page.goto(url);
    const popup = await browser.openPopup(await browser.tabIdOf(url));
    await popup.getByText('1 video on this page').waitFor();
    await popup.getByRole('button', { name: 'Download', exact: true }).click();
    const client = await env.client();
    const jobId = await waitForFirstJob(client);
    const done = await waitForJob(client, jobId, finished);
    expect(done.status).toBe('completed');
    expect(sha256(done.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
    await popup.getByText('Completed').waitFor();
    await popup.getByRole('button', { name: /^Show .* in its folder$/ }).waitFor();

    // Pause and resume a slower one from the popup.
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive, { rate: 233_000 }), title: 'Slow one' });
    await waitForJob(client, job.id, (j) => (j.progress.percent ?? 0) > 10);
    await popup.getByRole('button', { name: 'Pause Slow one' }).click();
    await popup.getByRole('button', { name: 'Resume Slow one' }).waitFor();
    expect((await client.request('jobs.get', { jobId: job.id })).job.status).toBe('paused');
    await popup.getByRole('button', { name: 'Resume Slow one' }).click();
    const resumed = await waitForJob(client, job.id, finished);
    expect(resumed.status).toBe('completed');
    expect(sha256(resumed.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
    await popup.screenshot({ path: join(SHOTS, 'popup-completed.png') });
  });

  it('answers a message nested 4,000 deep from an extension page with an error naming the field, and keeps answering', async () => {
    const popup = await browser.openPopup();
    await popup.getByRole('heading', { name: 'Downloads' }).waitFor();
    // What the popup's port could send if it were compromised: a view message, straight to the background.
    const ask = (deep: boolean) =>
      popup.evaluate(
        ({ deep, port: name }) =>
          new Promise((resolve, reject) => {
            const api = (globalThis as unknown as { chrome: { runtime: { connect(i: object): any } } }).chrome;
            const port = api.runtime.connect({ name });
            let value: unknown = [];
            for (let i = 0; i < 4000; i++) value = [value];
            setTimeout(() => reject(new Error('no reply within 10 s')), 10_000);
            port.onMessage.addListener((m: { kind: string }) => m.kind === 'reply' && resolve(m));
            port.postMessage(
              deep ? { kind: 'candidates', id: 1, target: { pageUrl: value, pageTitle: null } } : { kind: 'request', id: 2, type: 'jobs.list', params: {} },
            );
          }),
        { deep, port: VIEW_PORT },
      );
    expect(await ask(true)).toMatchObject({
      id: 1,
      ok: false,
      error: {
        code: 'INVALID_MESSAGE',
        field: expect.stringMatching(/^message\.target\.pageUrl\[0\]/),
        message: expect.stringContaining('nested more than 32 levels'),
      },
    });
    expect(await ask(false)).toMatchObject({ id: 2, ok: true, result: { jobs: [] } });
  });
});

describe('without the host', () => {
  it('says the host is missing and gives the command that fixes it', async () => {
    env = await createEnv();
    browser = await launchBrowser(async () => {});
    const popup = await browser.openPopup();
    await popup.getByRole('alert').filter({ hasText: 'not installed' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => popup.locator('.command code').textContent()).toBe('npx vidqueue install');
    await popup.screenshot({ path: join(SHOTS, 'popup-host-missing.png') });
  });
});

async function waitForFirstJob(client: Awaited<ReturnType<TestEnv['client']>>): Promise<number> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { jobs } = await client.request('jobs.list', {});
    if (jobs[0]) return jobs[0].id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no job was added');
}
