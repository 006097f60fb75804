import { type ToolLookup, findTool } from '../downloader/tools';
import { currentManaged, readState } from './managed';

type Env = Record<string, string | undefined>;

export type YtDlpLookup = ToolLookup & { source?: 'override' | 'managed' | 'system'; managedVersion?: string };

/**
 * The yt-dlp a new job runs: `VIDQUEUE_YTDLP` when set; else VidQueue's managed copy (unless
 * the user chose the system's with `vidqueue tools use-system`); else the one on PATH.
 */
export function findYtDlp(dataDir: string, env: Env = process.env, platform: NodeJS.Platform = process.platform): YtDlpLookup {
  if (env.VIDQUEUE_YTDLP) return { ...findTool('yt-dlp', env, platform), source: 'override' };
  const managed = currentManaged(dataDir, platform);
  if (managed) return { ok: true, path: managed.path, source: 'managed', managedVersion: managed.version };
  const system = findTool('yt-dlp', env, platform);
  return system.ok ? { ...system, source: 'system' } : system;
}

/** The user asked for the system's yt-dlp: is a managed copy still being kept current? */
export function managedMode(dataDir: string): boolean {
  return readState(dataDir).mode === 'managed';
}
