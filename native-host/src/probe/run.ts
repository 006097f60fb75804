import { createInterface } from 'node:readline';
import { VidQueueError } from '../../../shared/errors';
import type { JobError } from '../../../shared/job';
import { loadProcessRunner } from '../downloader/download';
import { classifyError, errorText, readableLine } from '../downloader/ytdlp-errors';
import { killGroup, CANCEL_SCHEDULE } from '../terminate/kill';
import { buildProbeArgs } from './args';

export interface ProbeRunOptions {
  ytdlp: string;
  url: string;
  referer: string | null;
  timeoutMs: number;
  /** Aborted when nobody waits for the answer any more: the process tree is stopped. */
  signal: AbortSignal;
}

/** A `-J` document of a 10,000-entry playlist is a few MiB; far more is not a probe. */
const MAX_OUTPUT = 64 * 1024 * 1024;
const STDERR_KEEP = 40;

/** What a failed probe says: the error a client gets, with yt-dlp's text as its detail. */
export function probeError(text: string, exitCode: number | null, signal: string | null): VidQueueError {
  const e: JobError = classifyError(text, { exitCode, signal, ffmpegProblem: null, downloadDir: '', freeBytes: () => null });
  const message =
    e.code === 'DOWNLOAD_FAILED'
      ? `yt-dlp could not read this address: ${(e.detail ?? text).split('\n')[0]!.slice(0, 300) || `it exited with code ${exitCode}`}`
      : e.message;
  return new VidQueueError(e.code as VidQueueError['code'], message, 'url', e.detail);
}

/**
 * Runs yt-dlp on a URL without downloading and resolves with its JSON document. yt-dlp
 * leads its own process group, stopped whole (SIGINT, SIGTERM, SIGKILL) when the time is
 * up or nobody waits any more; the promise settles only once no process of it is left.
 */
export async function runProbe(o: ProbeRunOptions): Promise<unknown> {
  const execa = await loadProcessRunner();
  if (o.signal.aborted) throw cancelled();
  const seconds = Math.round(o.timeoutMs / 1000);
  // yt-dlp's own timeout comes after ours: a site that does not answer is a PROBE_TIMEOUT, said as such.
  const child = execa(o.ytdlp, buildProbeArgs({ url: o.url, referer: o.referer, socketTimeoutSeconds: seconds + 5 }), {
    detached: true,
    cleanup: false,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    env: { PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8', PYTHONUTF8: '1' },
  });
  const pid = child.pid;
  let stopped: 'timeout' | 'cancelled' | 'too-large' | null = null;
  let killing: Promise<unknown> = Promise.resolve();
  const stop = (why: NonNullable<typeof stopped>) => {
    if (stopped || pid === undefined) return;
    stopped = why;
    killing = killGroup(pid, CANCEL_SCHEDULE).catch(() => {});
  };
  const timer = setTimeout(() => stop('timeout'), o.timeoutMs);
  const onAbort = () => stop('cancelled');
  o.signal.addEventListener('abort', onAbort, { once: true });

  const chunks: Buffer[] = [];
  let size = 0;
  child.stdout!.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX_OUTPUT) stop('too-large');
    else chunks.push(c);
  });
  const lines: string[] = [];
  const stderrDone = new Promise<void>((resolve) => {
    const rl = createInterface({ input: child.stderr!, crlfDelay: Infinity });
    rl.on('line', (raw) => {
      const line = readableLine(raw.slice(0, 8192));
      if (!line) return;
      lines.push(line);
      if (lines.length > STDERR_KEEP) {
        // The ERROR lines are what matter: drop the oldest other line first.
        const drop = lines.findIndex((l) => !l.startsWith('ERROR:'));
        lines.splice(drop === -1 ? 0 : drop, 1);
      }
    });
    rl.on('close', resolve);
  });
  try {
    const result = await child;
    await stderrDone;
    await killing;
    if (stopped === 'timeout') {
      throw new VidQueueError(
        'PROBE_TIMEOUT',
        `yt-dlp did not finish reading ${o.url} in ${seconds} s: the site is slow or does not answer. Try again, or allow more time (setting \`probeTimeoutSeconds\`).`,
        'url',
        errorText(lines) || undefined,
      );
    }
    if (stopped === 'cancelled') throw cancelled();
    if (stopped === 'too-large')
      throw new VidQueueError('DOWNLOAD_FAILED', `yt-dlp said more than ${MAX_OUTPUT / 1024 / 1024} MiB about ${o.url}: too much to be a probe.`, 'url');
    if (pid === undefined) throw probeError(result.message ?? 'could not start yt-dlp', result.exitCode ?? null, null);
    if (result.exitCode === 0) {
      try {
        const doc: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (typeof doc === 'object' && doc !== null) return doc;
      } catch {
        // not JSON: said below
      }
    }
    throw probeError(errorText(lines), result.exitCode ?? null, result.signal ?? null);
  } finally {
    clearTimeout(timer);
    o.signal.removeEventListener('abort', onAbort);
  }
}

function cancelled(): VidQueueError {
  return new VidQueueError('PROBE_CANCELLED', 'The probe was stopped: nobody waits for it any more (a newer probe replaced it, or it was cancelled).', 'url');
}
