/**
 * Part `throttled`: parallel downloading where it pays, on a server that gives each
 * connection 1 MB/s (as many CDNs do). A ~10 MB HLS clip in 2 s segments and a ~10 MB file,
 * each fetched by VidQueue with its defaults (through the real daemon, from the request to
 * the completed event), by plain yt-dlp, and by the fastest yt-dlp of each kind: `-N 8` for
 * HLS, aria2c over 8 connections for the file. Interleaved, median of BENCH_RUNS runs.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { createEnv, finished, waitForJob } from '../../devkit/env';
import { BENCH_CLIPS, ensureBenchClips } from '../../devkit/fixtures';
import { startMediaServer } from '../../devkit/media-server';

type Row = (what: string, value: string, target?: string) => void;

const RATE = 1_000_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

export async function throttledDownloads(row: Row): Promise<void> {
  process.stderr.write(`throttled: ~10 MB at ${RATE / 1e6} MB/s a connection, median of ${RUNS} runs, interleaved\n`);
  const dir = await ensureBenchClips();
  const server = await startMediaServer(dir, { rate: RATE });
  const env = await createEnv();
  const out = join(env.home, 'out');
  const kinds = [
    { name: 'HLS', url: server.url(BENCH_CLIPS.hls), fastest: { name: 'yt-dlp -N 8', args: ['-N', '8'] } },
    {
      name: 'progressive',
      url: server.url(BENCH_CLIPS.progressive),
      fastest: { name: 'yt-dlp + aria2c -x8 -s8 -k1M', args: ['--downloader', 'aria2c', '--external-downloader-args', 'aria2c:-x8 -s8 -k1M'] },
    },
  ];
  const times = new Map<string, number[]>();
  const time = async (key: string, what: () => Promise<unknown>) => {
    const t = performance.now();
    await what();
    times.set(key, [...(times.get(key) ?? []), performance.now() - t]);
  };
  const ytdlp = (url: string, args: string[]) => async () => {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    await execa('yt-dlp', ['--ignore-config', '--no-cache-dir', '-P', out, '-o', 'clip.%(ext)s', ...args, '--', url]);
  };
  try {
    const client = await env.client('bench');
    const vidqueue = (url: string) => async () => {
      const { job } = await client.request('jobs.add', { url });
      const done = await waitForJob(client, job.id, finished, 300_000);
      if (done.status !== 'completed') throw new Error(`bench download failed: ${JSON.stringify(done.error)}`);
      await client.request('jobs.remove', { jobId: job.id, deleteFile: true });
    };
    for (let run = 0; run < RUNS; run++) {
      for (const k of kinds) {
        await time(`${k.name} plain`, ytdlp(k.url, []));
        await time(`${k.name} fastest`, ytdlp(k.url, k.fastest.args));
        await time(`${k.name} vidqueue`, vidqueue(k.url));
      }
    }
  } finally {
    await env.close();
    await server.close();
  }
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  for (const k of kinds) {
    const [plain, fastest, vq] = ['plain', 'fastest', 'vidqueue'].map((w) => median(times.get(`${k.name} ${w}`)!)) as [number, number, number];
    row(`${k.name}: plain yt-dlp`, s(plain));
    row(`${k.name}: ${k.fastest.name}`, s(fastest));
    row(`${k.name}: VidQueue, default settings`, s(vq));
    row(`${k.name}: speed-up VidQueue / plain yt-dlp`, `${(plain / vq).toFixed(2)}×`, '≥ 3×');
    row(`${k.name}: time VidQueue / ${k.fastest.name}`, (vq / fastest).toFixed(3), '≤ 1.10');
  }
}
