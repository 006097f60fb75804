import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { VidQueueError } from '../../../shared/errors';
import type { Paths } from '../paths';
import { DaemonClient, connectSocket } from './client';
import { ensurePrivateDir } from './private-dir';

const RETRYABLE = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EAGAIN', 'ETIMEDOUT']);

/**
 * Connects to the user's daemon, starting it when none answers. The daemon is started
 * detached (its own session and process group), so whoever started it, a browser's
 * bridge included, can die without taking the downloads along. Several callers may do
 * this at once: extra daemons find the instance lock taken and exit at once.
 */
export async function connectOrStart(
  paths: Paths,
  cliPath: string,
  { env = process.env, timeoutMs = 10_000 }: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Socket> {
  try {
    return await connectSocket(paths.socket);
  } catch (err) {
    if (!RETRYABLE.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
  startDetached(paths, cliPath, env);
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    // A failed connect to a Unix socket costs microseconds: poll often, answer sooner.
    await sleep(10);
    try {
      return await connectSocket(paths.socket);
    } catch (err) {
      lastError = err;
      if (!RETRYABLE.has((err as NodeJS.ErrnoException).code ?? '')) break;
    }
  }
  throw new VidQueueError(
    'DAEMON_UNAVAILABLE',
    `The VidQueue daemon did not start within ${timeoutMs} ms (${(lastError as Error)?.message ?? 'no answer'}); see ${join(paths.logDir, 'daemon.log')}`,
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

export function startDetached(paths: Paths, cliPath: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  ensurePrivateDir(paths.dataDir);
  ensurePrivateDir(paths.logDir);
  // The daemon's own stderr goes to a file: nothing of it may reach a browser's pipe.
  const err = openSync(join(paths.logDir, 'daemon.stderr.log'), 'a', 0o600);
  const child = spawn(process.execPath, [cliPath, 'daemon', '--foreground', '--no-stderr-log'], {
    detached: true,
    stdio: ['ignore', 'ignore', err],
    env,
    windowsHide: true,
  });
  child.unref();
  closeSync(err);
  return child.pid;
}
