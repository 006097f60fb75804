import { chmodSync, unlinkSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { join } from 'node:path';
import { VidQueueError } from '../../../shared/errors';
import { type Event, type EventData, type EventType, errorReply, parseRequest } from '../../../shared/protocol';
import type { Decoded } from '../framing/decoder';
import { decodeJson } from '../framing/decoder';
import type { Logger } from '../log';
import type { Paths } from '../paths';
import { Queue } from '../queue/queue';
import { openDatabase } from '../store/db';
import { JobStore } from '../store/jobs';
import { NoticeStore } from '../store/notices';
import { SettingsStore } from '../store/settings';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectSocket } from './client';
import { Connection } from './connection';
import { createHandlers } from './handlers';
import { InstanceLock } from './lock';
import { ensurePrivateDir } from './private-dir';
import { recover } from './recovery';

export interface DaemonOptions {
  paths: Paths;
  log: Logger;
  version: string;
  env?: Record<string, string | undefined>;
}

export type DaemonStart = { started: true; stopped: Promise<void> } | { started: false; reason: 'already-running' };

const HOUR = 3_600_000;

/**
 * The per-user daemon: the only owner of the database and of the download processes.
 * Clients (each browser's bridge, the CLI) connect over a Unix socket or a named pipe.
 */
export async function startDaemon(o: DaemonOptions): Promise<DaemonStart> {
  const { paths, log } = o;
  ensurePrivateDir(paths.dataDir);
  ensurePrivateDir(paths.runDir);
  // The lock sits beside the database it guards: one daemon per database, whatever the socket.
  const lock = await acquireLock(join(paths.dataDir, 'daemon.lock'), paths.socket);
  if (!lock) return { started: false, reason: 'already-running' };

  const db = openDatabase(paths.database);
  const store = new JobStore(db);
  const settings = new SettingsStore(db, SettingsStore.defaultsFor(paths.defaultDownloadDir));
  await recover(store, settings.get().downloadDir, log);

  const connections = new Set<Connection>();
  const broadcast = <E extends EventType>(event: E, data: EventData[E]) => {
    const message: Event<E> = { event, data };
    for (const c of connections) if (c.subscribed) c.send(message as Event);
  };
  const queue = new Queue({
    store,
    settings,
    log,
    env: o.env,
    events: {
      jobUpdated: (job) => broadcast('job.updated', { job }),
      jobsRemoved: (jobIds) => broadcast('jobs.removed', { jobIds }),
    },
    onSettled: () => idle.check(),
  });

  let stopping: Promise<void> | null = null;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      log.info(`stopping: ${reason}`);
      idle.clear();
      clearInterval(expiry);
      broadcast('daemon.stopping', { reason });
      server.close();
      await queue.shutdown();
      for (const c of connections) c.socket.end();
      if (process.platform !== 'win32') unlinkQuiet(paths.socket);
      db.close();
      lock.release();
      log.info('stopped');
      resolveStopped();
    })();
    return stopping;
  };

  const handlers = createHandlers({
    queue,
    settings,
    notices: new NoticeStore(db),
    version: o.version,
    settingsChanged: (s) => {
      broadcast('settings.updated', { settings: s });
      queue.pump();
      idle.check();
    },
    stop: (reason) => void stop(reason),
    doctor: async () => (await import('../doctor/context')).doctorReport(paths),
  });

  const onFrame = (conn: Connection, decoded: Decoded) => {
    if (decoded.kind === 'oversized') {
      conn.send({
        id: null,
        ok: false,
        error: { code: 'FRAME_TOO_LARGE', message: `Message of ${decoded.length} bytes refused: the limit is ${decoded.limit} bytes` },
      });
      return;
    }
    const json = decodeJson(decoded.body);
    if (!json.ok) {
      conn.send({ id: null, ok: false, error: { code: 'INVALID_JSON', message: json.message } });
      return;
    }
    const parsed = parseRequest(json.value);
    if (!parsed.ok) {
      conn.send({ id: parsed.id, ok: false, error: parsed.error });
      return;
    }
    const { request } = parsed;
    if (stopping && request.type !== 'hello') {
      conn.send({ id: request.id, ok: false, error: { code: 'DAEMON_STOPPING', message: 'The daemon is stopping; try again in a moment' } });
      return;
    }
    const handler = handlers[request.type] as (p: unknown, c: Connection) => unknown;
    Promise.resolve()
      .then(() => handler(request.params, conn))
      .then(
        (result) => conn.send({ id: request.id, ok: true, result } as never),
        (err: unknown) => {
          if (!(err instanceof VidQueueError)) log.error(`${request.type} failed`, err);
          conn.send(errorReply(request.id, err));
        },
      );
  };

  const server: Server = createServer((socket) => {
    const conn = new Connection(socket, onFrame);
    connections.add(conn);
    idle.check();
    socket.on('close', () => {
      connections.delete(conn);
      idle.check();
    });
  });

  const idle = idleTimer(
    () => settings.get().idleExitSeconds,
    () => connections.size === 0 && queue.isIdle() && !stopping,
    () => void stop('idle'),
  );

  await listen(server, paths.socket);
  queue.expire();
  const expiry = setInterval(() => queue.expire(), HOUR);
  expiry.unref();
  queue.pump();
  idle.check();
  log.info(`listening on ${paths.socket}`);

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => void stop(signal));
  }
  return { started: true, stopped };
}

/**
 * Takes the instance lock. If a daemon holds it and answers on the socket, this one is not
 * needed. If it holds it without answering, it is stopping: wait for it (up to 5 s) rather
 * than leave the client that started us with nobody to talk to.
 */
async function acquireLock(file: string, socket: string): Promise<InstanceLock | null> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const lock = InstanceLock.acquire(file);
    if (lock) return lock;
    const live = await connectSocket(socket, 500).then(
      (s) => (s.destroy(), true),
      () => false,
    );
    if (live || Date.now() > deadline) return null;
    await sleep(50);
  }
}

/** Listens on the socket; we hold the instance lock, so a socket file already there is stale. */
async function listen(server: Server, socket: string): Promise<void> {
  if (process.platform !== 'win32') unlinkQuiet(socket);
  const oldMask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socket, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(oldMask);
  }
  if (process.platform !== 'win32') chmodSync(socket, 0o600);
}

function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // not there
  }
}

/** Exits the daemon after `seconds()` with no client and nothing to do. */
function idleTimer(seconds: () => number, isIdle: () => boolean, onIdle: () => void) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const clear = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return {
    clear,
    check() {
      const s = seconds();
      if (!isIdle() || s === 0) return clear();
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        if (isIdle()) onIdle();
      }, s * 1000);
    },
  };
}
