/**
 * `npm run bench`: VidQueue's speed and memory, measured side by side in one run and printed
 * as a table. Not a test: nothing here fails a build; the targets are printed next to the figures.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import type { Event } from '../../shared/protocol';
import { encodeFrame } from '../src/framing/encode';
import { FrameDecoder } from '../src/framing/decoder';
import { CLI, createEnv, finished, waitForJob } from '../../devkit/env';
import { FIXTURES, FIXTURE_DIR, ensureFixtures } from '../../devkit/fixtures';
import { startMediaServer } from '../../devkit/media-server';
import { firstCard, popupFirstRender, progressLatency } from './popup';
import { probeTime } from './probe';
import { throttledDownloads } from './throttled';

const BIG_MB = Number(process.env.BENCH_MB ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
}
const rows: [string, string, string][] = [];
const row = (what: string, value: string, target = '') => {
  rows.push([what, value, target]);
  process.stderr.write(`  ${what}: ${value}\n`);
};

async function makeBigFile(dir: string): Promise<string> {
  const file = join(dir, `big-${BIG_MB}.mp4`);
  if (existsSync(file) && statSync(file).size === BIG_MB * 1024 * 1024) return file;
  mkdirSync(dir, { recursive: true });
  const out = createWriteStream(file);
  for (let i = 0; i < BIG_MB; i++) if (!out.write(randomBytes(1024 * 1024))) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((r) => out.end(() => r()));
  return file;
}

async function throughput(): Promise<void> {
  process.stderr.write(`throughput: ${BIG_MB} MB over loopback, median of ${RUNS} runs, interleaved\n`);
  const dir = join(tmpdir(), 'vidqueue-bench');
  await makeBigFile(dir);
  const server = await startMediaServer(dir);
  const url = server.url(`big-${BIG_MB}.mp4`);
  const env = await createEnv();
  const out = join(env.home, 'out');
  mkdirSync(out, { recursive: true });
  const times: Record<'curl' | 'yt-dlp' | 'daemon', number[]> = { curl: [], 'yt-dlp': [], daemon: [] };
  try {
    const client = await env.client('bench');
    for (let run = 0; run < RUNS; run++) {
      let t = performance.now();
      await execa('curl', ['-s', '-o', join(out, 'curl.mp4'), url]);
      times.curl.push(performance.now() - t);
      rmSync(join(out, 'curl.mp4'));

      t = performance.now();
      await execa('yt-dlp', ['--ignore-config', '--newline', '-o', join(out, 'ytdlp.%(ext)s'), '--', url]);
      times['yt-dlp'].push(performance.now() - t);
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out);

      t = performance.now();
      const { job } = await client.request('jobs.add', { url });
      const done = await waitForJob(client, job.id, finished, 300_000);
      times.daemon.push(performance.now() - t);
      if (done.status !== 'completed') throw new Error(`bench download failed: ${JSON.stringify(done.error)}`);
      await client.request('jobs.remove', { jobId: job.id, deleteFile: true });
    }
  } finally {
    await env.close();
    await server.close();
  }
  const mbps = (ms: number) => BIG_MB / (ms / 1000);
  const m = { curl: median(times.curl), ytdlp: median(times['yt-dlp']), daemon: median(times.daemon) };
  row('curl', `${mbps(m.curl).toFixed(0)} MB/s (${(m.curl / 1000).toFixed(2)} s)`);
  row('plain yt-dlp', `${mbps(m.ytdlp).toFixed(0)} MB/s (${(m.ytdlp / 1000).toFixed(2)} s)`);
  row('VidQueue daemon (request to completed event)', `${mbps(m.daemon).toFixed(0)} MB/s (${(m.daemon / 1000).toFixed(2)} s)`);
  row('throughput daemon / plain yt-dlp', (m.ytdlp / m.daemon).toFixed(3), '≥ 0.97');
  row('throughput daemon / curl', (m.curl / m.daemon).toFixed(3));
}

async function cancelLatency(): Promise<void> {
  const n = Number(process.env.BENCH_CANCELS ?? 20);
  process.stderr.write(`cancel latency: ${n} cancels of running downloads\n`);
  const server = await startMediaServer(FIXTURE_DIR);
  const env = await createEnv();
  const latencies: number[] = [];
  try {
    const client = await env.client('bench');
    for (let i = 0; i < n; i++) {
      const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive, { rate: 1_000_000 }) });
      await waitForJob(client, job.id, (j) => j.status === 'downloading' && j.progress.downloadedBytes > 0);
      const t = performance.now();
      await client.request('jobs.cancel', { jobId: job.id });
      latencies.push(performance.now() - t);
      const left = env.processes().filter((p) => !/vidqueue\.js daemon/.test(p.cmdline));
      if (left.length > 0 || env.stagingFiles().length > 0) throw new Error('cancel left a process or a file behind');
    }
  } finally {
    await env.close();
    await server.close();
  }
  row('cancel latency p50', `${median(latencies).toFixed(0)} ms`);
  row('cancel latency p95', `${quantile(latencies, 0.95).toFixed(0)} ms`, '≤ 300 ms');
}

/** Spawns `vidqueue host`, sends hello, and returns the time to the reply. */
async function hostFirstReply(env: Record<string, string>): Promise<number> {
  const t = performance.now();
  const child = execa(process.execPath, [CLI, 'host'], { env, extendEnv: false, stdin: 'pipe', stdout: 'pipe', buffer: false });
  child.stdin!.write(encodeFrame({ id: 1, type: 'hello', params: { protocolVersion: 1 } }));
  const decoder = new FrameDecoder(1 << 20);
  await new Promise<void>((resolve) => {
    child.stdout!.on('data', (c: Buffer) => {
      if (decoder.push(c).length > 0) resolve();
    });
  });
  const elapsed = performance.now() - t;
  child.stdin!.end();
  await child.catch(() => {});
  return elapsed;
}

async function coldStart(): Promise<void> {
  const n = Number(process.env.BENCH_STARTS ?? 10);
  process.stderr.write(`cold start: ${n} starts of vidqueue host to its first reply\n`);
  const env = await createEnv();
  const cold: number[] = [];
  const warm: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      await env.cli(['stop']);
      cold.push(await hostFirstReply(env.env));
      warm.push(await hostFirstReply(env.env));
    }
  } finally {
    await env.close();
  }
  row('host start → first reply, daemon running (median)', `${median(warm).toFixed(0)} ms`, '≤ 300 ms');
  row('host start → first reply, daemon started too (median)', `${median(cold).toFixed(0)} ms`, '≤ 300 ms');
  row('host start → first reply, daemon started too (p95)', `${quantile(cold, 0.95).toFixed(0)} ms`);
}

function rssKiB(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) : 0;
}

async function memory(): Promise<void> {
  process.stderr.write('memory: the daemon with 8 downloads running\n');
  const server = await startMediaServer(FIXTURE_DIR);
  const env = await createEnv();
  try {
    const client = await env.client('bench');
    const { pid } = await client.request('hello', { protocolVersion: 1 });
    const idle = rssKiB(pid);
    await client.request('settings.set', { settings: { concurrency: 8 } });
    await client.request('subscribe', {});
    let events = 0;
    client.on('event', (e: Event) => {
      if (e.event === 'job.updated') events++;
    });
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) ids.push((await client.request('jobs.add', { url: server.url(FIXTURES.progressive, { rate: 300_000 }) })).job.id);
    for (const id of ids) await waitForJob(client, id, (j) => j.status === 'downloading' && j.progress.downloadedBytes > 0);
    const samples: number[] = [];
    const cpuBefore = readCpu(pid);
    const t = performance.now();
    for (let i = 0; i < 10; i++) {
      samples.push(rssKiB(pid));
      await sleep(200);
    }
    const cpu = ((readCpu(pid) - cpuBefore) / 100 / ((performance.now() - t) / 1000)) * 100;
    const ytdlp = env
      .processes()
      .filter((p) => /yt-dlp/.test(p.cmdline))
      .reduce((a, p) => a + rssKiB(p.pid), 0);
    row('daemon RSS idle', `${(idle / 1024).toFixed(1)} MiB`);
    row('daemon RSS with 8 downloads (max of 10 samples)', `${(Math.max(...samples) / 1024).toFixed(1)} MiB`);
    row('daemon CPU with 8 downloads', `${cpu.toFixed(1)} % of one core`);
    row('8 yt-dlp processes RSS (sum)', `${(ytdlp / 1024).toFixed(1)} MiB`);
    row('events sent in the 2 s (8 jobs, ≤ 4/s each)', String(events));
    await client.request('jobs.cancelAll', {});
  } finally {
    await env.close();
    await server.close();
  }
}

function readCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (100/s)
}

async function main(): Promise<void> {
  await ensureFixtures();
  const only = process.argv[2];
  if (!only || only === 'throughput') await throughput();
  if (!only || only === 'cancel') await cancelLatency();
  if (!only || only === 'start') await coldStart();
  if (!only || only === 'memory') await memory();
  if (!only || only === 'probe') await probeTime(row);
  if (!only || only === 'throttled') await throttledDownloads(row);
  if (!only || only === 'popup') {
    await popupFirstRender(row);
    await progressLatency(row);
    await firstCard(row);
  }
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length)), 8];
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(w[i]!)).join(' | ')} |`;
  process.stdout.write(`\nVidQueue benchmark (${new Date().toISOString()}, node ${process.version})\n`);
  process.stdout.write(`${line(['measure', 'result', 'target'])}\n${line(w.map((n) => '-'.repeat(n)))}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
