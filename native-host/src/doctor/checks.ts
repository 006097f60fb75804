import { execFile } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { DEV_EXTENSION_ID, FIREFOX_ADDON_ID, NATIVE_HOST_NAME, STORE_EXTENSION_IDS } from '../../../shared/identity';
import type { DoctorCheck, DoctorReport } from '../../../shared/doctor';
import { formatBytes } from '../../../shared/format';
import { findTool } from '../downloader/tools';
import { versionAgeDays } from '../tools/release';
import { findYtDlp } from '../tools/resolve';
import { BROWSERS, browserLayout } from '../install/browsers';

const run = promisify(execFile);

export interface DoctorContext {
  env: Record<string, string | undefined>;
  home: string;
  platform: NodeJS.Platform;
  nodeVersion: string;
  now: Date;
  /** The download folder: from the daemon's settings when it answers, else the default. */
  downloadDir: string;
  /** VidQueue's data folder: its managed yt-dlp lives there. */
  dataDir: string;
  /** Is the daemon reachable? Returns its version, or throws why not. */
  pingDaemon: () => Promise<string | null>;
  /** Extension ids the user said they use (`--extension-id`): each must be allowed. */
  extensionIds: string[];
  /** `--dev`: the development build is in use, so its id must be allowed, and allowing it is expected. */
  dev?: boolean;
  /** The daemon's own start-up checks (its folders, their disk, its database): `startupChecks`. */
  startup: DoctorCheck[];
}

const MIN_NODE = [20, 19];
const YTDLP_MAX_AGE_DAYS = 90;
const LOW_SPACE = 1024 ** 3;
/** The runner does not start a download with less than this free. */
const NO_SPACE = 1024 ** 2;

export function checkNode(version: string): DoctorCheck {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const ok = major > MIN_NODE[0]! || (major === MIN_NODE[0] && minor >= MIN_NODE[1]!);
  return ok
    ? { id: 'node', title: 'Node.js', status: 'ok', detail: `Node ${version}` }
    : {
        id: 'node',
        title: 'Node.js',
        status: 'fail',
        detail: `Node ${version} is too old: VidQueue needs 20.19 or newer`,
        fix: 'Install Node 20.19 or newer (https://nodejs.org or your package manager), then run `npx vidqueue install` again',
      };
}

async function checkYtDlp(c: Pick<DoctorContext, 'env' | 'platform' | 'now' | 'dataDir'>): Promise<DoctorCheck> {
  const tool = findYtDlp(c.dataDir, c.env, c.platform);
  if (!tool.ok)
    return {
      id: 'yt-dlp',
      title: 'yt-dlp',
      status: 'fail',
      detail: tool.error.message,
      fix: 'npx vidqueue tools update   (fetches a current yt-dlp for VidQueue)',
    };
  let version: string;
  try {
    version = (await run(tool.path, ['--version'], { timeout: 15_000 })).stdout.trim();
  } catch (err) {
    return {
      id: 'yt-dlp',
      title: 'yt-dlp',
      status: 'fail',
      detail: `${tool.path} does not run: ${(err as Error).message.split('\n')[0]}`,
      fix: 'npx vidqueue tools update   (fetches a current yt-dlp for VidQueue)',
    };
  }
  const age = versionAgeDays(version, c.now);
  const which = tool.source === 'managed' ? `VidQueue's own copy, ${tool.path}` : tool.path;
  if (age !== null && age > YTDLP_MAX_AGE_DAYS) {
    return {
      id: 'yt-dlp',
      title: 'yt-dlp',
      status: 'warn',
      detail: `yt-dlp ${version} (${which}) is ${age} days old: sites change, and an old yt-dlp fails on them`,
      fix: tool.source === 'override' ? updateHint(c.platform) : 'npx vidqueue tools update   (VidQueue then keeps its own copy current)',
    };
  }
  return { id: 'yt-dlp', title: 'yt-dlp', status: 'ok', detail: `yt-dlp ${version} (${which})` };
}

async function checkFfmpeg(c: Pick<DoctorContext, 'env' | 'platform'>): Promise<DoctorCheck> {
  const tool = findTool('ffmpeg', c.env, c.platform);
  if (!tool.ok)
    return {
      id: 'ffmpeg',
      title: 'ffmpeg',
      status: 'fail',
      detail: `${tool.error.message.split('. ')[0]}: audio-only downloads and merging video with audio need it`,
      fix: installHint('ffmpeg', c.platform),
    };
  try {
    const out = (await run(tool.path, ['-version'], { timeout: 15_000 })).stdout;
    return { id: 'ffmpeg', title: 'ffmpeg', status: 'ok', detail: `${out.split('\n')[0]?.split(' Copyright')[0] ?? 'ffmpeg'} (${tool.path})` };
  } catch (err) {
    return {
      id: 'ffmpeg',
      title: 'ffmpeg',
      status: 'fail',
      detail: `${tool.path} does not run: ${(err as Error).message.split('\n')[0]}`,
      fix: installHint('ffmpeg', c.platform),
    };
  }
}

async function checkDownloadDir(dir: string): Promise<DoctorCheck> {
  const title = 'Download folder';
  // A folder not made yet is fine if it can be: test the nearest one that exists.
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const note = existing === dir ? '' : ` (to be created in ${existing})`;
  try {
    const probe = join(existing, `.vidqueue-doctor-${process.pid}`);
    await fs.writeFile(probe, '');
    await fs.unlink(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return {
      id: 'download-dir',
      title,
      status: 'fail',
      detail: `${dir}${note} is not writable (${code})`,
      fix: `Make it writable (\`chmod u+w '${existing}'\`), or choose another: \`npx vidqueue settings downloadDir /path/to/folder\``,
    };
  }
  try {
    const st = await fs.statfs(existing);
    const free = st.bavail * st.bsize;
    const fix = 'Free some space, or choose another folder: `npx vidqueue settings downloadDir /path/to/folder`';
    if (free < NO_SPACE)
      return { id: 'download-dir', title, status: 'fail', detail: `${dir}${note}: only ${formatBytes(free)} free; downloads cannot start`, fix };
    if (free < LOW_SPACE) return { id: 'download-dir', title, status: 'warn', detail: `${dir}${note}: only ${formatBytes(free)} free`, fix };
    return { id: 'download-dir', title, status: 'ok', detail: `${dir}${note}, ${formatBytes(free)} free` };
  } catch {
    return { id: 'download-dir', title, status: 'ok', detail: `${dir}${note}` };
  }
}

interface Manifest {
  name?: string;
  path?: string;
  allowed_origins?: string[];
  allowed_extensions?: string[];
}

/** For each browser this user has: a manifest, pointing at a working launcher, allowing our extension and no public key's. */
export function checkManifests(c: Pick<DoctorContext, 'home' | 'platform' | 'extensionIds' | 'dev'>): DoctorCheck[] {
  if (c.platform !== 'linux' && c.platform !== 'darwin') return [];
  const checks: DoctorCheck[] = [];
  const wanted = [...(c.dev ? [DEV_EXTENSION_ID] : []), ...c.extensionIds];
  for (const browser of BROWSERS) {
    const layout = browserLayout(browser, c.home, c.platform);
    if (!existsSync(layout.configDir)) continue;
    const id = `manifest-${browser}`;
    const title = `${browser} registration`;
    const file = join(layout.manifestDir, `${NATIVE_HOST_NAME}.json`);
    const firefox = layout.family === 'firefox';
    const fix = firefox ? `npx vidqueue install --browser ${browser}` : installFix(browser, c.extensionIds, c.dev === true);
    let manifest: Manifest;
    try {
      manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      checks.push({
        id,
        title,
        status: 'fail',
        detail: missing ? `No manifest at ${file}: ${browser} cannot start VidQueue` : `${file} is not valid JSON`,
        fix,
      });
      continue;
    }
    const launcher = manifest.path ?? '';
    const problem = launcherProblem(launcher);
    if (problem) {
      checks.push({ id, title, status: 'fail', detail: `${file} points at a stale launcher: ${problem}`, fix });
      continue;
    }
    if (firefox) {
      if ((manifest.allowed_extensions ?? []).includes(FIREFOX_ADDON_ID)) checks.push({ id, title, status: 'ok', detail: `${file} → ${launcher}` });
      else checks.push({ id, title, status: 'fail', detail: `${file} does not allow the VidQueue add-on (${FIREFOX_ADDON_ID})`, fix });
      continue;
    }
    const allowed = (manifest.allowed_origins ?? []).map((o) => o.replace(/^chrome-extension:\/\/([^/]*)\/?$/, '$1'));
    const missing = wanted.filter((x) => !allowed.includes(x));
    if (missing.length > 0) {
      checks.push({ id, title, status: 'fail', detail: `${file} does not allow the VidQueue extension ${missing.join(', ')}`, fix });
    } else if (allowed.length === 0) {
      checks.push({ id, title, status: 'fail', detail: `${file} allows no extension: ${browser} lets no extension start VidQueue`, fix });
    } else if (allowed.includes(DEV_EXTENSION_ID) && !c.dev) {
      checks.push({
        id,
        title,
        status: 'warn',
        detail: `${file} allows the development build (${DEV_EXTENSION_ID}), whose key is public: any extension built with that key could drive VidQueue. Run \`npx vidqueue doctor --dev\` if this is a development machine`,
        fix: installFix(browser, [...new Set([...c.extensionIds, ...allowed.filter((x) => x !== DEV_EXTENSION_ID && /^[a-p]{32}$/.test(x))])], false),
      });
    } else {
      checks.push({ id, title, status: 'ok', detail: `${file} → ${launcher}` });
    }
  }
  return checks;
}

/** The install line that registers `browser` for these extensions; a placeholder when none is known. */
function installFix(browser: string, ids: string[], dev: boolean): string {
  const flags = `${dev ? ' --dev' : ''}${ids.map((x) => ` --extension-id ${x}`).join('')}`;
  return `npx vidqueue install --browser ${browser}${flags || (STORE_EXTENSION_IDS.length > 0 ? '' : ' --extension-id <id from chrome://extensions>')}`;
}

/** A launcher is stale when it, or the node or the VidQueue it names, is gone. */
export function launcherProblem(launcher: string): string | null {
  if (!launcher) return 'it names no launcher';
  let script: string;
  try {
    script = readFileSync(launcher, 'utf8');
  } catch {
    return `${launcher} does not exist`;
  }
  const exec = script.match(/^exec '((?:[^']|'\\'')*)' '((?:[^']|'\\'')*)' host/m);
  if (!exec) return `${launcher} is not a VidQueue launcher`;
  const [node, cli] = [exec[1]!, exec[2]!].map((s) => s.replace(/'\\''/g, "'"));
  if (!existsSync(node!)) return `${launcher} runs ${node}, which no longer exists (was node upgraded or moved, by nvm say?)`;
  if (!existsSync(cli!)) return `${launcher} runs ${cli}, which no longer exists (was VidQueue moved?)`;
  return null;
}

async function checkDaemon(ping: DoctorContext['pingDaemon'], startup: DoctorCheck[] = []): Promise<DoctorCheck> {
  const blocker = startup.find((c) => c.status === 'fail');
  const cannotStart: DoctorCheck | null = blocker
    ? {
        id: 'daemon',
        title: 'Daemon',
        status: 'fail',
        detail: `Not running, and it cannot start: ${blocker.detail}`,
        fix: blocker.fix ?? 'See the checks above',
      }
    : null;
  try {
    const version = await ping();
    if (version !== null) return { id: 'daemon', title: 'Daemon', status: 'ok', detail: `Running, VidQueue ${version}` };
    return cannotStart ?? { id: 'daemon', title: 'Daemon', status: 'ok', detail: 'Not running; it starts when a browser or the CLI needs it' };
  } catch (err) {
    return (
      cannotStart ?? {
        id: 'daemon',
        title: 'Daemon',
        status: 'fail',
        detail: `The daemon does not answer: ${(err as Error).message}`,
        fix: 'Run `npx vidqueue daemon --foreground` to see why it stops',
      }
    );
  }
}

export async function runDoctor(c: DoctorContext): Promise<DoctorReport> {
  const checks = [
    checkNode(c.nodeVersion),
    await checkYtDlp(c),
    await checkFfmpeg(c),
    await checkDownloadDir(c.downloadDir),
    ...checkManifests(c),
    ...c.startup,
    await checkDaemon(c.pingDaemon, c.startup),
  ];
  return { ok: checks.every((x) => x.status !== 'fail'), checks };
}

function installHint(tool: 'yt-dlp' | 'ffmpeg', platform: NodeJS.Platform): string {
  if (platform === 'darwin') return `brew install ${tool}`;
  if (platform === 'win32') return `winget install ${tool === 'yt-dlp' ? 'yt-dlp.yt-dlp' : 'Gyan.FFmpeg'}`;
  return `sudo apt install ${tool}   (or your distribution's package manager${tool === 'yt-dlp' ? '; or `pipx install yt-dlp`' : ''})`;
}

function updateHint(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'brew upgrade yt-dlp';
  return '`yt-dlp -U` if you installed the release binary, `pipx upgrade yt-dlp` for pipx, or your package manager (distribution packages lag: pipx keeps it current)';
}
