import { startDaemon } from '../daemon/daemon';
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
  const started = await startDaemon({ paths, log, version });
  if (!started.started) {
    log.info('another daemon is already running; this one exits');
    return EXIT.OK;
  }
  await started.stopped;
  process.exit(EXIT.OK);
}
