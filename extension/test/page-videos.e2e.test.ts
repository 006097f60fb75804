/**
 * Real pages with real players (hls.js, video.js), frames and shadow roots: each video's
 * button and popup row downloads that video's own stream. Chromium with the built
 * extension and the real host; pages and media from the loopback media server.
 */
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/job';
import { finished, waitForJob } from '../../devkit/env';
import { FIXTURES } from '../../devkit/fixtures';
import { probe } from '../../devkit/probe';
import { SHOTS, browser, client, env, server, useBrowserWithHost } from './helpers/suite';

useBrowserWithHost();

/** Polls `read` until `ok` holds, with a deadline. */
async function until<T>(read: () => Promise<T> | T, ok: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 150));
    last = await read();
  }
  return last;
}

const jobIds = async () => new Set((await client.request('jobs.list', {})).jobs.map((j) => j.id));
/** The jobs added since `before`, oldest first, once there are `n`. */
async function newJobs(before: Set<number>, n: number): Promise<Job[]> {
  const jobs = await until(
    async () => (await client.request('jobs.list', {})).jobs.filter((j) => !before.has(j.id)),
    (list) => list.length >= n,
    `${n} new job(s)`,
  );
  return jobs.sort((a, b) => a.id - b.id);
}

const served = (path: string) => server.requests.some((r) => r.path === path);

/**
 * Clicks the VidQueue button over the video `selector` of `frame` (the top page or a frame)
 * where it is, as a person would: the button is in a closed shadow root.
 */
async function clickButtonOn(page: Page, frame: Page | Frame, selector: string): Promise<void> {
  const video = (await frame.locator(selector).boundingBox())!;
  const box = await until(
    async () => {
      for (const host of await frame.locator('vidqueue-button').all()) {
        const b = await host.boundingBox();
        if (b && b.x >= video.x && b.x + b.width <= video.x + video.width + 1 && b.y >= video.y && b.y <= video.y + video.height) return b;
      }
      return null;
    },
    (b) => b !== null,
    `a button over ${selector}`,
  );
  await page.mouse.click(box!.x + box!.width / 2, box!.y + 14);
}

/** The names of the buttons in the page's accessibility tree (closed shadow roots included). */
async function buttonNames(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { role?: { value?: string }; name?: { value?: string } }[] };
    return nodes.filter((n) => n.role?.value === 'button').map((n) => String(n.name?.value ?? ''));
  } finally {
    await cdp.detach();
  }
}

const hlsPlayer = (id: string, src: string, config = '{}') =>
  `{ const hls = new Hls(${config}); hls.loadSource(${JSON.stringify(src)}); hls.attachMedia(document.getElementById(${JSON.stringify(id)})); }`;

describe('videos on real pages', () => {
  it('two hls.js players on one page: two buttons, two jobs, each its own stream', async () => {
    const url = server.page(
      '/p/two-players.html',
      `<!doctype html><html><head><title>Two players</title><script src="/lib/hls.js"></script></head><body>
      <video id="ts" muted width="480" height="270"></video>
      <video id="fmp4" muted width="480" height="270"></video>
      <script>${hlsPlayer('ts', '/hls-master/master.m3u8')} ${hlsPlayer('fmp4', '/hls-fmp4/master.m3u8')}</script>
      </body></html>`,
    );
    const page = await browser.context.newPage();
    await page.goto(url);
    // Both players have loaded their masters and a variant each: the tab's newest manifest is a variant.
    await until(
      () =>
        ['/hls-master/master.m3u8', '/hls-fmp4/master.m3u8'].every(served) &&
        server.requests.filter((r) => /\/(360p|720p)\/index\.m3u8$/.test(r.path)).length >= 2,
      Boolean,
      'both players loading',
    );
    const before = await jobIds();
    await clickButtonOn(page, page, '#fmp4');
    await clickButtonOn(page, page, '#ts');
    const [first, second] = await newJobs(before, 2);
    expect(first!.url).toBe(server.url(FIXTURES.hlsFmp4));
    expect(second!.url).toBe(server.url(FIXTURES.hlsMaster));
    for (const job of [first!, second!]) {
      const done = await waitForJob(client, job.id, finished, 60_000);
      expect(done.status, JSON.stringify(done.error)).toBe('completed');
      expect((await probe(done.filePath!)).height).toBe(720);
    }
    await page.close();
  });

  it('two players of a bundled hls.js (no page global to look at): still each its own stream', async () => {
    const from = server.requests.length;
    const url = server.page(
      '/p/bundled.html',
      `<!doctype html><html><head><title>Bundled</title>
      <script>window.define = (factory) => { window.__private = factory(); }; window.define.amd = true;</script>
      <script src="/lib/hls.js"></script><script>delete window.define;</script></head><body>
      <video id="one" muted width="480" height="270"></video><video id="two" muted width="480" height="270"></video>
      <script>{ const Hls = window.__private; delete window.__private;
        for (const [id, src] of [['two', '/hls-fmp4/master.m3u8?bundled=1'], ['one', '/hls-master/master.m3u8?bundled=1']]) {
          const hls = new Hls(); hls.loadSource(src); hls.attachMedia(document.getElementById(id)); } }</script></body></html>`,
    );
    const page = await browser.context.newPage();
    await page.goto(url);
    // No global for the probe to patch, and the probe defined none.
    expect(await page.evaluate(() => 'Hls' in window)).toBe(false);
    await until(() => server.requests.slice(from).filter((r) => /\/(360p|720p)\/index\.m3u8$/.test(r.path)).length >= 2, Boolean, 'both players loading');
    const before = await jobIds();
    await clickButtonOn(page, page, '#one');
    await clickButtonOn(page, page, '#two');
    const [one, two] = await newJobs(before, 2);
    expect(one!.url).toBe(server.url(FIXTURES.hlsMaster, { bundled: 1 }));
    expect(two!.url).toBe(server.url(FIXTURES.hlsFmp4, { bundled: 1 }));
    for (const job of [one!, two!]) await waitForJob(client, job.id, finished, 60_000);
    await page.close();
  });

  it('an hls.js player capped to 640×360 loads the 360p variant; "Best" still downloads the master at 720p', async () => {
    const from = server.requests.length;
    const url = server.page(
      '/p/capped.html',
      `<!doctype html><html><head><title>Capped</title><script src="/lib/hls.js"></script></head><body>
      <video id="v" muted width="640" height="360"></video>
      <script>${hlsPlayer('v', '/hls-master/master.m3u8?capped=1', '{ capLevelToPlayerSize: true }')}</script></body></html>`,
    );
    const page = await browser.context.newPage();
    await page.goto(url);
    await until(() => server.requests.slice(from).some((r) => r.path === '/hls-master/360p/index.m3u8'), Boolean, 'the 360p variant loaded');
    expect(server.requests.slice(from).some((r) => r.path === '/hls-master/720p/index.m3u8')).toBe(false);
    const before = await jobIds();
    await clickButtonOn(page, page, '#v');
    const [job] = await newJobs(before, 1);
    expect(job!.url).toBe(server.url(FIXTURES.hlsMaster, { capped: 1 }));
    expect(job!.preset).toBe('best');
    const done = await waitForJob(client, job!.id, finished, 60_000);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect((await probe(done.filePath!)).height).toBe(720);
    await page.close();
  });

  it('video.js with fMP4 HLS: the popup offers the master, never an init segment; its row downloads it', async () => {
    const from = server.requests.length;
    const url = server.page(
      '/p/videojs.html',
      `<!doctype html><html><head><title>Video.js page</title><link rel="stylesheet" href="/lib/video-js.css"><script src="/lib/video.js"></script></head><body>
      <video id="vjs" class="video-js" muted preload="auto" width="640" height="360"></video>
      <script>videojs('vjs').src({ src: '/hls-fmp4/master.m3u8?vjs=1', type: 'application/x-mpegURL' });</script></body></html>`,
    );
    const page = await browser.context.newPage();
    await page.goto(url);
    await until(() => server.requests.slice(from).some((r) => /\/hls-fmp4\/\d+p\/init_\d\.mp4$/.test(r.path)), Boolean, 'an init segment loaded');
    const popup = await browser.openPopup(await browser.tabIdOf(url));
    await popup.getByText('1 video on this page').waitFor();
    const row = popup.getByRole('list', { name: 'Videos on this page' }).getByRole('listitem');
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => row.locator('.video-details').textContent()).toMatch(/^720p · stream · 127\.0\.0\.1:\d+$/);
    expect(await row.locator('.video-label').getAttribute('title')).toBe(server.url(FIXTURES.hlsFmp4, { vjs: 1 }));
    // Nowhere in the popup, not even in a tooltip or a source list.
    expect(await popup.content()).not.toMatch(/init_\d\.mp4|\.m4s/);
    expect(await popup.getByText('Also loaded by this page').count()).toBe(0);
    const before = await jobIds();
    await row.getByRole('button', { name: 'Download' }).click();
    const [job] = await newJobs(before, 1);
    expect(job!.url).toBe(server.url(FIXTURES.hlsFmp4, { vjs: 1 }));
    expect(job!.title).toBe('Video.js page');
    await waitForJob(client, job!.id, finished, 60_000);
    await popup.close();
    await page.close();
  });

  it('videos in a same-origin and a cross-origin frame: a button in each; the frame is the Referer, the tab the page', async () => {
    const same = server.page(
      '/p/frame-same.html',
      '<!doctype html><title>Same</title><video preload="none" width="480" height="270" src="/as/same-frame.mp4?type=video/mp4"></video>',
    );
    const cross = server.otherOrigin(
      server.page(
        '/p/frame-cross.html',
        '<!doctype html><title>Cross</title><video preload="none" width="480" height="270" src="/as/cross-frame.mp4?type=video/mp4"></video>',
      ),
    );
    const url = server.page(
      '/p/frames.html',
      `<!doctype html><html><head><title>Frames</title></head><body>
      <iframe id="same" src="${same}" width="500" height="290"></iframe><iframe id="cross" src="${cross}" width="500" height="290"></iframe></body></html>`,
    );
    const page = await browser.context.newPage();
    await page.goto(url);
    const frameOf = (u: string) =>
      until(
        () => page.frames().find((f) => f.url() === u) ?? null,
        (f) => f !== null,
        `the frame ${u}`,
      );
    const before = await jobIds();
    await clickButtonOn(page, (await frameOf(cross))!, 'video');
    await clickButtonOn(page, (await frameOf(same))!, 'video');
    const [a, b] = await newJobs(before, 2);
    expect([a!.url, a!.referer, a!.pageUrl]).toEqual([`${server.otherOrigin(server.url('/as/cross-frame.mp4'))}?type=video/mp4`, cross, url]);
    expect([b!.url, b!.referer, b!.pageUrl]).toEqual([`${server.url('/as/same-frame.mp4')}?type=video/mp4`, same, url]);
    for (const job of [a!, b!]) expect((await waitForJob(client, job.id, finished, 60_000)).status).toBe('completed');
    // What the download sent (the videos are preload="none": the browser fetched none of it).
    const referers = (path: string) => [...new Set(server.requests.filter((r) => r.path === path).map((r) => r.referer))];
    expect(referers('/as/cross-frame.mp4')).toEqual([cross]);
    expect(referers('/as/same-frame.mp4')).toEqual([same]);
    // The popup counts and lists the frames' videos.
    const popup = await browser.openPopup(await browser.tabIdOf(url));
    await popup.getByText('2 videos on this page').waitFor();
    await popup.close();
    await page.close();
  });

  it('a video in an open shadow root gets a button', async () => {
    const url = server.page(
      '/p/shadow.html',
      `<!doctype html><html><head><title>Shadow</title></head><body><x-player></x-player><script>
      customElements.define('x-player', class extends HTMLElement { constructor() { super();
        this.attachShadow({ mode: 'open' }).innerHTML = '<video preload="none" width="480" height="270" src="/as/shadow.mp4?type=video/mp4"></video>'; } });
      </script></body></html>`,
    );
    const page = await browser.context.newPage();
    await page.goto(url);
    const before = await jobIds();
    await clickButtonOn(page, page, 'video');
    const [job] = await newJobs(before, 1);
    expect([job!.url, job!.pageUrl, job!.referer]).toEqual([`${server.url('/as/shadow.mp4')}?type=video/mp4`, url, null]);
    await waitForJob(client, job!.id, finished, 60_000);
    await page.close();
  });

  it('a lazy player: before play the button says "Play the video once, then click"; after, it downloads the stream', async () => {
    const url = server.page(
      '/p/lazy.html',
      `<!doctype html><html><head><title>Lazy</title><script src="/lib/hls.js"></script></head><body>
      <video id="v" muted width="480" height="270"></video><button id="play" type="button">Play</button>
      <script>document.getElementById('play').addEventListener('click', () => {
        ${hlsPlayer('v', '/hls-master/master.m3u8?lazy=1')} document.getElementById('v').play(); }, { once: true });</script></body></html>`,
    );
    const page = await browser.context.newPage();
    await page.goto(url);
    const before = await jobIds();
    await clickButtonOn(page, page, '#v');
    await until(
      () => buttonNames(page),
      (names) => names.includes('Play the video once, then click'),
      'the button asks for a play',
    );
    expect((await jobIds()).size).toBe(before.size);
    await page.click('#play');
    await until(
      () => buttonNames(page),
      (names) => names.includes('Download video with VidQueue'),
      'the button back after play',
    );
    await clickButtonOn(page, page, '#v');
    const [job] = await newJobs(before, 1);
    expect(job!.url).toBe(server.url(FIXTURES.hlsMaster, { lazy: 1 }));
    await waitForJob(client, job!.id, finished, 60_000);
    await page.close();
  });

  it('five videos on one page: five titles; the popup lists each with its own Download, and Download all', async () => {
    const v = (n: number, attrs = '') => `<video preload="none" width="320" height="180" ${attrs} src="/as/clip-${n}.mp4?type=video/mp4"></video>`;
    const url = server.page(
      '/p/five.html',
      `<!doctype html><html><head><title>Five clips</title></head><body>
      ${v(1, 'title="The title attribute"')}
      ${v(2, 'aria-label="The aria label"')}
      <figure>${v(3)}<figcaption>The caption</figcaption></figure>
      <section><h2>The heading</h2>${v(4)}</section>
      <div>${v(5)}</div></body></html>`,
    );
    const page = await browser.context.newPage();
    await page.goto(url);
    const popup = await browser.openPopup(await browser.tabIdOf(url));
    await popup.getByText('5 videos on this page').waitFor();
    const rows = popup.getByRole('list', { name: 'Videos on this page' }).getByRole('listitem');
    await expect
      .poll(() => rows.locator('.video-label').allTextContents())
      .toEqual(['The title attribute', 'The aria label', 'The caption', 'The heading', 'Video 5']);
    for (const row of await rows.all()) {
      expect(await row.getByRole('button', { name: 'Download' }).count()).toBe(1);
      expect(await row.locator('.video-details').textContent()).toMatch(/^file · 127\.0\.0\.1:\d+$/);
    }
    await popup.screenshot({ path: join(SHOTS, 'popup-five-videos.png') });
    const before = await jobIds();
    await popup.getByRole('button', { name: 'Download all' }).click();
    const jobs = await newJobs(before, 5);
    expect(jobs.map((j) => j.title)).toEqual(['The title attribute', 'The aria label', 'The caption', 'The heading', 'Five clips (5)']);
    expect(jobs.map((j) => new URL(j.url).pathname)).toEqual([1, 2, 3, 4, 5].map((n) => `/as/clip-${n}.mp4`));
    for (const job of jobs) await waitForJob(client, job.id, finished, 60_000);
    // A finished row keeps its title; the file's name is its tooltip.
    const row = popup.locator(`li.job[data-job-id="${jobs[2]!.id}"] .job-title`);
    await expect.poll(() => row.textContent()).toBe('The caption');
    expect(await row.getAttribute('title')).toMatch(/\.mp4$/);
    // Five files, each named after its video's title.
    const files = await Promise.all(jobs.map(async (j) => (await client.request('jobs.get', { jobId: j.id })).job.filePath!));
    expect(files.map((f) => f.split('/').pop())).toEqual([
      'The title attribute.mp4',
      'The aria label.mp4',
      'The caption.mp4',
      'The heading.mp4',
      'Five clips (5).mp4',
    ]);
    await popup.close();
    await page.close();
  });

  it('a live HLS stream is labelled live in the popup', async () => {
    const url = server.page(
      '/p/live.html',
      `<!doctype html><html><head><title>Live</title><script src="/lib/hls.js"></script></head><body>
      <video id="v" muted width="480" height="270"></video><script>${hlsPlayer('v', '/live/e2e-label/index.m3u8')}</script></body></html>`,
    );
    const page = await browser.context.newPage();
    await page.goto(url);
    await until(() => served('/live/e2e-label/index.m3u8'), Boolean, 'the live playlist loaded');
    const popup = await browser.openPopup(await browser.tabIdOf(url));
    const details = popup.getByRole('list', { name: 'Videos on this page' }).locator('.video-details');
    await expect.poll(() => details.textContent()).toMatch(/^live · 127\.0\.0\.1:\d+$/);
    await popup.close();
    await page.close();
  });

  /** A page playing a live stream of its own (`id`), its button clicked: the job it started, once recording. */
  async function recordLive(id: string): Promise<{ page: Page; job: Job }> {
    const url = server.page(
      `/p/live-${id}.html`,
      `<!doctype html><html><head><title>Live show ${id}</title><script src="/lib/hls.js"></script></head><body>
      <video id="v" muted autoplay width="480" height="270"></video><script>${hlsPlayer('v', `/live/${id}/index.m3u8`)}</script></body></html>`,
    );
    const page = await browser.context.newPage();
    await page.goto(url);
    await until(() => served(`/live/${id}/index.m3u8`), Boolean, 'the live playlist loaded');
    const before = await jobIds();
    await clickButtonOn(page, page, '#v');
    const [job] = await newJobs(before, 1);
    await waitForJob(client, job!.id, (j) => j.status === 'recording' || finished(j), 30_000);
    // The page button shows the recording with a red dot.
    await until(
      () => buttonNames(page),
      (names) => names.some((n) => /record/i.test(n)),
      'the button says it records',
    );
    return { page, job: job! };
  }

  it('a live HLS stream: the button records it; Stop in the popup keeps a playable file of what was recorded', async () => {
    const { page, job } = await recordLive('e2e-stop');
    const popup = await browser.openPopup(await browser.tabIdOf(page.url()));
    const row = popup.locator(`li.job[data-job-id="${job.id}"]`);
    await expect.poll(() => row.locator('.job-status').textContent()).toBe('Recording');
    expect(await row.locator('.rec-dot').count()).toBe(1);
    await new Promise((r) => setTimeout(r, 6_500));
    await popup.screenshot({ path: join(SHOTS, 'popup-recording.png') });
    await row.getByRole('button', { name: /^Stop recording .* and keep it$/ }).click();
    const done = await waitForJob(client, job.id, finished, 30_000);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    const media = await probe(done.filePath!);
    expect(media.duration).toBeGreaterThanOrEqual(5);
    expect(media.height).toBe(360);
    await expect.poll(() => row.locator('.job-status').textContent()).toBe('Completed');
    expect(env.stagingFiles()).toEqual([]);
    await popup.close();
    await page.close();
  });

  it('a live HLS stream: Cancel in the popup stops the recording and leaves nothing', async () => {
    const { page, job } = await recordLive('e2e-cancel');
    const popup = await browser.openPopup(await browser.tabIdOf(page.url()));
    const row = popup.locator(`li.job[data-job-id="${job.id}"]`);
    await new Promise((r) => setTimeout(r, 3_000));
    await row.getByRole('button', { name: /^Cancel / }).click();
    await expect.poll(() => row.locator('.job-status').textContent(), { timeout: 10_000 }).toBe('Cancelled');
    const done = (await client.request('jobs.get', { jobId: job.id })).job;
    expect(done).toMatchObject({ status: 'cancelled', filePath: null });
    expect(env.stagingFiles()).toEqual([]);
    expect(env.downloaded().filter((f) => f.includes('Live show e2e-cancel'))).toEqual([]);
    expect(env.jobProcesses()).toEqual([]);
    await popup.close();
    await page.close();
  });
});
