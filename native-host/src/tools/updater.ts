import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { VidQueueError } from '../../../shared/errors';
import { binaryName, type ManagedState, managedBinary, readState, writeState, ytdlpHome } from './managed';
import { type Channel, checksumFor, releaseUrls, tagFromUrl, ytdlpAsset } from './release';

const run = promisify(execFile);

/** Far above a real standalone yt-dlp (about 35 MB): a server cannot fill the disk. */
const MAX_ASSET_BYTES = 256 * 1024 * 1024;
const MAX_SUMS_BYTES = 1024 * 1024;

export interface UpdateOptions {
  dataDir: string;
  /** `https://github.com`, or a mirror with the same paths (VIDQUEUE_TOOLS_MIRROR). */
  base: string;
  channel: Channel;
  platform?: NodeJS.Platform;
  arch?: string;
  /** Versions a running download uses: never deleted from under it. */
  inUse?: ReadonlySet<string>;
  now?: () => number;
  timeoutMs?: number;
}

export interface UpdateResult {
  version: string;
  /** False when the newest release was already in use. */
  updated: boolean;
  previous: string | null;
}

const failed = (message: string) => new VidQueueError('TOOLS_UPDATE_FAILED', `${message}; the yt-dlp in use was kept`);

/**
 * Fetches the newest yt-dlp of a channel, checks it against its release's SHA2-256SUMS,
 * runs it once (`--version`), and only then switches to it (one atomic write of the state).
 * Whatever fails (network, 404, checksum, not runnable) leaves the current copy in use and
 * says why. The version before is kept for one rollback; older ones are deleted unless a
 * running download uses them.
 */
export async function updateYtDlp(o: UpdateOptions): Promise<UpdateResult> {
  const platform = o.platform ?? process.platform;
  const now = o.now ?? Date.now;
  const state = readState(o.dataDir);
  const record = (patch: Partial<ManagedState>) => writeState(o.dataDir, { ...readState(o.dataDir), ...patch });
  try {
    const result = await fetchAndSwitch(o, platform, state);
    record({ lastCheck: now(), lastError: null, channel: o.channel, mode: 'managed' });
    return result;
  } catch (err) {
    const error = err instanceof VidQueueError ? err : failed(`Updating yt-dlp failed: ${(err as Error).message}`);
    record({ lastCheck: now(), lastError: error.message });
    throw error;
  }
}

async function fetchAndSwitch(o: UpdateOptions, platform: NodeJS.Platform, state: ManagedState): Promise<UpdateResult> {
  const asset = ytdlpAsset(platform, o.arch ?? process.arch);
  if (!asset) throw failed(`yt-dlp publishes no standalone build for ${platform}/${o.arch ?? process.arch}; install it with your package manager or pipx`);
  const urls = releaseUrls(o.base, o.channel);
  const signal = AbortSignal.timeout(o.timeoutMs ?? 120_000);
  const tag = await latestTag(urls.latest, signal);
  if (tag === state.current && state.channel === o.channel && (await exists(managedBinary(o.dataDir, tag, platform)))) {
    return { version: tag, updated: false, previous: state.previous };
  }
  const home = ytdlpHome(o.dataDir);
  await fs.mkdir(home, { recursive: true, mode: 0o700 });
  const work = join(home, `.download-${randomBytes(6).toString('hex')}`);
  await fs.mkdir(work, { mode: 0o700 });
  try {
    const sums = (await download(urls.asset(tag, 'SHA2-256SUMS'), MAX_SUMS_BYTES, signal)).toString('utf8');
    const expected = checksumFor(sums, asset);
    if (!expected) throw failed(`The release ${tag} lists no checksum for ${asset} in its SHA2-256SUMS`);
    const body = await download(urls.asset(tag, asset), MAX_ASSET_BYTES, signal);
    const actual = createHash('sha256').update(body).digest('hex');
    if (actual !== expected) throw failed(`${asset} of release ${tag} does not match its checksum (expected ${expected}, got ${actual})`);
    const binary = join(work, binaryName(platform));
    await fs.writeFile(binary, body, { mode: 0o755 });
    await smokeRun(binary, tag);
    const target = join(home, tag);
    await fs.rm(target, { recursive: true, force: true });
    await fs.rename(work, target);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
  const previous = state.current && state.current !== tag ? state.current : state.previous;
  writeState(o.dataDir, { ...readState(o.dataDir), mode: 'managed', channel: o.channel, current: tag, previous });
  await prune(home, new Set([tag, ...(previous ? [previous] : []), ...(o.inUse ?? [])]));
  return { version: tag, updated: true, previous };
}

/** `…/releases/latest` answers with a redirect to `…/releases/tag/<tag>`. */
async function latestTag(url: string, signal: AbortSignal): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'manual', signal });
  } catch (err) {
    throw failed(
      `Cannot reach ${new URL(url).origin} (${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message})`,
    );
  }
  await res.body?.cancel();
  const location = res.headers.get('location');
  if (res.status < 300 || res.status >= 400 || !location) throw failed(`${url} answered ${res.status}, not a redirect to the newest release`);
  const tag = tagFromUrl(new URL(location, url).href);
  if (!tag) throw failed(`${url} redirects to ${location}, which names no release`);
  return tag;
}

async function download(url: string, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (err) {
    throw failed(`Cannot download ${url} (${(err as Error).message})`);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw failed(`${url} answered ${res.status}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > maxBytes) throw failed(`${url} is larger than ${maxBytes} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** The new binary must run and say its version before anything uses it. */
async function smokeRun(binary: string, tag: string): Promise<void> {
  try {
    const { stdout } = await run(binary, ['--version'], { timeout: 60_000, windowsHide: true });
    if (!/^\d{4}\.\d{2}\.\d{2}/.test(stdout.trim())) throw new Error(`it printed ${JSON.stringify(stdout.trim().slice(0, 80))} for its version`);
  } catch (err) {
    throw failed(`The yt-dlp of release ${tag} does not run here: ${(err as Error).message.split('\n')[0]}`);
  }
}

async function prune(home: string, keep: ReadonlySet<string>): Promise<void> {
  for (const entry of await fs.readdir(home, { withFileTypes: true })) {
    if (entry.isDirectory() && !entry.name.startsWith('.') && !keep.has(entry.name)) await fs.rm(join(home, entry.name), { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return fs.access(path).then(
    () => true,
    () => false,
  );
}
