import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { VidQueueError } from '../../../shared/errors';

type Env = Record<string, string | undefined>;

/** Where a tool was found, or why not. */
export type ToolLookup = { ok: true; path: string } | { ok: false; error: VidQueueError };

export type SystemTool = 'yt-dlp' | 'ffmpeg' | 'aria2c';

const INSTALL_HINTS: Record<SystemTool, string> = {
  'yt-dlp':
    'Let VidQueue fetch a current one: `npx vidqueue tools update`; or install it: `sudo apt install yt-dlp` (Debian/Ubuntu), `brew install yt-dlp` (macOS), `winget install yt-dlp` (Windows), `pipx install yt-dlp`',
  ffmpeg: 'Install ffmpeg: `sudo apt install ffmpeg` (Debian/Ubuntu), `brew install ffmpeg` (macOS) or `winget install ffmpeg` (Windows)',
  aria2c: 'Install aria2: `sudo apt install aria2` (Debian/Ubuntu), `brew install aria2` (macOS) or `winget install aria2.aria2` (Windows)',
};

const VARIABLES: Record<SystemTool, string> = { 'yt-dlp': 'VIDQUEUE_YTDLP', ffmpeg: 'VIDQUEUE_FFMPEG', aria2c: 'VIDQUEUE_ARIA2C' };
const CODES = { 'yt-dlp': 'YTDLP_MISSING', ffmpeg: 'FFMPEG_MISSING', aria2c: 'DOWNLOAD_FAILED' } as const;

/** The command that installs a system tool on this OS. */
export function installHint(name: SystemTool): string {
  return INSTALL_HINTS[name];
}

/**
 * Finds yt-dlp or ffmpeg: the path in `VIDQUEUE_YTDLP` / `VIDQUEUE_FFMPEG` when set, else
 * the first executable on PATH. The error says exactly what to install or set.
 */
export function findTool(name: SystemTool, env: Env = process.env, platform = process.platform): ToolLookup {
  const variable = VARIABLES[name];
  const code = CODES[name];
  const override = env[variable];
  if (override) {
    if (isExecutable(override)) return { ok: true, path: override };
    return {
      ok: false,
      error: new VidQueueError(code, `${variable} is set to \`${override}\`, which is not an executable file. ${INSTALL_HINTS[name]}, or fix ${variable}.`),
    };
  }
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      if (isExecutable(candidate)) return { ok: true, path: candidate };
    }
  }
  return {
    ok: false,
    error: new VidQueueError(code, `${name} was not found on PATH (${env.PATH ?? 'unset'}). ${INSTALL_HINTS[name]}; or set ${variable} to its full path.`),
  };
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
