import type { ToolStatus, ToolsReport } from '../../../shared/tools';
import { findTool, installHint } from '../downloader/tools';
import type { Logger } from '../log';
import { toolVersionLine, ytdlpFeatures } from './features';
import { findJsRuntime } from './js-runtime';
import { readState, writeState } from './managed';
import { type Channel, DEFAULT_RELEASES_BASE, versionAgeDays } from './release';
import { findYtDlp } from './resolve';
import { updateYtDlp } from './updater';

type Env = Record<string, string | undefined>;

const DAY = 86_400_000;

export interface ToolsServiceOptions {
  dataDir: string;
  env: Env;
  log: Logger;
  autoUpdate: () => boolean;
  /** Managed yt-dlp versions that running downloads use. */
  inUse: () => ReadonlySet<string>;
  now?: () => number;
}

/**
 * The daemon's side of `vidqueue tools`: what is used, updates on demand and once a day.
 * Only the daemon writes under the data folder: the CLI and the extension ask it.
 */
export function createToolsService(o: ToolsServiceOptions) {
  const now = o.now ?? Date.now;
  const base = () => o.env.VIDQUEUE_TOOLS_MIRROR || DEFAULT_RELEASES_BASE;
  let updating: Promise<{ updated: boolean }> | null = null;

  const update = (channel?: Channel): Promise<{ updated: boolean }> =>
    (updating ??= updateYtDlp({ dataDir: o.dataDir, base: base(), channel: channel ?? readState(o.dataDir).channel, inUse: o.inUse(), now })
      .then((r) => {
        if (r.updated) o.log.info(`yt-dlp ${r.version} is now in use (was ${r.previous ?? 'the system one'})`);
        return { updated: r.updated };
      })
      .finally(() => {
        updating = null;
      }));

  const status = async (): Promise<ToolsReport> => {
    const state = readState(o.dataDir);
    const ytdlp = findYtDlp(o.dataDir, o.env);
    const features = ytdlp.ok ? await ytdlpFeatures(ytdlp.path) : null;
    const version = ytdlp.ok ? (ytdlp.managedVersion ?? features?.version ?? null) : null;
    const age = version ? versionAgeDays(version, new Date(now())) : null;
    const tools: ToolStatus[] = [
      {
        id: 'yt-dlp',
        name: 'yt-dlp',
        source: ytdlp.ok ? (ytdlp.source ?? 'system') : 'missing',
        path: ytdlp.ok ? ytdlp.path : null,
        version,
        ageDays: age,
        fix: !ytdlp.ok || (age !== null && age > 60) ? 'npx vidqueue tools update' : null,
        channel: state.channel,
        lastCheck: state.lastCheck,
        lastError: state.lastError,
      },
      await jsRuntimeStatus(features?.jsRuntimes ?? false),
      await systemToolStatus('ffmpeg', o.env, ['-version']),
      await systemToolStatus('aria2c', o.env, ['--version']),
    ];
    return { tools, managed: state.mode === 'managed', autoUpdate: o.autoUpdate() };
  };

  /** At most once a day, in the background: never delays a request or a download. */
  const checkNow = () => {
    const state = readState(o.dataDir);
    if (!o.autoUpdate() || state.mode !== 'managed' || (state.lastCheck !== null && now() - state.lastCheck < DAY) || updating !== null) return;
    update().catch((err) => o.log.warn('the daily yt-dlp update check failed', err));
  };
  let timer: ReturnType<typeof setInterval> | null = null;

  return {
    status,
    async update(channel?: Channel): Promise<ToolsReport & { updated: boolean }> {
      const { updated } = await update(channel);
      return { ...(await status()), updated };
    },
    async useSystem(): Promise<ToolsReport> {
      writeState(o.dataDir, { ...readState(o.dataDir), mode: 'system' });
      return status();
    },
    /** Starts the daily check (now, if it is due, then hourly). */
    start(): void {
      checkNow();
      timer = setInterval(checkNow, 3_600_000);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
    },
  };
}

async function jsRuntimeStatus(usedByYtDlp: boolean): Promise<ToolStatus> {
  const rt = findJsRuntime();
  const version = await toolVersionLine(rt.path, ['--version']);
  return {
    id: 'js-runtime',
    name: rt.kind === 'deno' ? 'deno (JavaScript runtime for yt-dlp)' : 'Node (JavaScript runtime for yt-dlp)',
    source: rt.kind === 'deno' ? 'bundled' : 'system',
    path: rt.path,
    version,
    ageDays: null,
    fix: usedByYtDlp ? null : 'yt-dlp before 2025.11.12 cannot use a JavaScript runtime (some sites need one): `npx vidqueue tools update`',
  };
}

async function systemToolStatus(id: 'ffmpeg' | 'aria2c', env: Env, versionArgs: string[]): Promise<ToolStatus> {
  const tool = findTool(id, env);
  if (!tool.ok) return { id, name: id, source: 'missing', path: null, version: null, ageDays: null, fix: installHint(id) };
  const version = (await toolVersionLine(tool.path, versionArgs))?.replace(/ Copyright.*$/, '').trim() || null;
  return { id, name: id, source: env[`VIDQUEUE_${id.toUpperCase()}`] ? 'override' : 'system', path: tool.path, version, ageDays: null, fix: null };
}

export type ToolsService = ReturnType<typeof createToolsService>;
