import { VidQueueError } from '../../../shared/errors';
import type { Notice } from '../../../shared/protocol';
import type { DaemonClient } from '../daemon/client';
import { openClient } from '../daemon/spawn';
import { resolvePaths } from '../paths';
import { printable } from './format';

export interface ClientDeps {
  /** Connects to the daemon, starting it when none answers. */
  open: (cliPath: string) => Promise<DaemonClient>;
  /** Where notices go: stderr, so that stdout stays one line of JSON with `--json`. */
  stderr: (text: string) => void;
}

const defaults: ClientDeps = {
  open: (cliPath) => openClient(resolvePaths(), cliPath),
  stderr: (text) => void process.stderr.write(text),
};

/**
 * Prints what the daemon must tell the user once (its database was damaged and set aside…).
 * Whoever takes the notices shows them; a daemon older than `notices.take` has none to give.
 */
export async function tellNotices(client: Pick<DaemonClient, 'request'>, stderr: ClientDeps['stderr'] = defaults.stderr): Promise<void> {
  let notices: Notice[];
  try {
    ({ notices } = await client.request('notices.take', {}));
  } catch (err) {
    if (err instanceof VidQueueError && err.code === 'UNKNOWN_TYPE') return;
    throw err;
  }
  for (const n of notices) stderr(`vidqueue: notice: ${printable(n.message)}\n`);
}

/** Runs `fn` with a client of the daemon: connected (the daemon started if needed), notices told, always closed. */
export async function withClient<T>(cliPath: string, fn: (client: DaemonClient) => Promise<T>, deps: ClientDeps = defaults): Promise<T> {
  const client = await deps.open(cliPath);
  try {
    await tellNotices(client, deps.stderr);
    return await fn(client);
  } finally {
    client.close();
  }
}
