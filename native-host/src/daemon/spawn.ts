import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { VidQueueError } from '../../../shared/errors';
import type { Paths } from '../paths';
import { DaemonClient, connectSocket } from './client';
import { ensurePrivateDir, privateDirProblem } from './private-dir';
import { READY_FD_VARIABLE, type StartStatus, readStartStatus } from './ready';

const RETRYABLE = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EAGAIN', 'ETIMEDOUT']);

/**
 * Connects to the user's daemon, starting it when none answers. The daemon is started
 * detached (its own session and process group), so whoever started it, a browser's
 * bridge included, can die without taking the downloads along. Several callers may do
 * this at once: extra daemons find the instance lock taken and exit at once. A daemon that
 * cannot start says why on its status pipe, and that reason is thrown here at once.
 */
export async function connectOrStart(
  paths: Paths,
  cliPath: string,
  { env = process.env, timeoutMs = 10_000 }: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Socket> {
  try {
    return await connectSocket(paths.socket);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (!RETRYABLE.has(code)) {
      // Most often the run folder is not what it should be: say exactly what.
      const problem = privateDirProblem(paths.runDir);
      if (problem) throw new VidQueueError('DAEMON_UNAVAILABLE', `${problem.detail}. ${problem.fix}.`);
      throw new VidQueueError(
        'DAEMON_UNAVAILABLE',
        `Cannot connect to the VidQueue daemon at ${paths.socket} (${code || (err as Error).message}): check that ${paths.runDir} is yours`,
      );
    }
  }
  const started = startDetached(paths, cliPath, env);
  const deadline = Date.now() + timeoutMs;
  let status: StartStatus | null | undefined;
  void started.status.then((s) => (status = s));
  let lastError: unknown;
  while (Date.now() < deadline) {
    // A failed connect to a Unix socket costs microseconds: poll often, answer sooner.
    await sleep(10);
    if (status && !status.ready) throw new VidQueueError(status.error.code, status.error.message, status.error.field);
    if (status === null && (await started.exited) !== null) {
      // It died without a word (a crash before it could report): its stderr says why.
      throw new VidQueueError('DAEMON_UNAVAILABLE', `The VidQueue daemon stopped as it started: ${stderrTail(paths) ?? 'it left no message'}`);
    }
    try {
      return await connectSocket(paths.socket);
    } catch (err) {
      lastError = err;
      if (!RETRYABLE.has((err as NodeJS.ErrnoException).code ?? '')) break;
    }
  }
  throw new VidQueueError(
    'DAEMON_UNAVAILABLE',
    `The VidQueue daemon did not start within ${timeoutMs} ms (${(lastError as Error)?.message ?? 'no answer'}); ${stderrTail(paths) ?? `see ${join(paths.logDir, 'daemon.log')}`}`,
  );
}

/**
 * A client of the user's daemon, started if needed. Retried a few times: a daemon that is
 * dying (killed, or exiting idle) can accept a connection and then drop it.
 */
export async function openClient(
  paths: Paths,
  cliPath: string,
  { env = process.env, name = 'cli' }: { env?: NodeJS.ProcessEnv; name?: string } = {},
): Promise<DaemonClient> {
  for (let attempt = 1; ; attempt++) {
    const socket = await connectOrStart(paths, cliPath, { env });
    try {
      return await DaemonClient.fromSocket(socket, name);
    } catch (err) {
      if (attempt >= 5 || (err as VidQueueError).code !== 'DAEMON_UNAVAILABLE') throw err;
      await sleep(50 * attempt);
    }
  }
}

interface Started {
  /** What the daemon said on its status pipe; null if it closed it without a word. */
  status: Promise<StartStatus | null>;
  /** Resolves with the exit code once the status is known: null while it runs. */
  exited: Promise<number | null>;
}

function startDetached(paths: Paths, cliPath: string, env: NodeJS.ProcessEnv = process.env): Started {
  ensurePrivateDir(paths.dataDir);
  ensurePrivateDir(paths.logDir);
  // The daemon's own stderr goes to a file: nothing of it may reach a browser's pipe.
  let err: number;
  try {
    err = openSync(stderrLog(paths), 'a', 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VidQueueError(
      'DAEMON_UNAVAILABLE',
      `VidQueue cannot write its log ${stderrLog(paths)} (${code}): make ${paths.logDir} writable, or set VIDQUEUE_HOME to a folder you own.`,
    );
  }
  // Windows gives a child no fd 3: there, the starter only polls the socket.
  const pipe = process.platform !== 'win32';
  const child = spawn(process.execPath, [cliPath, 'daemon', '--foreground', '--no-stderr-log'], {
    detached: true,
    stdio: pipe ? ['ignore', 'ignore', err, 'pipe'] : ['ignore', 'ignore', err],
    env: pipe ? { ...env, [READY_FD_VARIABLE]: '3' } : env,
    windowsHide: true,
  });
  closeSync(err);
  let exitCode: number | null = null;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code ?? -1;
      resolve();
    }),
  );
  child.once('error', () => {
    exitCode = -1;
  });
  const channel = pipe ? (child.stdio[3] as Socket) : null;
  const status = channel ? readStartStatus(channel) : new Promise<StartStatus | null>(() => {});
  void status.then(() => {
    channel?.destroy();
    child.unref();
  });
  if (!channel) child.unref();
  return {
    status,
    // A closed pipe without a status: give the process a moment to be reaped, then say whether it is gone.
    exited: status.then(() => Promise.race([gone, sleep(200)]).then(() => exitCode)),
  };
}

function stderrLog(paths: Paths): string {
  return join(paths.logDir, 'daemon.stderr.log');
}

/** The last thing the daemon wrote on stderr, for a message. */
function stderrTail(paths: Paths): string | null {
  try {
    const lines = readFileSync(stderrLog(paths), 'utf8').trim().split('\n').filter(Boolean);
    const last = lines.slice(-3).join(' ').trim();
    return last ? last.slice(-600) : null;
  } catch {
    return null;
  }
}
