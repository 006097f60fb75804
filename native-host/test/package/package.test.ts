import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../../shared/doctor';
import type { Job } from '../../../shared/job';
import { NO_MIRROR, REPO } from '../../../devkit/env';
import { FIXTURES, FIXTURE_DIR } from '../../../devkit/fixtures';
import { type MediaServer, startMediaServer } from '../../../devkit/media-server';
import { sha256 } from '../../../devkit/probe';

let server: MediaServer;
const work = mkdtempSync(join(tmpdir(), 'vq-pack-'));
const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

beforeAll(async () => {
  server = await startMediaServer(FIXTURE_DIR);
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('installs from `npm pack` into an empty prefix with no build step, and works: --version, install, doctor, a download', async () => {
    // The host is built already (npm test builds first); packing must not rebuild it under running tests.
    await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: REPO });
    const tgz = join(work, `vidqueue-${version}.tgz`);
    const listing = (await execa('tar', ['-tzf', tgz])).stdout.split('\n');
    expect(listing).toContain('package/native-host/dist/vidqueue.js');
    expect(listing.some((f) => /\.test\.|\/src\/|extension\/|devkit\//.test(f))).toBe(false);

    const prefix = join(work, 'prefix');
    // better-sqlite3 compiles here (its prebuilt binaries live on GitHub, out of reach): allowed, not a build of ours.
    await execa('npm', ['install', '-g', '--prefix', prefix, tgz, '--prefer-offline', '--no-audit', '--no-fund'], {
      env: { ...process.env, npm_config_build_from_source: 'true' },
      timeout: 600_000,
    });
    const bin = join(prefix, 'bin', 'vidqueue');
    const home = join(work, 'home');
    const run = (args: string[]) =>
      execa(bin, args, { env: { ...process.env, VIDQUEUE_HOME: home, HOME: join(work, 'user'), VIDQUEUE_TOOLS_MIRROR: NO_MIRROR }, reject: false });

    expect((await run(['--version'])).stdout).toBe(version);
    const profile = join(work, 'profile');
    const installed = await run(['install', '--dev', '--user-data-dir', profile]);
    expect(installed.exitCode, installed.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(profile, 'NativeMessagingHosts', 'com.vidqueue.host.json'), 'utf8')) as { path: string };
    expect(readFileSync(manifest.path, 'utf8')).toContain(join(prefix, 'lib', 'node_modules', 'vidqueue'));
    const report = JSON.parse((await run(['doctor', '--json'])).stdout) as DoctorReport;
    expect(report.checks.find((c) => c.id === 'daemon')?.status).toBe('ok');
    const added = await run(['add', server.url(FIXTURES.progressive), '--wait', '--json']);
    expect(added.exitCode, added.stderr).toBe(0);
    const { job } = JSON.parse(added.stdout) as { job: Job };
    expect(sha256(job.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
    expect(existsSync(join(home, 'downloads'))).toBe(true);
    expect(readdirSync(join(home, 'downloads'))).toHaveLength(1);
    await run(['stop']);
  });

  it('npm run zip gives the store zips (no public key, the package version) and the sources zip; web-ext lint finds no error', async () => {
    await execa('npm', ['run', 'zip'], { cwd: REPO, timeout: 300_000 });
    const out = join(REPO, '.output');
    for (const browser of ['chrome', 'firefox']) {
      const zip = join(out, `vidqueue-${version}-${browser}.zip`);
      const manifest = JSON.parse((await execa('unzip', ['-p', zip, 'manifest.json'])).stdout) as { version: string; key?: string };
      expect(manifest.version).toBe(version);
      expect(manifest.key).toBeUndefined();
    }
    const sources = (await execa('unzip', ['-Z1', join(out, `vidqueue-${version}-sources.zip`)])).stdout.split('\n');
    expect(sources).toContain('extension/entrypoints/background.ts');
    expect(sources).toContain('shared/protocol.ts');
    expect(sources.some((f) => f.startsWith('native-host/') || f.includes('.test.'))).toBe(false);
    const lint = await execa('npx', ['web-ext', 'lint', '--source-dir', join(out, 'firefox-mv2-release'), '--output', 'json'], { cwd: REPO, reject: false });
    expect((JSON.parse(lint.stdout) as { errors: unknown[] }).errors).toEqual([]);
  });
});
