import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ToolsReport } from '../../shared/tools';
import { type TestEnv, createEnv, finished, waitForJob } from '../../devkit/env';
import { FIXTURES, FIXTURE_DIR } from '../../devkit/fixtures';
import { type MediaServer, startMediaServer } from '../../devkit/media-server';
import { type ReleaseMirror, cachedYtDlp, sha256sums, startReleaseMirror } from '../../devkit/release-mirror';
import { sha256 } from '../../devkit/probe';
import { ytdlpFeatures } from '../src/tools/features';

const ASSET = 'yt-dlp_linux';
let server: MediaServer;
let mirror: ReleaseMirror;
let env: TestEnv;
let good: Buffer;
let newer: Buffer;
let broken: Buffer;

beforeAll(async () => {
  server = await startMediaServer(FIXTURE_DIR);
  [good, newer, broken] = await Promise.all([
    cachedYtDlp(FIXTURE_DIR, { version: '2026.11.01', jsRuntimes: true }),
    cachedYtDlp(FIXTURE_DIR, { version: '2026.11.15', jsRuntimes: true }),
    cachedYtDlp(FIXTURE_DIR, { version: '2026.11.20', broken: true }),
  ]);
}, 120_000);
afterAll(() => server.close());
afterEach(async () => {
  await env?.close();
  await mirror?.close();
});

/** A private daemon whose releases mirror is ours; its daily check is off unless asked. */
async function setUp(o: { autoUpdate?: boolean } = {}) {
  mirror = await startReleaseMirror();
  env = await createEnv({ VIDQUEUE_TOOLS_MIRROR: mirror.base, VQ_YTDLP_ARGV_LOG: '' });
  env.env.VQ_YTDLP_ARGV_LOG = join(env.home, 'argv.log');
  if (!o.autoUpdate) {
    const r = await env.cli(['settings', 'toolsAutoUpdate', 'false']);
    expect(r.exitCode, r.stderr).toBe(0);
  }
}
const tools = async () => JSON.parse((await env.cli(['tools', '--json'])).stdout) as ToolsReport;
const ytdlp = (r: ToolsReport) => r.tools.find((t) => t.id === 'yt-dlp')!;
const managedHome = () => join(env.home, 'data', 'tools', 'yt-dlp');

describe('the managed yt-dlp', () => {
  it('is fetched, checked and switched in by `tools update`; new jobs use it, with the JavaScript runtime it knows to take', async () => {
    await setUp();
    expect(ytdlp(await tools())).toMatchObject({ source: 'system', version: '2023.03.04', fix: 'npx vidqueue tools update' });
    mirror.publish('yt-dlp/yt-dlp', { tag: '2026.11.01', assets: { [ASSET]: good } });
    const r = await env.cli(['tools', 'update']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('yt-dlp updated.');
    const report = await tools();
    expect(ytdlp(report)).toMatchObject({
      source: 'managed',
      version: '2026.11.01',
      channel: 'stable',
      path: join(managedHome(), '2026.11.01', 'yt-dlp'),
      lastError: null,
    });
    expect(report.tools.find((t) => t.id === 'js-runtime')).toMatchObject({ source: 'bundled', name: expect.stringContaining('deno'), fix: null });

    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive) });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(sha256(done.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
    expect(readFileSync(env.env.VQ_YTDLP_ARGV_LOG!, 'utf8')).toMatch(/--js-runtimes deno:\S*node_modules\/deno\/deno /);

    // Again: up to date, nothing downloaded.
    const before = mirror.requests.length;
    expect((await env.cli(['tools', 'update'])).stdout).toContain('yt-dlp is up to date.');
    expect(mirror.requests.slice(before).every((p) => p.endsWith('/releases/latest'))).toBe(true);
  });

  it('keeps the version before for one rollback and deletes older ones', async () => {
    await setUp();
    mirror.publish('yt-dlp/yt-dlp', { tag: '2026.11.01', assets: { [ASSET]: good } });
    expect((await env.cli(['tools', 'update'])).exitCode).toBe(0);
    mirror.publish('yt-dlp/yt-dlp', { tag: '2026.11.15', assets: { [ASSET]: newer } });
    expect((await env.cli(['tools', 'update'])).exitCode).toBe(0);
    expect(ytdlp(await tools()).version).toBe('2026.11.15');
    expect(
      readdirSync(managedHome())
        .filter((f) => /^\d/.test(f))
        .sort(),
    ).toEqual(['2026.11.01', '2026.11.15']);
  });

  it.each([
    [
      'a checksum that does not match',
      (tag: string) => ({ tag, assets: { [ASSET]: newer }, sums: `${'0'.repeat(64)}  ${ASSET}\n` }),
      'does not match its checksum',
    ],
    ['a release whose asset is missing (404)', (tag: string) => ({ tag, assets: {}, sums: sha256sums({ [ASSET]: newer }) }), 'answered 404'],
    ['a release whose sums do not list the asset', (tag: string) => ({ tag, assets: { [ASSET]: newer }, sums: '' }), 'lists no checksum'],
    ['a binary that does not run', (tag: string) => ({ tag, assets: { [ASSET]: broken } }), 'does not run here'],
  ])('refuses %s, keeps the copy in use, and says why', async (_what, release, why) => {
    await setUp();
    mirror.publish('yt-dlp/yt-dlp', { tag: '2026.11.01', assets: { [ASSET]: good } });
    expect((await env.cli(['tools', 'update'])).exitCode).toBe(0);
    mirror.publish('yt-dlp/yt-dlp', release('2026.11.20'));
    const r = await env.cli(['tools', 'update', '--json']);
    expect(r.exitCode).toBe(3);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'TOOLS_UPDATE_FAILED', message: expect.stringContaining(why) });
    expect(JSON.parse(r.stdout).error.message).toContain('the yt-dlp in use was kept');
    const after = ytdlp(await tools());
    expect(after).toMatchObject({ source: 'managed', version: '2026.11.01', lastError: expect.stringContaining(why) });
    expect(existsSync(join(managedHome(), '2026.11.20'))).toBe(false);
  });

  it('says why when the releases cannot be reached at all', async () => {
    await setUp();
    const r = await env.cli(['tools', 'update'], { env: { ...env.env, VIDQUEUE_TOOLS_MIRROR: 'http://127.0.0.1:9' } });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('TOOLS_UPDATE_FAILED');
  });

  it('follows the nightly channel when asked, and goes back to the system copy with use-system', async () => {
    await setUp();
    mirror.publish('yt-dlp/yt-dlp-nightly-builds', { tag: '2026.11.15.232708', assets: { [ASSET]: newer } });
    expect((await env.cli(['tools', 'update', '--channel', 'nightly'])).exitCode).toBe(0);
    expect(ytdlp(await tools())).toMatchObject({ source: 'managed', channel: 'nightly', version: '2026.11.15.232708' });
    const r = await env.cli(['tools', 'use-system', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ managed: false });
    expect(ytdlp(await tools())).toMatchObject({ source: 'system', version: '2023.03.04' });
    expect((await env.cli(['tools', 'update', '--channel', 'weekly'])).exitCode).toBe(2);
  });

  it('is looked for once a day in the background: a fresh daemon fetches it, a restart within a day does not ask again', async () => {
    await setUp({ autoUpdate: true });
    mirror.publish('yt-dlp/yt-dlp', { tag: '2026.11.01', assets: { [ASSET]: good } });
    await env.cli(['stop']);
    await env.client();
    await expect.poll(async () => ytdlp(await tools()).source, { timeout: 30_000 }).toBe('managed');
    await env.cli(['stop']);
    const before = mirror.requests.length;
    await env.client();
    await expect.poll(async () => ytdlp(await tools()).lastCheck).not.toBeNull();
    expect(mirror.requests.length).toBe(before);
  });
});

describe('on a machine with no yt-dlp', () => {
  it('the first download fetches a current one, then runs with it', async () => {
    mirror = await startReleaseMirror();
    mirror.publish('yt-dlp/yt-dlp', { tag: '2026.11.01', assets: { [ASSET]: good } });
    // No yt-dlp on PATH (ffmpeg and python stay reachable by their full paths).
    env = await createEnv({ VIDQUEUE_TOOLS_MIRROR: mirror.base, PATH: '/nonexistent', VIDQUEUE_FFMPEG: '/usr/bin/ffmpeg' });
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive) });
    const done = await waitForJob(client, job.id, finished, 90_000);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(ytdlp(await tools())).toMatchObject({ source: 'managed', version: '2026.11.01' });
    // A probe (the popup's qualities) runs the same copy as the downloads.
    const probe = await client.request('probe', { url: server.url(FIXTURES.hlsMaster) });
    expect(probe.formats.length).toBeGreaterThan(1);
  });
});

describe('options a newer yt-dlp has', () => {
  it("are found in its --help, never assumed: Debian's 2023 yt-dlp does not get --js-runtimes", async () => {
    expect((await ytdlpFeatures('/usr/bin/yt-dlp')).jsRuntimes).toBe(false);
    mirror = await startReleaseMirror();
    env = await createEnv();
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive) });
    expect((await waitForJob(client, job.id, finished)).status).toBe('completed');
  });
});
