import { spawn } from 'node:child_process';
import { dirname } from 'node:path';

type Env = Record<string, string | undefined>;

/**
 * The command that opens a file, or shows it in its folder, on this desktop.
 * `VIDQUEUE_OPENER` replaces it (tests, and desktops without xdg-open).
 */
function openerCommand(file: string, reveal: boolean, platform: NodeJS.Platform = process.platform, env: Env = process.env): [string, string[]] {
  if (env.VIDQUEUE_OPENER) return [env.VIDQUEUE_OPENER, [reveal ? '--reveal' : '--open', file]];
  if (platform === 'darwin') return ['open', reveal ? ['-R', file] : [file]];
  if (platform === 'win32') return ['explorer.exe', reveal ? [`/select,${file}`] : [file]];
  // xdg-open cannot select a file in its folder: open the folder.
  return ['xdg-open', [reveal ? dirname(file) : file]];
}

/** Starts the opener detached; resolves once it started (not when the viewer closes). */
export function openOnDesktop(file: string, reveal: boolean): Promise<void> {
  const [cmd, args] = openerCommand(file, reveal);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.once('error', (err) => reject(new Error(`Could not run ${cmd}: ${err.message}`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
