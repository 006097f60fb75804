import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../shared/doctor';
import { resolvePaths } from '../src/paths';
import { createEnv } from '../../devkit/env';
import { mountSmallDisk } from './helpers/small-disk';
import { env, useServerAndEnv } from './helpers/suite';

useServerAndEnv();

const paths = () => resolvePaths(env.env);
const timed = async <T>(fn: () => Promise<T>) => {
  const start = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - start };
};
const doctor = async () => JSON.parse((await env.cli(['doctor', '--json'])).stdout) as DoctorReport;
const check = (r: DoctorReport, id: string) => r.checks.find((c) => c.id === id);

/** A database with three jobs, written by a daemon that then stopped cleanly. */
async function databaseWithJobs(): Promise<void> {
  const client = await env.client();
  await client.request('settings.set', { settings: { concurrency: 1 } });
  for (let i = 0; i < 3; i++) await client.request('jobs.add', { url: `https://example.invalid/${i}` });
  await client.request('jobs.cancelAll', {});
  client.destroy();
  expect((await env.cli(['stop'])).exitCode).toBe(0);
}

describe('a damaged database', () => {
  it.each([
    ['random bytes', (file: string) => writeFileSync(file, randomBytes(64 * 1024))],
    [
      'a page overwritten',
      (file: string) => {
        const fd = openSync(file, 'r+');
        writeSync(fd, randomBytes(4096), 0, 4096, 4096);
        closeSync(fd);
      },
    ],
  ])('(%s) is set aside with its journal, a fresh queue starts at once, and the user is told once with the path', async (_what, damage) => {
    await databaseWithJobs();
    const { database } = paths();
    damage(database);
    const before = readFileSync(database);
    const { value: ls, ms } = await timed(() => env.cli(['ls', '--json']));
    expect(ls.exitCode, ls.stderr).toBe(0);
    expect(ms).toBeLessThan(5000);
    expect(JSON.parse(ls.stdout)).toEqual({ jobs: [] });
    const aside = readdirSync(paths().dataDir).filter((f) => /^vidqueue\.db\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/.test(f));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(paths().dataDir, aside[0]!))).toEqual(before);

    const client = await env.client();
    const { notices } = await client.request('notices.take', {});
    const told = [...notices, ...(ls.stderr.includes('corrupt-') ? [{ message: ls.stderr }] : [])];
    expect(told).toHaveLength(1);
    expect(told[0]!.message).toContain(join(paths().dataDir, aside[0]!));
    expect(told[0]!.message).toMatch(/history .* no longer listed; files already downloaded are untouched\. To look inside the old one: sqlite3 /);
    expect((await client.request('notices.take', {})).notices).toEqual([]);
    expect((await client.request('jobs.add', { url: 'https://example.invalid/new' })).job.id).toBe(1);
    await client.request('jobs.cancelAll', {});
  });

  it('is reported by doctor, which changes nothing', async () => {
    await databaseWithJobs();
    writeFileSync(paths().database, randomBytes(8192));
    const report = await doctor();
    expect(check(report, 'database')).toMatchObject({ status: 'warn', detail: expect.stringContaining('is damaged'), fix: expect.stringContaining('cp ') });
    expect(readdirSync(paths().dataDir).some((f) => f.includes('corrupt'))).toBe(false);
  });

  it('written by a newer VidQueue is refused untouched, with the reason, at once', async () => {
    const { database } = paths();
    mkdirSync(paths().dataDir, { recursive: true, mode: 0o700 });
    const db = new Database(database);
    db.pragma('user_version = 99');
    db.close();
    const { value: r, ms } = await timed(() => env.cli(['ls']));
    expect(r.exitCode).toBe(4);
    expect(ms).toBeLessThan(5000);
    expect(r.stderr).toMatch(/schema version 99, newer than this VidQueue understands/);
    const again = new Database(database);
    expect(again.pragma('user_version', { simple: true })).toBe(99);
    again.close();
    expect(check(await doctor(), 'database')).toMatchObject({ status: 'fail', detail: expect.stringContaining('newer VidQueue') });
  });
});

describe('a daemon that cannot start says why, at once', () => {
  it.each([
    ['a file squats its run folder', (dir: string) => writeFileSync(dir, 'not a folder'), 'is not a folder (a file is in its place)'],
    [
      "another user's folder is its run folder",
      (dir: string) => {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        chownSync(dir, 12345, 12345);
      },
      'belongs to user 12345',
    ],
  ])('%s: the CLI fails within 3 s (exit 4) naming the folder and the fix; doctor names the cause', async (_what, squat, why) => {
    const { runDir } = paths();
    mkdirSync(join(runDir, '..'), { recursive: true, mode: 0o700 });
    squat(runDir);
    const { value: r, ms } = await timed(() => env.cli(['ls']));
    expect(r.exitCode).toBe(4);
    expect(ms).toBeLessThan(3000);
    expect(r.stderr).toContain(runDir);
    expect(r.stderr).toContain(why);
    expect(r.stderr).toMatch(/Remove it/);
    const report = await doctor();
    expect(check(report, 'data-dir')).toMatchObject({ status: 'fail', detail: expect.stringContaining(why) });
    expect(check(report, 'daemon')).toMatchObject({ status: 'fail', detail: expect.stringContaining('cannot start') });
  });

  it('a read-only data folder: exit 4 with the folder and what to do', async () => {
    const disk = await mountSmallDisk(4);
    const ro = await createEnv({}, disk.dir);
    try {
      mkdirSync(resolvePaths(ro.env).dataDir, { recursive: true, mode: 0o700 });
      await execa('mount', ['-o', 'remount,ro', disk.dir]);
      const { value: r, ms } = await timed(() => ro.cli(['ls']));
      expect(r.exitCode).toBe(4);
      expect(ms).toBeLessThan(3000);
      expect(r.stderr).toMatch(/read-only|EROFS/);
      expect(r.stderr).toContain(resolvePaths(ro.env).dataDir);
    } finally {
      await execa('mount', ['-o', 'remount,rw', disk.dir], { reject: false });
      await ro.close();
      await disk.unmount();
    }
  });

  it('leaves the cause of a failed start in the daemon log too', async () => {
    mkdirSync(paths().dataDir, { recursive: true, mode: 0o700 });
    const db = new Database(paths().database);
    db.pragma('user_version = 99');
    db.close();
    expect((await env.cli(['ls'])).exitCode).toBe(4);
    const log = join(paths().logDir, 'daemon.stderr.log');
    expect(existsSync(log) && readFileSync(log, 'utf8')).toContain('newer than this VidQueue understands');
  });
});
