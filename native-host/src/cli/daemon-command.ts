import { VidQueueError } from '../../../shared/errors';
import { startDaemon } from '../daemon/daemon';
import { reportStart } from '../daemon/ready';
import { connectOrStart } from '../daemon/spawn';
import { createLogger } from '../log';
import { resolvePaths } from '../paths';
import { EXIT } from './exit-codes';

/** `vidqueue daemon`: start it in the background (default) or run it here (`--foreground`). */
export async function daemonCommand(cliPath: string, version: string, o: { foreground: boolean; stderrLog: boolean }): Promise<number> {
  const paths = resolvePaths();
  if (!o.foreground) {
    const socket = await connectOrStart(paths, cliPath);
    socket.end();
    process.stdout.write(`VidQueue daemon running; socket ${paths.socket}\n`);
    return EXIT.OK;
  }
  const log = createLogger('daemon', paths.logDir, { stderr: o.stderrLog });
  process.on('uncaughtException', (err) => {
    log.error('uncaught exception', err);
    process.exit(EXIT.ERROR);
  });
  process.on('unhandledRejection', (err) => log.error('unhandled rejection', err));
  let started: Awaited<ReturnType<typeof startDaemon>>;
  try {
    started = await startDaemon({ paths, log, version });
  } catch (err) {
    // Said where the starter looks (its pipe), in the log, and on stderr (daemon.stderr.log).
    const error = err instanceof VidQueueError ? err : new VidQueueError('DAEMON_UNAVAILABLE', `The daemon could not start: ${(err as Error).message}`);
    log.error('the daemon cannot start', err);
    reportStart({ ready: false, error: error.toJSON() });
    process.stderr.write(`vidqueue daemon: ${error.code}: ${error.message}\n`);
    return EXIT.UNAVAILABLE;
  }
  if (!started.started) {
    log.info('another daemon is already running; this one exits');
    reportStart({ ready: true, alreadyRunning: true });
    return EXIT.OK;
  }
  reportStart({ ready: true });
  await started.stopped;
  process.exit(EXIT.OK);
}
