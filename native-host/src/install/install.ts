import { existsSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { VidQueueError } from '../../../shared/errors';
import { DEV_EXTENSION_ID, FIREFOX_ADDON_ID, NATIVE_HOST_NAME } from '../../../shared/identity';
import { quote } from '../../../shared/quote';
import { BROWSERS, type Browser, type BrowserLayout, browserLayout } from './browsers';

export interface InstallOptions {
  home: string;
  platform: NodeJS.Platform;
  dataDir: string;
  /** Absolute path of node and of the CLI entry: the launcher must not depend on PATH. */
  nodePath: string;
  cliPath: string;
  /** Only these browsers; default: every browser that has a config folder for this user. */
  browsers?: Browser[];
  /** Write into this Chromium profile instead (`<dir>/NativeMessagingHosts`). */
  userDataDir?: string;
  /** More extension ids to allow, besides the development build's. */
  extensionIds?: string[];
  /** Environment the launcher passes on (VIDQUEUE_HOME, tool paths). */
  env?: Record<string, string | undefined>;
}

export interface InstallReport {
  launcher: string;
  manifests: { browser: Browser | 'profile'; path: string }[];
}

const EXTENSION_ID = /^[a-p]{32}$/;
const CARRIED_ENV = ['VIDQUEUE_HOME', 'VIDQUEUE_YTDLP', 'VIDQUEUE_FFMPEG'] as const;

export function checkExtensionId(id: string): string {
  if (!EXTENSION_ID.test(id)) {
    throw new VidQueueError('INVALID_MESSAGE', `Expected \`--extension-id\` to be 32 letters a–p (a Chromium extension id), got ${quote(id)}`, 'extensionId');
  }
  return id;
}

/** The launcher script: the absolute node path, so a browser's bare PATH does not matter. */
export function launcherScript(o: Pick<InstallOptions, 'nodePath' | 'cliPath' | 'platform' | 'env'>): string {
  const lines = ['#!/bin/sh', '# Written by `vidqueue install`: browsers start this to reach VidQueue.'];
  if (o.platform === 'darwin') {
    // A browser started from the Dock has a bare PATH: add Homebrew's so yt-dlp and ffmpeg are found.
    lines.push('PATH="/opt/homebrew/bin:/usr/local/bin:$PATH"; export PATH');
  }
  for (const key of CARRIED_ENV) {
    const value = o.env?.[key];
    if (value) lines.push(`${key}=${shellQuote(value)}; export ${key}`);
  }
  lines.push(`exec ${shellQuote(o.nodePath)} ${shellQuote(o.cliPath)} host "$@"`, '');
  return lines.join('\n');
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function manifestFor(family: 'chromium' | 'firefox', launcher: string, extensionIds: string[]): object {
  const base = { name: NATIVE_HOST_NAME, description: 'VidQueue native host', path: launcher, type: 'stdio' };
  return family === 'firefox'
    ? { ...base, allowed_extensions: [FIREFOX_ADDON_ID] }
    : { ...base, allowed_origins: extensionIds.map((id) => `chrome-extension://${id}/`) };
}

function targets(o: InstallOptions): { browser: Browser | 'profile'; dir: string; family: 'chromium' | 'firefox' }[] {
  if (o.platform !== 'linux' && o.platform !== 'darwin') {
    throw new VidQueueError('INTERNAL', `Registering the native host on ${o.platform} is not supported yet (Linux and macOS are)`);
  }
  if (o.userDataDir) return [{ browser: 'profile', dir: join(o.userDataDir, 'NativeMessagingHosts'), family: 'chromium' }];
  const layouts: BrowserLayout[] = (o.browsers ?? [...BROWSERS]).map((b) => browserLayout(b, o.home, o.platform));
  const chosen = o.browsers ? layouts : layouts.filter((l) => existsSync(l.configDir));
  return chosen.map((l) => ({ browser: l.browser, dir: l.manifestDir, family: l.family }));
}

/** Writes the launcher and a manifest for each browser. Idempotent. */
export async function install(o: InstallOptions): Promise<InstallReport> {
  const ids = [DEV_EXTENSION_ID, ...(o.extensionIds ?? []).map(checkExtensionId)];
  const launcher = join(o.dataDir, 'bin', 'vidqueue-host');
  await fs.mkdir(join(o.dataDir, 'bin'), { recursive: true, mode: 0o700 });
  await fs.writeFile(launcher, launcherScript(o), { mode: 0o755 });
  await fs.chmod(launcher, 0o755);
  const manifests: InstallReport['manifests'] = [];
  for (const t of targets(o)) {
    await fs.mkdir(t.dir, { recursive: true });
    const path = join(t.dir, `${NATIVE_HOST_NAME}.json`);
    await fs.writeFile(path, `${JSON.stringify(manifestFor(t.family, launcher, [...new Set(ids)]), null, 2)}\n`, { mode: 0o644 });
    manifests.push({ browser: t.browser, path });
  }
  return { launcher, manifests };
}

/** Removes what `install` wrote: our manifests (only ours) and the launcher. */
export async function uninstall(o: InstallOptions): Promise<InstallReport> {
  const removed: InstallReport['manifests'] = [];
  const all = o.userDataDir || o.browsers ? targets(o) : targets({ ...o, browsers: [...BROWSERS] });
  for (const t of all) {
    const path = join(t.dir, `${NATIVE_HOST_NAME}.json`);
    try {
      const manifest = JSON.parse(await fs.readFile(path, 'utf8')) as { name?: string };
      if (manifest.name !== NATIVE_HOST_NAME) continue;
      await fs.unlink(path);
      removed.push({ browser: t.browser, path });
    } catch {
      // not there, or not ours
    }
  }
  const launcher = join(o.dataDir, 'bin', 'vidqueue-host');
  if (!o.userDataDir) await fs.rm(launcher, { force: true });
  return { launcher, manifests: removed };
}
