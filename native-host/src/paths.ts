import { createHash } from 'node:crypto';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface Paths {
  /** Database, logs, launcher: everything VidQueue keeps. */
  dataDir: string;
  /** Holds the daemon's socket; readable by the user only. */
  runDir: string;
  /** Unix socket path, or a named pipe on Windows. */
  socket: string;
  /** Where finished files go unless the setting says otherwise. */
  defaultDownloadDir: string;
  database: string;
  logDir: string;
}

type Env = Record<string, string | undefined>;

/** Longest Unix socket path that fits `sun_path` everywhere (104 on macOS, 108 on Linux). */
const MAX_SOCKET_PATH = 103;

/**
 * Where VidQueue keeps things, following each platform's conventions. `VIDQUEUE_HOME`
 * puts all of it under one folder: tests and portable installs rely on it.
 */
export function resolvePaths(env: Env = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): Paths {
  const vqHome = env.VIDQUEUE_HOME;
  let dataDir: string;
  let runDir: string;
  let downloads: string;
  if (vqHome) {
    dataDir = join(vqHome, 'data');
    runDir = join(vqHome, 'run');
    downloads = join(vqHome, 'downloads');
  } else if (platform === 'darwin') {
    dataDir = join(home, 'Library', 'Application Support', 'VidQueue');
    runDir = join(dataDir, 'run');
    downloads = join(home, 'Downloads');
  } else if (platform === 'win32') {
    dataDir = join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'VidQueue');
    runDir = dataDir;
    downloads = join(env.USERPROFILE ?? home, 'Downloads');
  } else {
    dataDir = join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'vidqueue');
    // Beside the data, not in XDG_RUNTIME_DIR: a shell without that variable (ssh, cron, sudo -u)
    // must find the same daemon, or it would start a second one on the same database.
    runDir = join(dataDir, 'run');
    downloads = env.XDG_DOWNLOAD_DIR || join(home, 'Downloads');
  }
  let socket: string;
  if (platform === 'win32') {
    socket = `\\\\.\\pipe\\vidqueue-${hash(`${userInfo().username}:${runDir}`)}`;
  } else {
    socket = join(runDir, 'daemon.sock');
    if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
      // A deep home folder: keep the socket in a short per-user folder instead.
      runDir = join(tmpdir(), `vidqueue-${process.getuid?.() ?? 0}-${hash(runDir)}`);
      socket = join(runDir, 'daemon.sock');
    }
  }
  return {
    dataDir,
    runDir,
    socket,
    defaultDownloadDir: downloads,
    database: join(dataDir, 'vidqueue.db'),
    logDir: join(dataDir, 'logs'),
  };
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
