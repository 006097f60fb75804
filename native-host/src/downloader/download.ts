import { delimiter } from 'node:path';
import { createInterface } from 'node:readline';
import type { execa as ExecaFn } from 'execa';
import { type KillSchedule, killGroup } from '../terminate/kill';
import { type OutputLine, parseOutputLine } from './progress';
import { aria2cReason, errorText, readableLine } from './ytdlp-errors';

export interface Exit {
  exitCode: number | null;
  signal: string | null;
  /** The finished file yt-dlp reported (`after_move`), if it got that far. */
  file: string | null;
  /** yt-dlp's `ERROR:` lines, else the last lines of stderr (boilerplate stripped). */
  errorText: string;
}

export interface DownloadOptions {
  ytdlp: string;
  args: string[];
  /** The job's staging folder: every path yt-dlp is given is relative to it. */
  cwd: string;
  /** Put first on yt-dlp's PATH (where ffmpeg is), when set. */
  pathDir?: string | readonly string[] | null;
  onLine: (line: OutputLine) => void;
}

/** Lines of stderr kept for the error message; longer lines are cut. */
const STDERR_KEEP = 40;
const MAX_LINE = 8192;

let execa: typeof ExecaFn | null = null;

/**
 * Loads execa when the first download starts, not when the daemon starts: it takes ~100 ms
 * to load here, and a browser waits for the daemon's first answer.
 */
export async function loadProcessRunner(): Promise<typeof ExecaFn> {
  execa ??= (await import('execa')).execa;
  return execa;
}

/**
 * One yt-dlp process, leader of its own process group (so it and the ffmpeg it starts
 * can be stopped together, and a browser killing its own group never reaches it).
 */
export class Download {
  readonly pgid: number;
  readonly done: Promise<Exit>;

  private constructor(pgid: number, done: Promise<Exit>) {
    this.pgid = pgid;
    this.done = done;
  }

  static start(o: DownloadOptions): Download {
    if (!execa) throw new Error('loadProcessRunner() must be awaited before the first download');
    const child = execa(o.ytdlp, o.args, {
      cwd: o.cwd,
      detached: true,
      cleanup: false,
      stdin: 'ignore',
      buffer: false,
      reject: false,
      env: {
        PYTHONUNBUFFERED: '1',
        PYTHONIOENCODING: 'utf-8',
        PYTHONUTF8: '1',
        ...(o.pathDir?.length ? { PATH: [...[o.pathDir].flat(), process.env.PATH ?? ''].filter(Boolean).join(delimiter) } : {}),
      },
    });
    const pid = child.pid;
    if (pid === undefined) {
      const failed = child.then((r) => ({ exitCode: r.exitCode ?? null, signal: null, file: null, errorText: r.message ?? 'could not start yt-dlp' }));
      return new Download(-1, failed);
    }
    let file: string | null = null;
    const lines: string[] = [];
    const keep = (raw: string) => {
      const line = readableLine(raw.slice(0, MAX_LINE));
      if (!line) return;
      lines.push(line);
      // The ERROR lines are what matter: drop the oldest other line first.
      if (lines.length > STDERR_KEEP) {
        const drop = lines.findIndex((l) => !l.startsWith('ERROR:'));
        lines.splice(drop === -1 ? 0 : drop, 1);
      }
    };
    const stdoutDone = new Promise<void>((resolve) => {
      const rl = createInterface({ input: child.stdout!, crlfDelay: Infinity });
      rl.on('line', (line) => {
        const parsed = parseOutputLine(line);
        if (!parsed) {
          // aria2c logs why it failed on stdout, where yt-dlp leaves it: kept with stderr's lines.
          const reason = aria2cReason(line.slice(0, MAX_LINE));
          if (reason) keep(reason);
          return;
        }
        if (parsed.kind === 'file') file = parsed.path;
        o.onLine(parsed);
      });
      rl.on('close', resolve);
    });
    // Split on \n only: yt-dlp writes `ERROR: \r[download] Got error: …`, and a reader that
    // also splits on \r loses the error behind the carriage return.
    const stderrDone = new Promise<void>((resolve) => {
      let partial = '';
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        partial += chunk;
        const parts = partial.split('\n');
        partial = parts.pop()!.slice(-MAX_LINE);
        for (const p of parts) keep(p);
      });
      child.stderr!.on('end', () => {
        keep(partial);
        resolve();
      });
      child.stderr!.on('error', () => resolve());
    });
    const done = (async (): Promise<Exit> => {
      const result = await child;
      await Promise.all([stdoutDone, stderrDone]);
      return {
        exitCode: result.exitCode ?? null,
        signal: result.signal ?? null,
        file,
        errorText: errorText(lines),
      };
    })();
    return new Download(pid, done);
  }

  /** Stops the whole process tree; null when it had already exited by itself. */
  async kill(schedule: KillSchedule): Promise<NodeJS.Signals | null> {
    if (this.pgid <= 1) return null;
    const signal = await killGroup(this.pgid, schedule);
    await this.done;
    return signal;
  }
}
