import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Channel } from './release';

/**
 * VidQueue's own copy of yt-dlp: one folder a version under `<data>/tools/yt-dlp/`, and a
 * state file saying which is in use. The switch to a new version is one atomic rename of
 * the state file; the previous version is kept for one rollback.
 */
export interface ManagedState {
  /** `managed`: VidQueue keeps its own yt-dlp current; `system`: the one on PATH is used. */
  mode: 'managed' | 'system';
  channel: Channel;
  /** The version in use (a folder name), and the one before it. */
  current: string | null;
  previous: string | null;
  /** When an update was last looked for, and why it failed if it did. */
  lastCheck: number | null;
  lastError: string | null;
}

const DEFAULTS: ManagedState = { mode: 'managed', channel: 'stable', current: null, previous: null, lastCheck: null, lastError: null };

export function ytdlpHome(dataDir: string): string {
  return join(dataDir, 'tools', 'yt-dlp');
}

export function binaryName(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'yt-dlp.exe' : 'yt-dlp';
}

/** The binary of a managed version. */
export function managedBinary(dataDir: string, version: string, platform: NodeJS.Platform = process.platform): string {
  return join(ytdlpHome(dataDir), version, binaryName(platform));
}

export function readState(dataDir: string): ManagedState {
  try {
    const raw = JSON.parse(readFileSync(join(ytdlpHome(dataDir), 'state.json'), 'utf8')) as Partial<ManagedState>;
    return {
      mode: raw.mode === 'system' ? 'system' : 'managed',
      channel: raw.channel === 'nightly' ? 'nightly' : 'stable',
      current: typeof raw.current === 'string' ? raw.current : null,
      previous: typeof raw.previous === 'string' ? raw.previous : null,
      lastCheck: typeof raw.lastCheck === 'number' ? raw.lastCheck : null,
      lastError: typeof raw.lastError === 'string' ? raw.lastError : null,
    };
  } catch {
    return { ...DEFAULTS };
  }
}

/** Written whole to a temporary file, then renamed over the old one: never half a state. */
export function writeState(dataDir: string, state: ManagedState): void {
  const home = ytdlpHome(dataDir);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const tmp = join(home, `.state-${process.pid}-${Date.now()}.json`);
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, join(home, 'state.json'));
}

/** The managed binary in use, when there is one and it is there. */
export function currentManaged(dataDir: string, platform: NodeJS.Platform = process.platform): { version: string; path: string } | null {
  const s = readState(dataDir);
  if (s.mode !== 'managed' || !s.current) return null;
  const path = managedBinary(dataDir, s.current, platform);
  return existsSync(path) ? { version: s.current, path } : null;
}
