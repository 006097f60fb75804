/**
 * The extension's part of `npm run bench`: the popup's first render with 10,000 jobs of
 * history, and the time from a yt-dlp progress line to the popup's bar changing. Real
 * Chromium, the built extension, the real host and daemon, real yt-dlp.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { launchBrowser } from '../../devkit/browser';
import { resolvePaths } from '../src/paths';
import { openDatabase } from '../src/store/db';
import { createEnv, finished, waitForJob } from '../../devkit/env';
import { FIXTURES, FIXTURE_DIR } from '../../devkit/fixtures';
import { startMediaServer } from '../../devkit/media-server';

type Row = (what: string, value: string, target?: string) => void;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
};

export async function popupFirstRender(row: Row, runs = Number(process.env.BENCH_POPUP_RUNS ?? 10)): Promise<void> {
  process.stderr.write(`popup: first render with 10,000 finished jobs, ${runs} opens\n`);
  const env = await createEnv();
  // 10,000 finished jobs, written straight into the daemon's database before it starts.
  const db = openDatabase(resolvePaths(env.env).database);
  const insert = db.prepare(
    `INSERT INTO jobs (url, title, preset, status, position, downloaded_bytes, total_bytes, percent, file_path, created_at, started_at, finished_at)
     VALUES (?, ?, 'best', 'completed', ?, 1000000, 1000000, 100, ?, ?, ?, ?)`,
  );
  const now = Date.now();
  db.transaction(() => {
    for (let i = 1; i <= 10_000; i++)
      insert.run(
        `https://example.com/v/${i}`,
        `History video ${i}`,
        i,
        `/home/u/Downloads/video ${i}.mp4`,
        now - i * 60_000,
        now - i * 60_000,
        now - i * 60_000 + 5000,
      );
  })();
  db.close();
  const browser = await launchBrowser(async (profile) => void (await env.cli(['install', '--dev', '--user-data-dir', profile])));
  const times: number[] = [];
  try {
    const page = await browser.context.newPage();
    for (let i = 0; i < runs + 1; i++) {
      await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
      await page.waitForSelector('li.job');
      const t = await page.evaluate(() => performance.getEntriesByName('vidqueue:first-jobs')[0]?.startTime ?? Number.NaN);
      if (i > 0) times.push(t); // the first open also starts the daemon: not a popup cost
      if (i === runs) {
        const rows = await page.locator('li.job').count();
        row('popup rows in the DOM with 10,000 jobs', String(rows));
      }
    }
  } finally {
    await browser.close();
    await env.close();
  }
  row('popup first render, 10,000 jobs (median)', `${quantile(times, 0.5).toFixed(0)} ms`, '≤ 150 ms');
  row('popup first render, 10,000 jobs (p95)', `${quantile(times, 0.95).toFixed(0)} ms`, '≤ 150 ms');
}

/** A yt-dlp that is the real one, plus a log of when each progress line left it. */
function timestampingYtDlp(dir: string): { path: string; log: string } {
  const log = join(dir, 'lines.log');
  const path = join(dir, 'yt-dlp-timed');
  writeFileSync(
    path,
    `#!${process.execPath}
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const readline = require('node:readline');
const log = fs.openSync(${JSON.stringify(log)}, 'a');
const child = spawn('yt-dlp', process.argv.slice(2), { stdio: ['ignore', 'pipe', 'inherit'] });
readline.createInterface({ input: child.stdout }).on('line', (line) => {
  process.stdout.write(line + '\\n');
  if (line.startsWith('VQP ')) fs.writeSync(log, Date.now() + ' ' + line + '\\n');
});
child.on('exit', (code, signal) => process.exit(code ?? 1));
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
`,
  );
  chmodSync(path, 0o755);
  return { path, log };
}

export async function progressLatency(row: Row): Promise<void> {
  process.stderr.write('popup: yt-dlp progress line → popup progress bar\n');
  const dir = mkdtempSync(join(tmpdir(), 'vq-bench-'));
  const wrapper = timestampingYtDlp(dir);
  const env = await createEnv({ VIDQUEUE_YTDLP: wrapper.path });
  const server = await startMediaServer(FIXTURE_DIR);
  const browser = await launchBrowser(async (profile) => void (await env.cli(['install', '--dev', '--user-data-dir', profile])));
  const latencies: number[] = [];
  try {
    const popup = await browser.openPopup();
    await popup.waitForFunction(() => !document.body.textContent?.includes('Connecting'));
    // Record every change of any progress bar, with the wall-clock time it happened.
    await popup.evaluate(() => {
      const w = window as unknown as { changes: [number, number][] };
      w.changes = [];
      new MutationObserver((records) => {
        for (const r of records) {
          const el = r.target as Element;
          if (el.getAttribute('role') === 'progressbar') w.changes.push([performance.timeOrigin + performance.now(), Number(el.getAttribute('aria-valuenow'))]);
        }
      }).observe(document.body, { attributes: true, attributeFilter: ['aria-valuenow'], subtree: true });
    });
    const client = await env.client('bench');
    // yt-dlp's own downloader: it reports every block (aria2c, the default for files, once a second).
    await client.request('settings.set', { settings: { connectionsPerFile: 1 } });
    for (let run = 0; run < 3; run++) {
      const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive, { rate: 1_000_000, run }) });
      await waitForJob(client, job.id, finished, 60_000);
      await sleep(300);
    }
    const changes = await popup.evaluate(() => (window as unknown as { changes: [number, number][] }).changes);
    const lines = readFileSync(wrapper.log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => {
        const [t, , json] = l.split(/ (VQP) /);
        const p = JSON.parse(json!.slice(0, json!.lastIndexOf('}') + 1)) as { downloaded_bytes?: number; total_bytes?: number };
        const pct = p.total_bytes ? Math.min(99.9, ((p.downloaded_bytes ?? 0) / p.total_bytes) * 100) : null;
        return { t: Number(t), value: pct === null ? null : Math.round(pct * 10) / 10 };
      });
    for (const [t, value] of changes) {
      // The line that carried this value: the last one before the change that shows it.
      const line = lines.filter((l) => l.value === value && l.t <= t).at(-1);
      if (line) latencies.push(t - line.t);
    }
  } finally {
    await browser.close();
    await env.close();
    await server.close();
  }
  row('progress line → popup bar, samples', String(latencies.length));
  row('progress line → popup bar (median)', `${quantile(latencies, 0.5).toFixed(0)} ms`);
  row('progress line → popup bar (p95)', `${quantile(latencies, 0.95).toFixed(0)} ms`, '≤ 150 ms');
}

/**
 * From opening the popup on a page playing an HLS master to its card listing the qualities
 * with their sizes (the daemon's probe, cache off), next to plain `yt-dlp -J` on the stream,
 * interleaved.
 */
export async function firstCard(row: Row, runs = Number(process.env.BENCH_PROBE_RUNS ?? 5)): Promise<void> {
  process.stderr.write(`popup: open → first card with qualities, median of ${runs}, cache off, interleaved with plain yt-dlp -J\n`);
  const env = await createEnv();
  const server = await startMediaServer(FIXTURE_DIR);
  const browser = await launchBrowser(async (profile) => void (await env.cli(['install', '--dev', '--user-data-dir', profile])));
  const cards: number[] = [];
  const plain: number[] = [];
  try {
    const client = await env.client('bench');
    await client.request('settings.set', { settings: { probeCacheMinutes: 0 } });
    const url = server.page(
      '/p/bench-card.html',
      `<!doctype html><html><head><title>Bench</title><script src="/lib/hls.js"></script></head><body>
      <video id="v" muted title="Bench clip"></video>
      <script>{ const h = new Hls(); h.loadSource('/${FIXTURES.hlsMaster}'); h.attachMedia(document.getElementById('v')); }</script></body></html>`,
    );
    const tab = await browser.context.newPage();
    await tab.goto(url);
    await sleep(1000);
    const tabId = await browser.tabIdOf(url);
    const popup = await browser.context.newPage();
    for (let i = 0; i < runs + 1; i++) {
      const t = performance.now();
      await popup.goto(`chrome-extension://${browser.extensionId}/popup.html?tab=${tabId}`);
      await popup.waitForFunction(
        () => Array.from(document.querySelectorAll('select.quality option'), (o) => o.textContent ?? '').some((text) => /·/.test(text)),
        undefined,
        {
          timeout: 60_000,
        },
      );
      // The first open also starts the daemon's process runner: not counted.
      if (i > 0) cards.push(performance.now() - t);
      const p = performance.now();
      await execa('yt-dlp', ['--ignore-config', '-J', '--', server.url(FIXTURES.hlsMaster)]);
      if (i > 0) plain.push(performance.now() - p);
    }
  } finally {
    await browser.close();
    await env.close();
    await server.close();
  }
  row('popup open → first card with qualities (median, cache off)', `${quantile(cards, 0.5).toFixed(0)} ms`);
  row('plain yt-dlp -J on the stream (median)', `${quantile(plain, 0.5).toFixed(0)} ms`);
  row('first card / plain yt-dlp -J', (quantile(cards, 0.5) / quantile(plain, 0.5)).toFixed(2));
}
