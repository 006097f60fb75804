import { createInterface } from 'node:readline';
import type { execa as ExecaFn } from 'execa';
import { type KillSchedule, killGroup } from '../terminate/kill';
import { type OutputLine, parseOutputLine } from './progress';

export interface Exit {
  exitCode: number | null;
  signal: string | null;
  /** The finished file yt-dlp reported (`after_move`), if it got that far. */
  file: string | null;
  /** yt-dlp's `ERROR:` lines, else the last lines of stderr. */
  errorText: string;
}

export interface DownloadOptions {
  ytdlp: string;
  args: string[];
  cwd: string;
  onLine: (line: OutputLine) => void;
}

const STDERR_KEEP = 20;

let execa: typeof ExecaFn | null = null;

/**
 * Loads execa when the first download starts, not when the daemon starts: it takes ~100 ms
 * to load here, and a browser waits for the daemon's first answer.
 */
export async function loadProcessRunner(): Promise<void> {
  execa ??= (await import('execa')).execa;
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
      env: { PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8', PYTHONUTF8: '1' },
    });
    const pid = child.pid;
    if (pid === undefined) {
      const failed = child.then((r) => ({ exitCode: r.exitCode ?? null, signal: null, file: null, errorText: r.message ?? 'could not start yt-dlp' }));
      return new Download(-1, failed);
    }
    let file: string | null = null;
    const errors: string[] = [];
    const tail: string[] = [];
    const stdoutDone = new Promise<void>((resolve) => {
      const rl = createInterface({ input: child.stdout!, crlfDelay: Infinity });
      rl.on('line', (line) => {
        const parsed = parseOutputLine(line);
        if (!parsed) return;
        if (parsed.kind === 'file') file = parsed.path;
        o.onLine(parsed);
      });
      rl.on('close', resolve);
    });
    const stderrDone = new Promise<void>((resolve) => {
      const rl = createInterface({ input: child.stderr!, crlfDelay: Infinity });
      rl.on('line', (line) => {
        if (line.startsWith('ERROR:')) errors.push(line.slice(6).trim());
        tail.push(line);
        if (tail.length > STDERR_KEEP) tail.shift();
      });
      rl.on('close', resolve);
    });
    const done = (async (): Promise<Exit> => {
      const result = await child;
      await Promise.all([stdoutDone, stderrDone]);
      return {
        exitCode: result.exitCode ?? null,
        signal: result.signal ?? null,
        file,
        errorText: (errors.length > 0 ? errors.join('\n') : tail.join('\n')).slice(0, 4000),
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
