/**
 * The probe's part of `npm run bench`: how long "what does this URL offer" takes through
 * the daemon (request to answer, cache off) next to plain `yt-dlp -J` on the same URL, in
 * the same run, interleaved. The daemon's answer includes what yt-dlp leaves out for an
 * HLS master (its duration, from the lightest variant's playlist).
 */
import { execa } from 'execa';
import { createEnv } from '../../devkit/env';
import { FIXTURES, FIXTURE_DIR } from '../../devkit/fixtures';
import { startMediaServer } from '../../devkit/media-server';

type Row = (what: string, value: string, target?: string) => void;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function probeTime(row: Row, runs = Number(process.env.BENCH_PROBE_RUNS ?? 5)): Promise<void> {
  process.stderr.write(`probe: the HLS master, median of ${runs}, cache off, interleaved with plain yt-dlp -J\n`);
  const server = await startMediaServer(FIXTURE_DIR);
  const env = await createEnv();
  const url = server.url(FIXTURES.hlsMaster);
  const daemon: number[] = [];
  const plain: number[] = [];
  const cached: number[] = [];
  try {
    const client = await env.client('bench');
    await client.request('settings.set', { settings: { probeCacheMinutes: 0 } });
    // One probe first, so that loading the daemon's process runner is not counted.
    await client.request('probe', { url });
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      const r = await client.request('probe', { url });
      daemon.push(performance.now() - t);
      if (r.formats.length !== 2 || r.size === null) throw new Error(`bench probe answered ${JSON.stringify(r).slice(0, 300)}`);
      t = performance.now();
      await execa('yt-dlp', ['--ignore-config', '-J', '--', url]);
      plain.push(performance.now() - t);
    }
    await client.request('settings.set', { settings: { probeCacheMinutes: 10 } });
    await client.request('probe', { url });
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await client.request('probe', { url });
      cached.push(performance.now() - t);
    }
  } finally {
    await env.close();
    await server.close();
  }
  row('probe of the HLS master through the daemon (median, cache off)', `${median(daemon).toFixed(0)} ms`);
  row('plain yt-dlp -J on the same URL (median)', `${median(plain).toFixed(0)} ms`);
  row('probe daemon / plain yt-dlp -J', (median(daemon) / median(plain)).toFixed(2));
  row('probe answered from the cache (median)', `${median(cached).toFixed(1)} ms`);
}
