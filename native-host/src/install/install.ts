import { existsSync, promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { VidQueueError } from '../../../shared/errors';
import { DEV_EXTENSION_ID, FIREFOX_ADDON_ID, NATIVE_HOST_NAME, STORE_EXTENSION_IDS } from '../../../shared/identity';
import { quote } from '../../../shared/quote';
import { BROWSERS, type Browser, SANDBOXED, WINDOWS_REGISTRY_KEYS, browserLayout, systemManifestDirs } from './browsers';
import { cmdArg, cmdSet } from './cmd';
import type { Registry } from './registry';

export type { Registry } from './registry';

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
  /** Extension ids to allow, besides the store builds' (STORE_EXTENSION_IDS). */
  extensionIds?: string[];
  /** Allow the development build too (DEV_EXTENSION_ID, whose key is public): tests and the demo. */
  dev?: boolean;
  /** Environment the launcher passes on (VIDQUEUE_HOME, tool paths). */
  env?: Record<string, string | undefined>;
  /** System-wide: /etc (Linux), /Library (macOS), HKLM (Windows). */
  system?: boolean;
  /** Filesystem root for system folders and sandbox detection (tests use a temporary one). */
  root?: string;
  registry?: Registry;
  /** Files written for another user (install run through sudo) are given to that user. */
  owner?: { uid: number; gid: number };
}

interface SandboxedBrowser {
  browser: Browser;
  kind: 'snap' | 'flatpak';
  /** What the user must do: printed, since a manifest written here could not work. */
  steps: string[];
}

export interface InstallReport {
  launcher: string;
  manifests: { browser: Browser | 'profile'; path: string }[];
  /** Registry keys set (install) or really deleted (uninstall). */
  registry: { key: string; value: string }[];
  sandboxed: SandboxedBrowser[];
  /** What could not be undone (uninstall: a registry key reg.exe could not delete); the command then fails. */
  failures: { key: string; message: string }[];
  /** What was written but cannot work yet (a Chromium manifest that allows no extension), with the fix. */
  warnings: { message: string; fix: string }[];
}

const EXTENSION_ID = /^[a-p]{32}$/;
const CARRIED_ENV = ['VIDQUEUE_HOME', 'VIDQUEUE_YTDLP', 'VIDQUEUE_FFMPEG', 'VIDQUEUE_ARIA2C', 'VIDQUEUE_TOOLS_MIRROR'] as const;

/** Why `id` is not a Chromium extension id (to show the user), or null when it is one. */
export function extensionIdProblem(id: string): string | null {
  return EXTENSION_ID.test(id) ? null : `Expected \`--extension-id\` to be 32 letters a–p (the id chrome://extensions shows), got ${quote(id)}`;
}

export function checkExtensionId(id: string): string {
  const problem = extensionIdProblem(id);
  if (problem) throw new VidQueueError('INVALID_MESSAGE', problem, 'extensionId');
  return id;
}

/** The launcher script: the absolute node path, so a browser's bare PATH does not matter. */
export function launcherScript(o: Pick<InstallOptions, 'nodePath' | 'cliPath' | 'platform' | 'env'>): string {
  if (o.platform === 'win32') {
    // `!` stays literal whatever the registry's DelayedExpansion says; `%` is doubled by cmdSet and cmdArg.
    const lines = ['@echo off', 'rem Written by `vidqueue install`: browsers start this to reach VidQueue.', 'setlocal DisableDelayedExpansion'];
    for (const key of CARRIED_ENV) if (o.env?.[key]) lines.push(cmdSet(key, o.env[key]));
    lines.push(`${cmdArg(o.nodePath, 'the path of node')} ${cmdArg(o.cliPath, 'the path of VidQueue')} host %*`, '');
    return lines.join('\r\n');
  }
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

interface Target {
  browser: Browser | 'profile';
  dirs: string[];
  family: 'chromium' | 'firefox';
}

/** Where the launcher goes: the user's data folder, or a system folder for `--system`. */
function launcherPath(o: Pick<InstallOptions, 'dataDir' | 'platform' | 'system' | 'root'>): string {
  const root = o.root ?? '/';
  if (o.platform === 'win32') return join(o.dataDir, 'bin', 'vidqueue-host.cmd');
  if (!o.system) return join(o.dataDir, 'bin', 'vidqueue-host');
  return o.platform === 'darwin' ? join(root, 'Library/Application Support/VidQueue/vidqueue-host') : join(root, 'usr/local/lib/vidqueue/vidqueue-host');
}

function chosenBrowsers(o: InstallOptions): Browser[] {
  if (o.browsers) return o.browsers;
  if (o.system || o.platform === 'win32') return [...BROWSERS];
  return BROWSERS.filter((b) => existsSync(browserLayout(b, o.home, o.platform).configDir));
}

function targets(o: InstallOptions): Target[] {
  if (o.platform !== 'linux' && o.platform !== 'darwin' && o.platform !== 'win32') {
    throw new VidQueueError('INTERNAL', `Registering the native host on ${o.platform} is not supported (Linux, macOS and Windows are)`);
  }
  if (o.userDataDir) return [{ browser: 'profile', dirs: [join(o.userDataDir, 'NativeMessagingHosts')], family: 'chromium' }];
  return chosenBrowsers(o).map((b) => {
    const family = b === 'firefox' ? 'firefox' : 'chromium';
    if (o.platform === 'win32') return { browser: b, dirs: [join(o.dataDir, 'manifests', b)], family };
    if (o.system) return { browser: b, dirs: systemManifestDirs(b, o.platform, o.root), family };
    return { browser: b, dirs: [browserLayout(b, o.home, o.platform).manifestDir], family };
  });
}

/** Snap and Flatpak builds of the browsers, found by their usual folders. */
function detectSandboxed(o: Pick<InstallOptions, 'home' | 'platform' | 'root'>, launcher: string): SandboxedBrowser[] {
  if (o.platform !== 'linux') return [];
  const root = o.root ?? '/';
  const found: SandboxedBrowser[] = [];
  for (const browser of BROWSERS) {
    const { snap, flatpak, flatpakConfig } = SANDBOXED[browser];
    if (snap && (existsSync(join(root, 'snap/bin', snap)) || existsSync(join(o.home, 'snap', snap)))) {
      found.push({ browser, kind: 'snap', steps: snapSteps(browser) });
    }
    if (flatpak && (existsSync(join(o.home, '.var/app', flatpak)) || existsSync(join(root, 'var/lib/flatpak/app', flatpak)))) {
      found.push({ browser, kind: 'flatpak', steps: flatpakSteps(browser, flatpak, flatpakConfig, o.home, launcher) });
    }
  }
  return found;
}

function snapSteps(browser: Browser): string[] {
  if (browser === 'firefox') {
    return [
      'Snap Firefox starts native helpers only through the desktop portal:',
      'install xdg-desktop-portal 1.17 or newer (`sudo apt install xdg-desktop-portal`), log out and in,',
      'keep the manifest in ~/.mozilla/native-messaging-hosts (`npx vidqueue install --browser firefox`),',
      'restart Firefox and allow VidQueue when it asks. Or use Firefox from a .deb or tarball.',
    ];
  }
  return [
    `The Snap build of ${browser} cannot start programs outside its sandbox, so it cannot reach VidQueue.`,
    `Install ${browser} from its .deb package (or use Google Chrome), then run \`npx vidqueue install --browser ${browser === 'brave' || browser === 'vivaldi' ? browser : 'chrome'}\`.`,
  ];
}

function flatpakSteps(browser: Browser, appId: string, config: string | undefined, home: string, launcher: string): string[] {
  const dir =
    browser === 'firefox'
      ? join(home, '.var/app', appId, '.mozilla/native-messaging-hosts')
      : join(home, '.var/app', appId, 'config', config ?? browser, 'NativeMessagingHosts');
  return [
    `The Flatpak build of ${browser} runs in a sandbox; VidQueue must be started outside it:`,
    `1. flatpak override --user --talk-name=org.freedesktop.Flatpak ${appId}`,
    `2. mkdir -p '${dir}' and write there a launcher \`vidqueue-host-flatpak\` containing:  #!/bin/sh  exec flatpak-spawn --host '${launcher}' "$@"`,
    `3. copy a manifest (from \`npx vidqueue install --browser ${browser}\`) into '${dir}', with "path" set to that launcher`,
    `4. restart ${browser}; \`npx vidqueue doctor\` checks the rest`,
  ];
}

async function writeOwned(file: string, text: string, mode: number, owner?: InstallOptions['owner']): Promise<void> {
  await fs.writeFile(file, text, { mode });
  await fs.chmod(file, mode);
  if (owner) await fs.chown(file, owner.uid, owner.gid);
}

/**
 * Makes `dir` and its missing parents. The folders made here get `mode` (set after mkdir:
 * the umask must not decide, a root umask of 077 would hide system manifests from users)
 * and, for an install run through sudo, go to the user who ran it.
 */
async function makeDir(dir: string, mode: number, owner?: InstallOptions['owner']): Promise<void> {
  const made = await fs.mkdir(dir, { recursive: true });
  if (!made) return;
  for (let d = dir; ; d = dirname(d)) {
    await fs.chmod(d, mode);
    if (owner) await fs.chown(d, owner.uid, owner.gid);
    if (d === made || dirname(d) === d) break;
  }
}

/** Writes the launcher and a manifest for each browser (and, on Windows, the registry keys). Idempotent. */
export async function install(o: InstallOptions): Promise<InstallReport> {
  const ids = allowedExtensionIds(o);
  const launcher = launcherPath(o);
  // First: a value the launcher cannot hold is refused before anything is written.
  const script = launcherScript(o);
  // Per user, VidQueue's folders are the user's alone (0700); system-wide, every user's browser reads them.
  const dirMode = o.system ? 0o755 : 0o700;
  const owner = o.system ? undefined : o.owner;
  await makeDir(dirname(launcher), dirMode, owner);
  if (!o.system) {
    // Folders an older install left open (0755) are closed too.
    await fs.chmod(o.dataDir, 0o700);
    await fs.chmod(dirname(launcher), 0o700);
  }
  await writeOwned(launcher, script, 0o755, owner);
  const report: InstallReport = { launcher, manifests: [], registry: [], sandboxed: [], failures: [], warnings: [] };
  for (const t of targets(o)) {
    const body = `${JSON.stringify(manifestFor(t.family, launcher, ids), null, 2)}\n`;
    for (const dir of t.dirs) {
      await makeDir(dir, dirMode, owner);
      const path = join(dir, `${NATIVE_HOST_NAME}.json`);
      await writeOwned(path, body, 0o644, owner);
      report.manifests.push({ browser: t.browser, path });
      if (o.platform === 'win32' && t.browser !== 'profile') {
        const key = `${o.system ? 'HKLM' : 'HKCU'}\\${WINDOWS_REGISTRY_KEYS[t.browser]}\\${NATIVE_HOST_NAME}`;
        if (!o.registry) throw new VidQueueError('INTERNAL', 'No registry access to register the native host');
        await o.registry.setDefault(key, path);
        report.registry.push({ key, value: path });
      }
    }
  }
  const closed = ids.length === 0 ? targets(o).filter((t) => t.family === 'chromium') : [];
  if (closed.length > 0) report.warnings.push(noExtensionAllowed(o, closed));
  if (!o.userDataDir && !o.system) report.sandboxed = detectSandboxed(o, launcher);
  return report;
}

/** The Chromium extensions a manifest allows: the store builds, the ids given, and the development build only when asked. */
function allowedExtensionIds(o: Pick<InstallOptions, 'extensionIds' | 'dev'>): string[] {
  return [...new Set([...(o.dev ? [DEV_EXTENSION_ID] : []), ...STORE_EXTENSION_IDS, ...(o.extensionIds ?? []).map(checkExtensionId)])];
}

/** Chromium browsers whose manifest allows nothing: written anyway (it replaces one that allowed too much), and said. */
function noExtensionAllowed(o: InstallOptions, closed: Target[]): { message: string; fix: string } {
  const names = closed.map((t) => (t.browser === 'profile' ? `the profile ${o.userDataDir}` : t.browser)).join(', ');
  const scope = [
    ...(o.browsers ? closed.map((t) => ` --browser ${t.browser}`) : []),
    ...(o.userDataDir ? [` --user-data-dir ${shellQuote(o.userDataDir)}`] : []),
    ...(o.system ? [' --system'] : []),
  ].join('');
  return {
    message: `The manifest for ${names} allows no extension yet, so the VidQueue extension cannot reach this program there. Load the extension (\`npm run build:release\`, then "Load unpacked" in chrome://extensions), copy its id, and run install again with it:`,
    fix: `npx vidqueue install --extension-id <id from chrome://extensions>${scope}`,
  };
}

/** Removes what `install` wrote: our manifests (only ours), registry keys, and the launcher. */
export async function uninstall(o: InstallOptions): Promise<InstallReport> {
  const report: InstallReport = { launcher: launcherPath(o), manifests: [], registry: [], sandboxed: [], failures: [], warnings: [] };
  const all = o.userDataDir || o.browsers ? targets(o) : targets({ ...o, browsers: [...BROWSERS] });
  for (const t of all) {
    for (const dir of t.dirs) {
      const path = join(dir, `${NATIVE_HOST_NAME}.json`);
      try {
        const manifest = JSON.parse(await fs.readFile(path, 'utf8')) as { name?: string };
        if (manifest.name !== NATIVE_HOST_NAME) continue;
        await fs.unlink(path);
        report.manifests.push({ browser: t.browser, path });
      } catch {
        // not there, or not ours
      }
      if (o.platform === 'win32' && t.browser !== 'profile' && o.registry) {
        const key = `${o.system ? 'HKLM' : 'HKCU'}\\${WINDOWS_REGISTRY_KEYS[t.browser]}\\${NATIVE_HOST_NAME}`;
        const outcome = await o.registry.deleteKey(key);
        if (outcome.status === 'deleted') report.registry.push({ key, value: '' });
        if (outcome.status === 'failed') report.failures.push({ key, message: outcome.message });
      }
    }
  }
  if (!o.userDataDir) await fs.rm(report.launcher, { force: true });
  return report;
}
