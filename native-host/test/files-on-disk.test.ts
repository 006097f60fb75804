import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { resolvePaths } from '../src/paths';
import { createEnv, finished, listFiles, waitForJob } from '../../devkit/env';
import { FIXTURES, FIXTURE_DIR } from '../../devkit/fixtures';
import { probe, sha256 } from '../../devkit/probe';
import { MODES, env, jobProcesses, server, useMode, useServerAndEnv } from './helpers/suite';

useServerAndEnv();

const clip = sha256(join(FIXTURE_DIR, FIXTURES.progressive));
const staging = () => join(env.downloads, '.vidqueue-staging');

/** A folder outside the download folder, with a file in it, that nothing may touch. */
function outside(): { dir: string; file: string; unchanged(): boolean } {
  const dir = join(env.home, 'outside');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'precious.txt');
  writeFileSync(file, 'SECRET');
  return { dir, file, unchanged: () => readdirSync(dir).join() === 'precious.txt' && readFileSync(file, 'utf8') === 'SECRET' };
}

/** Every regular file and symlink in the download folder, the staging folder left aside. */
const downloadedEntries = () =>
  readdirSync(env.downloads)
    .filter((f) => f !== '.vidqueue-staging')
    .map((f) => ({ f, link: lstatSync(join(env.downloads, f)).isSymbolicLink() }));

describe.each(MODES)('staging folders are trusted only because the daemon made them, with $name', (mode) => {
  useMode(mode);
  /** The clip throttled per connection: as slow overall with aria2c's connections as with one. */
  const slow = (rate: number) => server.url(FIXTURES.progressive, { rate: Math.round(rate / mode.speedup) });

  it.each([
    ['the staging root is a symlink', () => symlinkSync(outside().dir, staging())],
    [
      "the job's folder is a symlink",
      () => {
        mkdirSync(staging(), { recursive: true });
        symlinkSync(outside().dir, join(staging(), 'job-1'));
      },
    ],
    [
      "the job's part/ folder is a symlink",
      () => {
        mkdirSync(join(staging(), 'job-1'), { recursive: true });
        symlinkSync(outside().dir, join(staging(), 'job-1', 'part'));
      },
    ],
  ])('%s, planted while the daemon runs, before the job: nothing is written outside, and the download completes', async (_what, plant) => {
    // Planted after the daemon's start-up recovery has run (it clears what it finds at start).
    const client = await env.client();
    mkdirSync(env.downloads, { recursive: true });
    plant();
    const o = outside();
    const { job } = await client.request('jobs.add', { url: slow(1_500_000) });
    expect(job.id).toBe(1);
    // While it downloads: nothing outside, and the folder it writes in is a real one.
    await waitForJob(client, job.id, (j) => (j.progress.percent ?? 0) > 10);
    expect(o.unchanged()).toBe(true);
    expect(
      lstatSync(staging()).isDirectory() && lstatSync(join(staging(), 'job-1')).isDirectory() && lstatSync(join(staging(), 'job-1', 'part')).isDirectory(),
    ).toBe(true);
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(sha256(done.filePath!)).toBe(clip);
    expect(o.unchanged()).toBe(true);
    expect(downloadedEntries()).toEqual([{ f: 'progressive.mp4', link: false }]);
  });

  it('keeps its folders private while a download runs', async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: slow(1_000_000) });
    await waitForJob(client, job.id, (j) => (j.progress.percent ?? 0) > 5);
    expect(statSync(staging()).mode & 0o777).toBe(0o700);
    expect(statSync(join(staging(), `job-${job.id}`)).mode & 0o777).toBe(0o700);
    await client.request('jobs.cancel', { jobId: job.id });
  });

  type Tamper = readonly [string, (dir: string, o: ReturnType<typeof outside>) => void];
  it.each<Tamper>([
    [
      '.part file is replaced by a symlink to a file outside',
      (dir: string, o: ReturnType<typeof outside>) => {
        const part = listFiles(dir).find((f) => f.endsWith('.part'))!;
        rmSync(part);
        symlinkSync(o.file, part);
      },
    ],
    // aria2c's control file names the pieces it has: one pointing outside must not be read, nor written through.
    ...(mode.connectionsPerFile > 1
      ? [
          [
            '.part.aria2 control file is replaced by a symlink to a file outside',
            (dir: string, o: ReturnType<typeof outside>) => {
              const control = listFiles(dir).find((f) => f.endsWith('.aria2'))!;
              rmSync(control);
              symlinkSync(o.file, control);
            },
          ] satisfies Tamper,
        ]
      : []),
    [
      'folder gets a symlink planted under the final name',
      (dir: string, o: ReturnType<typeof outside>) => symlinkSync(o.file, join(dir, 'progressive [progressive].mp4')),
    ],
    [
      'folder is swapped for a symlink',
      (dir: string, o: ReturnType<typeof outside>) => {
        renameSync(dir, `${dir}.moved`);
        symlinkSync(o.dir, dir);
      },
    ],
  ])('a paused job whose %s is checked on resume, started afresh, and completes with the real file', async (_what, tamper) => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: slow(1_000_000) });
    await waitForJob(client, job.id, (j) => (j.progress.percent ?? 0) > 20);
    await client.request('jobs.pause', { jobId: job.id });
    const o = outside();
    tamper(join(staging(), `job-${job.id}`), o);
    await client.request('jobs.resume', { jobId: job.id });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(sha256(done.filePath!)).toBe(clip);
    expect(o.unchanged()).toBe(true);
    expect(downloadedEntries()).toEqual([{ f: 'progressive.mp4', link: false }]);
    expect(jobProcesses()).toEqual([]);
  });
});

describe('the server does not pick what kind of file is kept', () => {
  it.each([
    ['evil.desktop', 'video/mp4'],
    ['evil.sh', 'video/mp4'],
    ['\u202e4pm.exe', 'video/mp4'],
    ['evil.html', 'text/html'],
  ])('a download that would be saved as %s (%s) fails with UNSAFE_FILE_TYPE and keeps nothing', async (name, type) => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: server.url(`/as/${encodeURIComponent(name)}`, { type }) });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status).toBe('failed');
    expect(['UNSAFE_FILE_TYPE', 'UNSUPPORTED_URL']).toContain(done.error!.code);
    if (done.error!.code === 'UNSAFE_FILE_TYPE') expect(done.error!.message).toMatch(/is not a video, audio or subtitle file; it was not kept/);
    expect(downloadedEntries()).toEqual([]);
    // The outcome is written before the folder goes (a crash in between loses nothing): it goes right after.
    await expect.poll(() => existsSync(staging())).toBe(false);
  });

  it('opens only a media file that is still the one the job downloaded', async () => {
    const opened = join(env.home, 'opened.log');
    const opener = join(env.home, 'opener.sh');
    writeFileSync(opener, `#!/bin/sh\necho "$@" >> '${opened}'\n`, { mode: 0o755 });
    const e = await createEnv({ VIDQUEUE_OPENER: opener });
    try {
      const client = await e.client();
      const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive) });
      const done = await waitForJob(client, job.id, finished);
      expect(await client.request('jobs.open', { jobId: job.id })).toEqual({ opened: done.filePath });
      await expect.poll(() => existsSync(opened) && readFileSync(opened, 'utf8')).toContain(`--open ${done.filePath}`);

      // Another file took its name: not opened.
      rmSync(done.filePath!);
      writeFileSync(done.filePath!, 'not the download');
      await expect(client.request('jobs.open', { jobId: job.id })).rejects.toMatchObject({
        code: 'UNSAFE_FILE_TYPE',
        message: expect.stringContaining('no longer the file'),
      });

      // A job on record whose file is a .desktop (an older VidQueue kept it): never opened.
      const desktop = join(e.downloads, 'evil [evil].desktop');
      writeFileSync(desktop, '[Desktop Entry]\nExec=touch /tmp/pwned\n');
      client.destroy();
      await e.cli(['stop']);
      const db = new Database(resolvePaths(e.env).database);
      db.prepare('UPDATE jobs SET file_path = ?, file_ino = NULL WHERE id = ?').run(desktop, job.id);
      db.close();
      const again = await e.client();
      await expect(again.request('jobs.open', { jobId: job.id })).rejects.toMatchObject({
        code: 'UNSAFE_FILE_TYPE',
        message: expect.stringContaining('".desktop"'),
      });
      expect(readFileSync(opened, 'utf8').trim().split('\n')).toHaveLength(1);
    } finally {
      await e.close();
    }
  });
});

describe('paths reach yt-dlp literally', () => {
  const nasty = `-dl $HOME %d ~ 'q" \${USER} $(id)`;

  it.each([
    ['a progressive file', FIXTURES.progressive, undefined],
    ['an HLS stream', FIXTURES.hls, undefined],
    ['audio extracted with ffmpeg', FIXTURES.progressive, 'audio' as const],
  ])(`downloads %s into a folder named ${JSON.stringify(nasty).replace(/%/g, '%%')}, and nowhere else`, async (_what, fixture, preset) => {
    const dir = join(env.home, nasty);
    const client = await env.client();
    await client.request('settings.set', { settings: { downloadDir: dir } });
    const { job } = await client.request('jobs.add', { url: server.url(fixture), ...(preset ? { preset } : {}) });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(done.filePath!.startsWith(`${dir}/`)).toBe(true);
    expect((await probe(done.filePath!)).duration).toBeGreaterThan(7);
    // Nothing appeared anywhere else in the home: only VidQueue's folders and the chosen one.
    expect(readdirSync(env.home).sort()).toEqual([nasty, 'data', 'run'].sort());
    expect(readdirSync(dir)).toEqual([done.filePath!.slice(dir.length + 1)]);
  });

  it('finds ffmpeg in a folder whose name holds $HOME', async () => {
    const tools = join(env.home, 'tools-$HOME');
    mkdirSync(tools);
    symlinkSync('/usr/bin/ffmpeg', join(tools, 'ffmpeg'));
    symlinkSync('/usr/bin/ffprobe', join(tools, 'ffprobe'));
    const e = await createEnv({ VIDQUEUE_FFMPEG: join(tools, 'ffmpeg') });
    try {
      const client = await e.client();
      const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive), preset: 'audio' });
      const done = await waitForJob(client, job.id, finished);
      expect(done.status, JSON.stringify(done.error)).toBe('completed');
      expect((await probe(done.filePath!)).codecs).toEqual(['aac']);
    } finally {
      await e.close();
    }
  });
});
