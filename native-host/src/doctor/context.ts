import { homedir } from 'node:os';
import type { DoctorReport } from '../../../shared/doctor';
import { DaemonClient, connectSocket } from '../daemon/client';
import type { Paths } from '../paths';
import { runDoctor } from './checks';
import { startupChecks } from './startup';

/** Runs every check for this user: the daemon is asked, never started. */
export async function doctorReport(paths: Paths, extensionIds: string[] = [], dev = false): Promise<DoctorReport> {
  let downloadDir = paths.defaultDownloadDir;
  let daemonVersion: string | null = null;
  let daemonError: Error | null = null;
  try {
    const socket = await connectSocket(paths.socket, 1500);
    const client = await DaemonClient.fromSocket(socket, 'doctor');
    try {
      daemonVersion = (await client.request('hello', { protocolVersion: 1, client: 'doctor' })).daemonVersion;
      downloadDir = (await client.request('settings.get', {})).settings.downloadDir;
    } finally {
      client.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ECONNREFUSED') daemonError = err as Error;
  }
  return runDoctor({
    env: process.env,
    home: homedir(),
    platform: process.platform,
    nodeVersion: process.version,
    now: new Date(),
    downloadDir,
    dataDir: paths.dataDir,
    extensionIds,
    dev,
    // With no daemon to ask, the database is looked at here (a running daemon holds it alone).
    startup: startupChecks(paths, { inspectDatabase: daemonVersion === null }),
    pingDaemon: async () => {
      if (daemonError) throw daemonError;
      return daemonVersion;
    },
  });
}
