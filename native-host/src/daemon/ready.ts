import { closeSync, writeSync } from 'node:fs';
import type { ProtocolError } from '../../../shared/errors';

/**
 * The daemon's one message to whoever started it, on a pipe of its own (fd 3): it listens,
 * another daemon already does, or why it cannot start. The starter learns the cause at
 * once instead of waiting out a timeout and pointing at a log.
 */
export type StartStatus = { ready: true; alreadyRunning?: boolean } | { ready: false; error: ProtocolError };

export const READY_FD_VARIABLE = 'VIDQUEUE_READY_FD';

/** Sends the status (once) and closes the pipe, so the download processes never inherit it. */
export function reportStart(status: StartStatus, env: NodeJS.ProcessEnv = process.env): void {
  const fd = Number(env[READY_FD_VARIABLE]);
  delete env[READY_FD_VARIABLE];
  if (!Number.isInteger(fd) || fd < 3) return;
  try {
    writeSync(fd, `${JSON.stringify(status)}\n`);
  } catch {
    // The starter is gone: nobody to tell.
  }
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

/** Reads the status line from the daemon's pipe; null when it closed without one (a crash). */
export function readStartStatus(stream: NodeJS.ReadableStream): Promise<StartStatus | null> {
  return new Promise((resolve) => {
    let text = '';
    const done = (status: StartStatus | null) => {
      stream.removeAllListeners('data');
      resolve(status);
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end === -1) {
        if (text.length > 64 * 1024) done(null);
        return;
      }
      try {
        done(JSON.parse(text.slice(0, end)) as StartStatus);
      } catch {
        done(null);
      }
    });
    stream.on('end', () => done(null));
    stream.on('error', () => done(null));
  });
}
