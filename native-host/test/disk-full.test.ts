import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../shared/doctor';
import { type TestEnv, createEnv, finished, waitForJob } from '../../devkit/env';
import { FIXTURES, FIXTURE_DIR } from '../../devkit/fixtures';
import { type MediaServer, startMediaServer } from '../../devkit/media-server';
import { mountSmallDisk } from './helpers/small-disk';
import { sha256 } from '../../devkit/probe';
import { MODES, applyMode } from './helpers/suite';
import { join } from 'node:path';

let server: MediaServer;
let disk: Awaited<ReturnType<typeof mountSmallDisk>>;
let env: TestEnv;

beforeAll(async () => {
  server = await startMediaServer(FIXTURE_DIR);
});
afterAll(() => server.close());
afterEach(async () => {
  await env?.close();
  await disk?.unmount();
});

const jobProcesses = () => env.jobProcesses();
const daemonPids = () => env.daemonPids();

describe('a full disk (database, logs and downloads on one 12 MiB disk)', () => {
  it.each(MODES)(
    'fails the running download with DISK_FULL naming the free space, leaves nothing, and the daemon stays up and answers, with $name',
    async (mode) => {
      disk = await mountSmallDisk(12);
      env = await createEnv({}, disk.dir);
      await applyMode(mode, env);
      const client = await env.client();
      await client.request('subscribe', {});
      const daemon = daemonPids();
      // 1.5 MB left for a 3 MB download, which keeps writing progress as the disk fills.
      disk.fill(1_500_000);
      const { job } = await client.request('jobs.add', { url: server.url(FIXTURES.progressive, { rate: 3_000_000 }) });
      const done = await waitForJob(client, job.id, finished, 60_000);
      expect(done.status).toBe('failed');
      expect(done.error).toMatchObject({ code: 'DISK_FULL', message: expect.stringMatching(/The disk is full \([\d.]+ (B|KiB|MiB) free on the disk of /) });
      expect(done.error!.detail).toMatch(/No space left on device/);
      expect(jobProcesses()).toEqual([]);
      await expect.poll(() => env.stagingFiles()).toEqual([]);
      expect(env.downloaded()).toEqual([]);
      expect(daemonPids()).toEqual(daemon);
      expect((await client.request('jobs.list', {})).total).toBe(1);

      // Space again: the same job, retried, completes.
      disk.unfill();
      await client.request('jobs.retry', { jobId: job.id });
      const again = await waitForJob(client, job.id, finished, 60_000);
      expect(again.status).toBe('completed');
      expect(sha256(again.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
    },
  );

  it('starts on a full disk and answers (no -shm file to make), and a write it cannot store says DISK_FULL', async () => {
    disk = await mountSmallDisk(12);
    env = await createEnv({}, disk.dir);
    const first = await env.client();
    const { job } = await first.request('jobs.add', { url: server.url(FIXTURES.progressive) });
    await waitForJob(first, job.id, finished, 60_000);
    first.destroy();
    expect((await env.cli(['stop'])).exitCode).toBe(0);
    disk.fill(0);

    const started = Date.now();
    const ls = await env.cli(['ls', '--json'], { timeout: 20_000 });
    expect(ls.exitCode, ls.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(JSON.parse(ls.stdout).jobs).toHaveLength(1);
    // A big request the database cannot store: refused clearly, and nothing else changes.
    const add = await env.cli(['add', `https://example.invalid/${'x'.repeat(8000)}`, '--title', 't'.repeat(1000), '--json']);
    if (add.exitCode !== 0) expect(JSON.parse(add.stdout).error).toMatchObject({ code: 'DISK_FULL', message: expect.stringContaining('is full') });
    expect((await env.cli(['ls', '--json'])).exitCode).toBe(0);
  });

  it("is reported by doctor, for the download folder and for VidQueue's own folder", async () => {
    disk = await mountSmallDisk(12);
    env = await createEnv({}, disk.dir);
    disk.fill(200_000);
    const r = await env.cli(['doctor', '--json']);
    const report = JSON.parse(r.stdout) as DoctorReport;
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(byId['download-dir']).toMatchObject({ status: 'fail', detail: expect.stringMatching(/KiB free/) });
    expect(byId['data-dir']).toMatchObject({ status: 'fail', detail: expect.stringMatching(/KiB free/), fix: expect.stringContaining('Free some space') });
  });
});
