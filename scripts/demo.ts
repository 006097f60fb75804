/**
 * `npm start`: VidQueue end to end on this machine, in one command. It makes a demo video,
 * serves a page with it on 127.0.0.1, registers the host into a throwaway Chromium profile,
 * and opens Chromium with the extension on that page. With no display it runs the same path
 * headless and scripted, says what happened, and saves a screenshot of the popup.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatBytes } from '../shared/format';
import { type TestBrowser, launchBrowser } from '../devkit/browser';
import { REPO, createEnv, finished, waitForJob } from '../devkit/env';
import { FIXTURES, ensureFixtures } from '../devkit/fixtures';
import { startMediaServer } from '../devkit/media-server';
import { sha256 } from '../devkit/probe';

const say = (s: string) => process.stdout.write(`${s}\n`);
const headless = process.argv.includes('--headless') || (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && process.platform !== 'darwin');

async function main(): Promise<void> {
  const work = join(tmpdir(), 'vidqueue-demo');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  say('VidQueue demo');
  const fixtures = await ensureFixtures();
  say(`• demo video made with ffmpeg: ${join(fixtures, FIXTURES.progressive)}`);
  const server = await startMediaServer(fixtures);
  // Slowed down so the progress can be watched, and a download cancelled half way.
  const page = server.url('/page', { title: 'VidQueue demo', video: `/${FIXTURES.progressive}?rate=200000` }); // per connection: aria2c fetches the 3 MB clip over 3
  say(`• demo page served on ${page}`);
  const env = await createEnv();
  say(`• VidQueue's data for this demo: ${env.home} (your own queue is not touched)`);
  const profile = join(work, 'chromium-profile');
  let browser: TestBrowser | null = null;
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    await server.close();
    // Headless, everything goes; after a real session the downloads stay where they were shown.
    if (headless) await env.close();
    else {
      await env.cli(['stop']);
      say(`Your demo downloads stay in ${env.downloads}`);
    }
  };
  process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    browser = await launchBrowser(
      async (dir) => {
        const r = await env.cli(['install', '--dev', '--user-data-dir', dir]);
        if (r.exitCode !== 0) throw new Error(`vidqueue install failed: ${r.stderr}`);
        say(`• native host registered into the throwaway profile ${dir}`);
      },
      { headless, profile },
    );
    const tab = await browser.context.newPage();
    await tab.goto(page);
    if (!headless) {
      say('\nChromium is open on the demo page. Click the ⬇ button on the video, or the VidQueue icon');
      say('in the toolbar (pin it from the puzzle-piece menu). Close the browser to end the demo.');
      say(`Finished files go to ${env.downloads}`);
      await new Promise<void>((resolve) => browser!.context.on('close', () => resolve()));
      browser = null;
      return;
    }
    await scripted(browser, tab, page, env, server, fixtures);
  } finally {
    await cleanup();
  }
}

async function scripted(
  browser: TestBrowser,
  tab: import('playwright-core').Page,
  page: string,
  env: Awaited<ReturnType<typeof createEnv>>,
  server: Awaited<ReturnType<typeof startMediaServer>>,
  fixtureDir: string,
): Promise<void> {
  say('\nNo display: running the demo headless and scripted.');
  const button = tab.locator('vidqueue-button').first();
  await button.waitFor({ timeout: 20_000 });
  const box = (await button.boundingBox())!;
  await tab.mouse.click(box.x + box.width / 2, box.y + 14);
  say('1. clicked the download button on the video');

  const client = await env.client('demo');
  let first = 0;
  for (let i = 0; i < 100 && !first; i++) {
    first = (await client.request('jobs.list', {})).jobs[0]?.id ?? 0;
    if (!first) await sleep(100);
  }
  // The first bytes (aria2c reports once a second), then the popup follows them.
  await waitForJob(client, first, (j) => j.progress.downloadedBytes > 0 || finished(j));
  const popup = await browser.openPopup(await browser.tabIdOf(page));
  await popup.getByRole('progressbar').first().waitFor();
  for (let i = 0; i < 4; i++) {
    await sleep(700);
    const bar = popup.getByRole('progressbar').first();
    say(`2. popup: ${await bar.getAttribute('aria-valuetext').catch(() => '…')}`);
  }
  const second = (await client.request('jobs.add', { url: server.url(FIXTURES.progressive, { rate: 100_000, copy: 2 }), title: 'A second video, to cancel' }))
    .job;
  await waitForJob(client, second.id, (j) => (j.progress.percent ?? 0) > 5);
  await popup.getByRole('button', { name: 'Cancel A second video, to cancel' }).click();
  say(`3. cancelled the second download from the popup at ${(await client.request('jobs.get', { jobId: second.id })).job.progress.percent?.toFixed(1)}%`);
  const cancelled = await waitForJob(client, second.id, finished);
  const leftovers = env.processes().filter((p) => /yt-dlp|ffmpeg/.test(p.cmdline) && p.cmdline.includes(`job-${second.id}`));
  say(
    `   → ${cancelled.status}; processes left: ${leftovers.length}; partial files left: ${env.stagingFiles().filter((f) => f.includes(`job-${second.id}`)).length}`,
  );
  const done = await waitForJob(client, first, finished, 60_000);
  const identical = done.filePath ? sha256(done.filePath) === sha256(join(fixtureDir, FIXTURES.progressive)) : false;
  say(
    `4. first download ${done.status}: ${done.filePath} (${formatBytes(done.progress.totalBytes)}, ${identical ? 'identical to the demo video' : 'DIFFERENT from the demo video'})`,
  );
  const shots = join(REPO, 'test-output');
  mkdirSync(shots, { recursive: true });
  const shot = join(shots, 'demo-popup.png');
  await sleep(300);
  await popup.screenshot({ path: shot });
  say(`5. screenshot of the popup: ${shot}`);
  client.close();
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : err}\n`);
  process.exit(1);
});
