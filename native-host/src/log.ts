import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

type Level = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  debug(msg: string, extra?: unknown): void;
  info(msg: string, extra?: unknown): void;
  warn(msg: string, extra?: unknown): void;
  error(msg: string, extra?: unknown): void;
}

const MAX_LOG_BYTES = 5 * 1024 * 1024;

/**
 * Logs to stderr and to `<logDir>/<name>.log` (rotated once at 5 MiB). Never to stdout:
 * stdout is for protocol frames only.
 */
export function createLogger(name: string, logDir: string | null, opts: { stderr?: boolean; debug?: boolean } = {}): Logger {
  const file = logDir ? join(logDir, `${name}.log`) : null;
  if (logDir) {
    try {
      mkdirSync(logDir, { recursive: true, mode: 0o700 });
    } catch {
      // Logging must never stop the program.
    }
  }
  const toStderr = opts.stderr ?? true;
  const debugOn = opts.debug ?? process.env.VIDQUEUE_DEBUG === '1';
  let written = 0;
  const write = (level: Level, msg: string, extra?: unknown) => {
    if (level === 'debug' && !debugOn) return;
    const detail = extra === undefined ? '' : ` ${extra instanceof Error ? (extra.stack ?? extra.message) : safeJson(extra)}`;
    const line = `${new Date().toISOString()} ${name}[${process.pid}] ${level}: ${msg}${detail}\n`;
    if (toStderr) process.stderr.write(line);
    if (!file) return;
    try {
      if (written === 0) written = statSize(file);
      if (written > MAX_LOG_BYTES) {
        renameSync(file, `${file}.1`);
        written = 0;
      }
      appendFileSync(file, line, { mode: 0o600 });
      written += line.length;
    } catch {
      // A full disk or a removed folder must not take the daemon down.
    }
  };
  return {
    debug: (m, e) => write('debug', m, e),
    info: (m, e) => write('info', m, e),
    warn: (m, e) => write('warn', m, e),
    error: (m, e) => write('error', m, e),
  };
}

function statSize(file: string): number {
  try {
    return statSync(file).size || 1;
  } catch {
    return 1;
  }
}

function safeJson(x: unknown): string {
  try {
    return JSON.stringify(x);
  } catch {
    return String(x);
  }
}
