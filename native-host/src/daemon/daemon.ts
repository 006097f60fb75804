import { chmodSync, unlinkSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { join } from 'node:path';
import { VidQueueError } from '../../../shared/errors';
import { type Event, type EventData, type EventType, errorReply, parseRequest } from '../../../shared/protocol';
import type { Decoded } from '../framing/decoder';
import { messageOf } from '../framing/message';
import { diskFullError, isDiskFull } from '../faults/disk';
import type { Logger } from '../log';
import type { Paths } from '../paths';
import { Queue } from '../queue/queue';
import { type DatabaseReset, isCorruption, openOrSetAside } from '../store/db';
import { readUrl } from '../probe/read';
import { ProbeService } from '../probe/service';
import { GroupStore } from '../store/groups';
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
import { ytdlpFeatures } from '../tools/features';
import { findYtDlp, managedMode } from '../tools/resolve';
import { createToolsService } from '../tools/service';

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

  let opened: ReturnType<typeof openOrSetAside>;
  try {
    opened = openOrSetAside(paths.database);
  } catch (err) {
    lock.release();
    throw databaseError(paths.database, err);
  }
  const { db } = opened;
  const store = new JobStore(db);
  const groups = new GroupStore(db);
  const settings = new SettingsStore(db, SettingsStore.defaultsFor(paths.defaultDownloadDir));
  const notices = new NoticeStore(db);
  if (opened.reset) tellDatabaseReset(opened.reset, notices, log);
  try {
    await recover(store, settings.get().downloadDir, log);
  } catch (err) {
    // On a full disk recovery cannot write everything: the daemon still starts and answers,
    // and what was left is put right at the next start.
    if (!isDiskFull(err)) {
      db.close();
      lock.release();
      throw err;
    }
    log.warn('recovery could not finish: the disk is full; it is finished at the next start');
  }
  try {
    const interrupted = groups.stopAllAdding();
    if (interrupted.length > 0)
      log.warn(`playlist groups ${interrupted.join(', ')}: the daemon stopped while their entries were being added; the rest were not added`);
  } catch (err) {
    if (!isDiskFull(err)) throw err;
  }

  const connections = new Set<Connection>();
  const broadcast = <E extends EventType>(event: E, data: EventData[E]) => {
    const message: Event<E> = { event, data };
    for (const c of connections) if (c.subscribed) c.send(message as Event);
  };
  const env = o.env ?? process.env;
  // Probes run apart from the download queue: they never take (or wait for) a download slot.
  const probes = new ProbeService({
    // The same yt-dlp as the downloads (VidQueue's managed copy when it keeps one).
    read: (key, signal, timeoutMs) => readUrl(() => findYtDlp(paths.dataDir, env), key, signal, timeoutMs),
    settings: () => settings.get(),
  });
  const queue = new Queue({
    store,
    groups,
    settings,
    dataDir: paths.dataDir,
    fetchYtDlp: async () => {
      if (managedMode(paths.dataDir) && settings.get().toolsAutoUpdate) await tools.update();
    },
    log,
    env: o.env,
    events: {
      jobUpdated: (job) => broadcast('job.updated', { job }),
      jobsRemoved: (jobIds) => broadcast('jobs.removed', { jobIds }),
      groupUpdated: (group) => broadcast('group.updated', { group }),
      groupsRemoved: (groupIds) => broadcast('groups.removed', { groupIds }),
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
      tools.stop();
      broadcast('daemon.stopping', { reason });
      server.close();
      await Promise.all([probes.shutdown(), queue.shutdown()]);
      for (const c of connections) c.socket.end();
      if (process.platform !== 'win32') unlinkQuiet(paths.socket);
      db.close();
      lock.release();
      log.info('stopped');
      resolveStopped();
    })();
    return stopping;
  };

  const tools = createToolsService({
    dataDir: paths.dataDir,
    env: o.env ?? process.env,
    log,
    autoUpdate: () => settings.get().toolsAutoUpdate,
    inUse: () => queue.toolVersionsInUse(),
  });
  const handlers = createHandlers({
    tools,
    queue,
    probes,
    settings,
    notices,
    version: o.version,
    settingsChanged: (s) => {
      broadcast('settings.updated', { settings: s });
      queue.pump();
      idle.check();
    },
    stop: (reason) => void stop(reason),
    doctor: async () => (await import('../doctor/context')).doctorReport(paths),
  });

  /** One request, answered once; never throws. */
  const onFrame = async (conn: Connection, decoded: Decoded): Promise<void> => {
    const m = messageOf(decoded);
    if (!m.ok) return conn.send(m.reply);
    const parsed = parseRequest(m.value);
    if (!parsed.ok) return conn.send({ id: parsed.id, ok: false, error: parsed.error });
    const { request } = parsed;
    if (stopping && request.type !== 'hello') {
      return conn.send({ id: request.id, ok: false, error: { code: 'DAEMON_STOPPING', message: 'The daemon is stopping; try again in a moment' } });
    }
    const handler = handlers[request.type] as (p: unknown, c: Connection) => unknown;
    try {
      conn.send({ id: request.id, ok: true, result: await handler(request.params, conn) } as never);
    } catch (err) {
      if (isDiskFull(err)) return conn.send(errorReply(request.id, diskFullError(paths.database, 'The request could not be saved')));
      if (!(err instanceof VidQueueError)) log.error(`${request.type} failed`, err);
      conn.send(errorReply(request.id, err));
    }
  };

  const server: Server = createServer((socket) => {
    const conn = new Connection(socket, onFrame);
    connections.add(conn);
    idle.check();
    socket.on('close', () => {
      connections.delete(conn);
      // Whatever it was probing is stopped, unless another client waits for it too.
      probes.forget(conn);
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
  tools.start();
  // What the yt-dlp in use knows (its --help, a second of Python) is asked now, not when the first download starts.
  const ytdlp = findYtDlp(paths.dataDir, env);
  if (ytdlp.ok) void ytdlpFeatures(ytdlp.path).catch(() => {});
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
      (s) => {
        s.destroy();
        return true;
      },
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

/** A damaged database was set aside: the user is told once, by whichever client asks first. */
function tellDatabaseReset(reset: DatabaseReset, notices: NoticeStore, log: Logger): void {
  const message =
    `VidQueue's queue database could not be read (${reset.reason}), so it was set aside as ${reset.movedTo} ` +
    'and a new, empty queue was started. The download history and any downloads that were waiting in it are no longer listed; ' +
    `files already downloaded are untouched. To look inside the old one: sqlite3 '${reset.movedTo}' .recover`;
  log.warn(message);
  try {
    notices.add('DATABASE_RESET', message);
  } catch (err) {
    log.error('could not record the notice', err);
  }
}

/** Why the database cannot be opened, with what to do about it. */
function databaseError(file: string, err: unknown): Error {
  if (isDiskFull(err)) return diskFullError(file, 'VidQueue cannot open its database');
  // A database from a newer VidQueue, say: the message says what to do; the daemon cannot start.
  if (err instanceof VidQueueError) return new VidQueueError('DAEMON_UNAVAILABLE', err.message);
  const code = (err as { code?: string }).code ?? '';
  const why = (err as Error).message;
  const fix = isCorruption(err)
    ? `it is damaged and could not be set aside: move it away (mv '${file}' '${file}.old') and try again`
    : /READONLY|CANTOPEN|EACCES|EPERM|EROFS/.test(code + why)
      ? `check that ${file} and its folder are yours and writable`
      : 'see the daemon log for details';
  return new VidQueueError('DAEMON_UNAVAILABLE', `VidQueue cannot open its database ${file} (${why}): ${fix}`);
}
