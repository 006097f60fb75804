/**
 * What the tests, the benchmark and the demo (`npm start`) share: a private VidQueue home
 * with its own daemon, ffmpeg-made media, a loopback media server, Chromium with the
 * built extension. Not shipped; nothing in native-host/src or extension/ imports it.
 */
import { existsSync, mkdtempSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type ResultPromise, execa } from 'execa';
import { type Job, isFinished } from '../shared/job';
import type { Event } from '../shared/protocol';
import type { DaemonClient } from '../native-host/src/daemon/client';
import { openClient } from '../native-host/src/daemon/spawn';
import { resolvePaths } from '../native-host/src/paths';

/** The repository root: the nearest folder up with our package.json (works from sources and bundles). */
export const REPO = findRepo(import.meta.dirname);

function findRepo(from: string): string {
  for (let dir = from; ; dir = resolve(dir, '..')) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'vidqueue') return dir;
    if (resolve(dir, '..') === dir) throw new Error(`no vidqueue package.json above ${from}`);
  }
}
/** A releases mirror nobody answers at: tests that want one start their own. */
export const NO_MIRROR = 'http://127.0.0.1:9';

/** The built CLI: what browsers and users run (`npm run build` makes it). */
export const CLI = join(REPO, 'native-host/dist/vidqueue.js');

export interface TestEnv {
  home: string;
  downloads: string;
  env: Record<string, string>;
  /** Runs the built CLI with this environment; never rejects: check `exitCode`. */
  cli(args: string[], opts?: { timeout?: number; env?: Record<string, string> }): ResultPromise<{ reject: false }>;
  client(name?: string): Promise<DaemonClient>;
  /** Live processes started for this environment (yt-dlp, ffmpeg, the daemon): found by their command lines. */
  processes(): { pid: number; cmdline: string }[];
  /** The pids of this environment's daemons (normally one). */
  daemonPids(): number[];
  /** yt-dlp and the ffmpeg or aria2c it runs: a job's processes (not the daemon, not a bridge, not a probe). */
  jobProcesses(): { pid: number; cmdline: string }[];
  /** yt-dlp runs that probe a URL (`-J`) for a popup or the CLI. */
  probeProcesses(): { pid: number; cmdline: string }[];
  /** Every file left under the staging root. */
  stagingFiles(): string[];
  /** Finished files in the download folder. */
  downloaded(): string[];
  close(): Promise<void>;
}

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
}

/**
 * A private VIDQUEUE_HOME with its own daemon, socket, database and download folder; made
 * under `under` (a test's own disk) when given, else in the system's temporary folder.
 */
export async function createEnv(extra: Record<string, string> = {}, under = tmpdir()): Promise<TestEnv> {
  assertBuilt();
  const home = mkdtempSync(join(under, 'vq-test-'));
  // Updates of the managed yt-dlp look at a closed loopback port: no test reaches GitHub.
  const env: Record<string, string> = { ...(process.env as Record<string, string>), VIDQUEUE_HOME: home, VIDQUEUE_TOOLS_MIRROR: NO_MIRROR, ...extra };
  const paths = resolvePaths(env);
  const clients: DaemonClient[] = [];
  const self: TestEnv = {
    home,
    downloads: paths.defaultDownloadDir,
    env,
    cli: (args, opts = {}) => execa(process.execPath, [CLI, ...args], { env, reject: false, extendEnv: false, ...opts }),
    async client(name = 'test') {
      const c = await openClient(paths, CLI, { env, name });
      clients.push(c);
      return c;
    },
    processes: () => processesMentioning(home),
    daemonPids: () =>
      processesMentioning(home)
        .filter((p) => /vidqueue\.js daemon/.test(p.cmdline))
        .map((p) => p.pid),
    jobProcesses: () => processesMentioning(home).filter((p) => /yt-dlp|ffmpeg|aria2c/.test(p.cmdline) && !isProbe(p.cmdline) && !isToolQuery(p.cmdline)),
    probeProcesses: () => processesMentioning(home).filter((p) => isProbe(p.cmdline)),
    stagingFiles: () => listFiles(join(paths.defaultDownloadDir, '.vidqueue-staging')),
    downloaded: () => (existsSync(paths.defaultDownloadDir) ? readdirSync(paths.defaultDownloadDir).filter((f) => f !== '.vidqueue-staging') : []),
    async close() {
      for (const c of clients) c.destroy();
      await self.cli(['stop'], { timeout: 10_000 });
      for (const p of processesMentioning(home)) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await fs.rm(home, { recursive: true, force: true });
    },
  };
  return self;
}

/** A yt-dlp run that only reads what a URL offers (`vidqueue probe`, a popup's card). */
const isProbe = (cmdline: string) => / -J /.test(cmdline) && /yt-dlp/.test(cmdline);

/** The daemon asking a tool what it is or knows (`yt-dlp --help` at its start, `--version`): no job's. */
const isToolQuery = (cmdline: string) => /\s--(help|version)\s*$/.test(cmdline);

/** Processes whose command line or environment names `marker` (our test home). */
function processesMentioning(marker: string): { pid: number; cmdline: string }[] {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (cmdline.includes(marker) || environ.includes(`VIDQUEUE_HOME=${marker}\0`)) found.push({ pid: Number(entry), cmdline });
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

/** Resolves with the job once `predicate` holds, from events or from polling. */
export async function waitForJob(client: DaemonClient, id: number, predicate: (job: Job) => boolean, timeoutMs = 30_000): Promise<Job> {
  const current = (await client.request('jobs.get', { jobId: id })).job;
  if (predicate(current)) return current;
  return new Promise<Job>((resolvePromise, reject) => {
    const timer = setTimeout(async () => {
      cleanup();
      const last = await client.request('jobs.get', { jobId: id }).catch(() => null);
      reject(new Error(`job ${id} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(last?.job)}`));
    }, timeoutMs);
    const poll = setInterval(async () => {
      const job = await client
        .request('jobs.get', { jobId: id })
        .then((r) => r.job)
        .catch(() => null);
      if (job && predicate(job)) done(job);
    }, 200);
    const onEvent = (e: Event) => {
      if (e.event === 'job.updated' && e.data.job.id === id && predicate(e.data.job)) done(e.data.job);
    };
    const cleanup = () => {
      clearTimeout(timer);
      clearInterval(poll);
      client.off('event', onEvent);
    };
    const done = (job: Job) => {
      cleanup();
      resolvePromise(job);
    };
    client.on('event', onEvent);
  });
}

export const finished = (j: Job) => isFinished(j.status);

/** Every file under `dir`, as text (Latin-1, so any byte matches): to look for what must not be there. */
export function filesText(dir: string): string {
  return listFiles(dir)
    .map((f) => readFileSync(f, 'latin1'))
    .join('\n');
}
