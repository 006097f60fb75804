import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { DEV_EXTENSION_ID, NATIVE_HOST_NAME } from '../../shared/identity';
import type { Job } from '../../shared/job';
import { COMMANDS } from '../src/cli/commands';
import { encodeFrame } from '../src/framing/encode';
import { resolvePaths } from '../src/paths';
import { openDatabase } from '../src/store/db';
import { NoticeStore } from '../src/store/notices';
import { FrameDecoder, decodeJson } from '../src/framing/decoder';
import { finished, waitForJob } from '../../devkit/env';
import { FIXTURES, FIXTURE_DIR } from '../../devkit/fixtures';
import { sha256 } from '../../devkit/probe';
import { MODES, applyMode, env, jobProcesses, server, servedSince, useServerAndEnv } from './helpers/suite';

useServerAndEnv();

describe('vidqueue CLI', () => {
  it('add --wait --json downloads and prints the finished job', async () => {
    const r = await env.cli(['add', server.url(FIXTURES.progressive), '--wait', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const { job } = JSON.parse(r.stdout) as { job: Job };
    expect(job).toMatchObject({ status: 'completed', preset: 'best', error: null });
    expect(sha256(job.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
    const ls = await env.cli(['ls', '--json']);
    expect(JSON.parse(ls.stdout)).toEqual({ jobs: [job] });
    const human = await env.cli(['ls']);
    expect(human.stdout).toMatch(new RegExp(`^\\s+${job.id} completed\\s+100%`));
  });

  it('add --wait prints the file path and shows progress on stderr', async () => {
    const r = await env.cli(['add', server.url(FIXTURES.hls), '--wait', '--preset', '720p']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(join(env.downloads, '127.0.0.1.mp4'));
    expect(r.stderr).toMatch(/\[1\] downloading/);
  });

  it('Ctrl+C during add --wait cancels the job in the daemon and cleans up', async () => {
    const child = env.cli(['add', server.url(FIXTURES.progressive, { rate: 800_000 }), '--wait']);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c));
    while (!/downloading\s+\d/.test(stderr)) await sleep(50);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(jobProcesses()).toEqual([]);
    expect(env.stagingFiles()).toEqual([]);
    expect(env.downloaded()).toEqual([]);
    const { jobs } = JSON.parse((await env.cli(['ls', '--json'])).stdout) as { jobs: Job[] };
    expect(jobs[0]!.status).toBe('cancelled');
  });

  it.each([
    [['add', 'file:///etc/passwd'], 3, 'INVALID_URL'],
    [['add', 'http:///etc/passwd'], 3, 'has no host'],
    [['add', 'https:example.com/v'], 3, 'has no host'],
    [['add', '--', '-o/tmp/evil'], 3, 'starts with "-"'],
    [['add', 'https://x.test/a b'], 3, 'whitespace'],
    [['add', `https://x.test/${'a'.repeat(9000)}`], 3, 'URL_TOO_LONG'],
    [['add'], 2, 'Missing URL'],
    [['add', 'https://x.test/', '--preset', '4k'], 2, 'Unknown preset `"4k"`'],
    [['add', 'https://x.test/', '--format', 'x'], 2, "'--format'"],
    [['cancel', 'abc'], 2, 'got `"abc"`'],
    [['cancel', '999'], 3, 'No job with id 999'],
    [['settings', 'colour'], 2, 'Unknown setting `"colour"`'],
    [['settings', 'concurrency', 'lots'], 2, 'got `"lots"`'],
    [['settings', 'concurrency', '0'], 3, 'INVALID_SETTING'],
    [['frobnicate'], 2, 'Unknown command `frobnicate`'],
    [['install', '--browser', 'netscape'], 2, 'Unknown browser `"netscape"`'],
    [['install', '--extension-id', 'abc'], 2, 'Expected `--extension-id` to be 32 letters a–p (the id chrome://extensions shows), got `"abc"`'],
    [['doctor', '--extension-id', 'abc'], 2, 'got `"abc"`'],
  ])('vidqueue %j exits %i and says %j', async (args, code, message) => {
    const r = await env.cli(args);
    expect(r.exitCode).toBe(code);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it("tells the daemon's notices once, on stderr, and keeps stdout pure JSON", async () => {
    const db = openDatabase(resolvePaths(env.env).database);
    new NoticeStore(db).add('DATABASE_RESET', 'The database was damaged; it was set aside as vidqueue.db.broken');
    db.close();
    const first = await env.cli(['ls', '--json']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stderr).toBe('vidqueue: notice: The database was damaged; it was set aside as vidqueue.db.broken');
    expect(JSON.parse(first.stdout)).toEqual({ jobs: [] });
    const second = await env.cli(['ls', '--json']);
    expect(second.stderr).toBe('');
  });

  it.each([...Object.keys(COMMANDS), 'list'])(
    'vidqueue %s --help (and -h, and help COMMAND) prints its usage and options, exits 0 and does nothing else',
    async (command) => {
      const home = join(env.home, 'user');
      mkdirSync(join(home, '.config/chromium'), { recursive: true });
      const opts = { env: { ...env.env, HOME: home } };
      const [flag, named, short] = await Promise.all([env.cli([command, '--help'], opts), env.cli(['help', command], opts), env.cli([command, '-h'], opts)]);
      const spec = COMMANDS[command === 'list' ? 'ls' : (command as keyof typeof COMMANDS)];
      for (const r of [flag, named, short]) {
        expect(r.exitCode, r.stderr).toBe(0);
        expect(r.stderr).toBe('');
        expect(r.stdout.split('\n')[0]).toBe(`Usage: vidqueue ${spec.usage}`);
        for (const [name, o] of Object.entries(spec.options)) if (!('hidden' in o)) expect(r.stdout).toContain(`--${name}`);
        expect(r.stdout).toBe(flag.stdout);
      }
      // Nothing started, nothing written.
      expect(env.processes()).toEqual([]);
      expect(existsSync(join(home, '.config/chromium/NativeMessagingHosts'))).toBe(false);
      expect(existsSync(join(env.home, 'data'))).toBe(false);
    },
  );

  it('`vidqueue help` lists every command; an unknown one is a usage error', async () => {
    const all = await env.cli(['help']);
    expect(all.exitCode).toBe(0);
    for (const spec of Object.values(COMMANDS)) expect(all.stdout).toContain(`vidqueue ${spec.usage}`);
    const unknown = await env.cli(['help', 'frobnicate']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('Unknown command `"frobnicate"`');
    // After `--`, `--help` is an argument: here a URL, refused as one.
    const literal = await env.cli(['add', '--', '--help']);
    expect(literal.exitCode).toBe(3);
    expect(literal.stderr).toContain('starts with "-"');
  });

  it('prints errors as JSON on stdout with --json', async () => {
    const r = await env.cli(['cancel', '42', '--json']);
    expect(r.exitCode).toBe(3);
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'NOT_FOUND', message: 'No job with id 42', field: 'jobId' } });
  });

  it('pause, resume, retry, top, rm and clear work from the command line', async () => {
    await env.cli(['settings', 'concurrency', '1']);
    const add = async (url: string) => (JSON.parse((await env.cli(['add', url, '--json'])).stdout) as { job: Job }).job;
    const a = await add(server.url(FIXTURES.progressive, { rate: 1_000_000 }));
    const b = await add(server.url(FIXTURES.hls));
    expect((await env.cli(['pause', String(b.id)])).stdout).toBe(`paused job ${b.id}: paused`);
    expect((await env.cli(['pause', String(b.id)])).exitCode).toBe(3);
    expect((await env.cli(['top', String(b.id)])).exitCode).toBe(0);
    expect((await env.cli(['cancel', String(a.id)])).stdout).toBe(`cancelled job ${a.id}: cancelled`);
    expect((await env.cli(['resume', String(b.id)])).exitCode).toBe(0);
    expect((await env.cli(['retry', String(a.id)])).stdout).toMatch(new RegExp(`retried job ${a.id}: (queued|downloading)`));
    const client = await env.client();
    await waitForJob(client, a.id, finished);
    const done = await waitForJob(client, b.id, finished);
    expect((await env.cli(['rm', String(b.id), '--delete-file'])).stdout).toBe(`removed job ${b.id} and its file`);
    expect(existsSync(done.filePath!)).toBe(false);
    expect((await env.cli(['clear'])).stdout).toBe('removed 1 finished job(s) from the history');
    expect((await env.cli(['ls'])).stdout).toBe('No jobs.');
  });

  it.each(MODES)('stop puts a running download back in the queue; the next start resumes it from the bytes it had, with $name', async (mode) => {
    await applyMode(mode);
    const added = JSON.parse((await env.cli(['add', server.url(FIXTURES.progressive, { rate: Math.round(1_000_000 / mode.speedup) }), '--json'])).stdout) as {
      job: Job;
    };
    const client = await env.client();
    const at = await waitForJob(client, added.job.id, (j) => (j.progress.percent ?? 0) > 30);
    const seenBefore = server.requests.length;
    const stop = await env.cli(['stop']);
    expect(stop.stdout).toBe('The daemon stopped.');
    expect(jobProcesses()).toEqual([]);
    expect(env.stagingFiles().some((f) => f.endsWith('.part'))).toBe(true);
    const again = await env.client('again');
    const done = await waitForJob(again, added.job.id, finished);
    expect(done.status).toBe('completed');
    expect(sha256(done.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
    // Only the rest was fetched again (aria2c saved its control file as the daemon stopped).
    expect(servedSince(seenBefore, FIXTURES.progressive)).toBeLessThan(statSync(done.filePath!).size - at.progress.downloadedBytes + 256 * 1024);
  });

  it('install registers every browser found in HOME, lists what it wrote, and uninstall removes it', async () => {
    const home = join(env.home, 'user');
    for (const dir of [
      '.config/google-chrome',
      '.config/chromium',
      '.config/BraveSoftware/Brave-Browser',
      '.config/microsoft-edge',
      '.config/vivaldi',
      '.mozilla',
    ]) {
      mkdirSync(join(home, dir), { recursive: true });
    }
    const r = await env.cli(['install', '--dev'], { env: { ...env.env, HOME: home } });
    expect(r.exitCode, r.stderr).toBe(0);
    for (const b of ['chrome', 'chromium', 'brave', 'edge', 'vivaldi', 'firefox']) expect(r.stdout).toMatch(new RegExp(`wrote ${b} manifest `));
    expect(r.stdout).toContain('npx vidqueue doctor');
    const again = await env.cli(['install', '--dev', '--json'], { env: { ...env.env, HOME: home } });
    const report = JSON.parse(again.stdout) as { launcher: string; manifests: { path: string }[] };
    expect(report.manifests).toHaveLength(6);
    const child = execa(report.launcher, [], {
      env: { PATH: '/usr/bin:/bin' },
      extendEnv: false,
      encoding: 'buffer',
      input: encodeFrame({ id: 'x', type: 'hello', params: { protocolVersion: 1 } }),
    });
    const [frame] = new FrameDecoder(1 << 20).push(Buffer.from((await child).stdout));
    expect(frame?.kind === 'frame' && decodeJson(frame.body)).toMatchObject({ ok: true, value: { id: 'x', ok: true } });
    const un = await env.cli(['uninstall'], { env: { ...env.env, HOME: home } });
    expect(un.stdout.match(/removed \w+ manifest/g)).toHaveLength(6);
    for (const m of report.manifests) expect(existsSync(m.path)).toBe(false);
  });

  it('install --browser all registers every browser, whether it has a profile yet or not; uninstall --browser all removes them', async () => {
    const home = join(env.home, 'user');
    mkdirSync(home, { recursive: true });
    const r = await env.cli(['install', '--dev', '--browser', 'all', '--json'], { env: { ...env.env, HOME: home } });
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { manifests: { browser: string; path: string }[] };
    expect(report.manifests.map((m) => m.browser)).toEqual(['chrome', 'chromium', 'brave', 'edge', 'vivaldi', 'firefox']);
    for (const m of report.manifests) expect(existsSync(m.path)).toBe(true);
    const un = await env.cli(['uninstall', '--browser', 'all'], { env: { ...env.env, HOME: home } });
    expect(un.stdout.match(/removed \w+ manifest/g)).toHaveLength(6);
    for (const m of report.manifests) expect(existsSync(m.path)).toBe(false);
  });

  it('a normal install never allows the public development id: it allows --extension-id, and without one says how to fix it and still registers Firefox', async () => {
    const home = join(env.home, 'user');
    for (const dir of ['.config/chromium', '.mozilla']) mkdirSync(join(home, dir), { recursive: true });
    const opts = { env: { ...env.env, HOME: home } };
    const chromium = join(home, `.config/chromium/NativeMessagingHosts/${NATIVE_HOST_NAME}.json`);
    const firefox = join(home, `.mozilla/native-messaging-hosts/${NATIVE_HOST_NAME}.json`);
    const origins = () => (JSON.parse(readFileSync(chromium, 'utf8')) as { allowed_origins: string[] }).allowed_origins;

    const bare = await env.cli(['install'], opts);
    expect(bare.exitCode, bare.stderr).toBe(0);
    expect(bare.stderr).toContain('vidqueue: warning: The manifest for chromium allows no extension yet');
    expect(bare.stderr).toContain('npx vidqueue install --extension-id <id from chrome://extensions>');
    expect(bare.stdout).toContain(`wrote firefox manifest ${firefox}`);
    expect(JSON.parse(readFileSync(firefox, 'utf8'))).toMatchObject({ allowed_extensions: ['vidqueue@vidqueue.dev'] });
    expect(origins()).toEqual([]);

    const mine = 'ponmlkjihgfedcbaponmlkjihgfedcba';
    const real = await env.cli(['install', '--extension-id', mine, '--json'], opts);
    expect(real.exitCode, real.stderr).toBe(0);
    expect(real.stderr).toBe('');
    expect(JSON.parse(real.stdout)).toMatchObject({ warnings: [] });
    expect(origins()).toEqual([`chrome-extension://${mine}/`]);
  });

  it('install writes a manifest and a launcher that a browser can start', async () => {
    const profile = join(env.home, 'chromium-profile');
    const r = await env.cli(['install', '--dev', '--user-data-dir', profile, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { launcher: string; manifests: { path: string }[] };
    const manifest = JSON.parse(readFileSync(join(profile, 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`), 'utf8'));
    expect(manifest).toMatchObject({
      name: NATIVE_HOST_NAME,
      type: 'stdio',
      path: report.launcher,
      allowed_origins: [`chrome-extension://${DEV_EXTENSION_ID}/`],
    });
    // Start the launcher the way Chromium does: bare environment, the origin as argument.
    const child = execa(report.launcher, [`chrome-extension://${DEV_EXTENSION_ID}/`], {
      env: { PATH: '/usr/bin:/bin' },
      extendEnv: false,
      encoding: 'buffer',
      input: encodeFrame({ id: 1, type: 'hello', params: { protocolVersion: 1 } }),
    });
    const out = await child;
    const [frame] = new FrameDecoder(1 << 20).push(Buffer.from(out.stdout));
    expect(frame?.kind === 'frame' && decodeJson(frame.body)).toMatchObject({ ok: true, value: { id: 1, ok: true, result: { protocolVersion: 1 } } });
    const un = await env.cli(['uninstall', '--user-data-dir', profile]);
    expect(un.stdout).toContain('removed profile manifest');
  });
});
