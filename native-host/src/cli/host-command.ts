import { runHost } from '../bridge/host';
import { createLogger } from '../log';
import { resolvePaths } from '../paths';

/** `vidqueue host`: stdout carries native-messaging frames and nothing else. */
export function hostCommand(cliPath: string): number {
  // Anything that would print to stdout by mistake goes to stderr instead.
  const toStderr = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.table = toStderr;
  const paths = resolvePaths();
  const log = createLogger('host', paths.logDir);
  runHost({ paths, cliPath, log });
  return -1;
}
