import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareJobs } from '../../../shared/job';
import { openDatabase } from './db';
import { GroupStore } from './groups';
import { JobStore, LIST_PAGE_SQL, publicJob } from './jobs';
import { SCHEMA_VERSION, migrate, schemaVersion } from './migrate';
import type { Migration } from './migrations/index';
import { MIGRATIONS } from './migrations/index';
import { NoticeStore } from './notices';
import { SettingsStore } from './settings';

const newJob = (url = 'https://example.com/v') => ({ url, pageUrl: null, title: null, preset: 'best' as const });

/** A job row as schema 1 had it: the store of today writes columns that did not exist then. */
const insertV1 = (db: Database.Database): number =>
  Number(
    db.prepare("INSERT INTO jobs (url, preset, status, position, created_at) VALUES ('https://example.com/v', 'best', 'queued', 1, 1)").run().lastInsertRowid,
  );

describe('migrations', () => {
  it('bring a new database to the newest version', () => {
    const db = new Database(':memory:');
    expect(migrate(db)).toBe(SCHEMA_VERSION);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
  });

  it('apply all pending steps in one transaction: a failing step leaves the database as it was', () => {
    const db = new Database(':memory:');
    const broken: Migration[] = [...MIGRATIONS, { version: MIGRATIONS.length + 1, up: (d) => d.exec('CREATE TABLE t (x); SELECT nope FROM nowhere') }];
    expect(() => migrate(db, broken)).toThrow(/nowhere/);
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'jobs'").get()).toBeUndefined();
  });

  it('keep rows across a later step', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS, 1);
    insertV1(db);
    const next: Migration[] = [...MIGRATIONS, { version: MIGRATIONS.length + 1, up: (d) => d.exec("ALTER TABLE jobs ADD COLUMN later TEXT DEFAULT 'n'") }];
    migrate(db, next);
    expect(db.prepare('SELECT url, later FROM jobs').get()).toEqual({ url: 'https://example.com/v', later: 'n' });
  });

  it('refuse a database from a newer VidQueue, untouched', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vq-db-')), 'v.db');
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openDatabase(file)).toThrow(`schema version 99, newer than this VidQueue understands (${MIGRATIONS.length})`);
    const again = new Database(file);
    expect(again.pragma('user_version', { simple: true })).toBe(99);
  });

  it('002 adds the file identity to existing jobs, as null', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS, 1);
    const id = insertV1(db);
    migrate(db);
    expect(db.prepare('SELECT file_ino, file_size FROM jobs WHERE id = ?').get(id)).toEqual({ file_ino: null, file_size: null });
    expect(new JobStore(db).require(id).fileIdentity).toBeNull();
  });

  it('004 rebuilds the jobs table: rows, ids and indexes kept; recording and a referer allowed', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS, 3);
    db.prepare("INSERT INTO jobs (url, preset, status, position, created_at, note) VALUES ('https://e.test/a', 'audio', 'failed', 7, 5, 'n')").run();
    migrate(db);
    const store = new JobStore(db);
    expect(store.require(1)).toMatchObject({ url: 'https://e.test/a', preset: 'audio', status: 'failed', position: 7, note: 'n', referer: null, live: false });
    const j = store.add({ ...newJob('https://e.test/b'), referer: 'https://frame.test/' });
    store.apply(j.id, 'start');
    expect(store.apply(j.id, 'record', { live: true })).toMatchObject({ status: 'recording', live: true, referer: 'https://frame.test/' });
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM jobs WHERE status = 'queued' ORDER BY position, id LIMIT 3").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('jobs_by_status_position');
  });

  it('005 adds groups, choices and what was downloaded: old rows read as before, a group finds its jobs through its index', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS, 4);
    db.prepare("INSERT INTO jobs (url, preset, status, position, created_at) VALUES ('https://e.test/a', 'best', 'completed', 1, 5)").run();
    migrate(db);
    const store = new JobStore(db);
    expect(store.require(1)).toMatchObject({
      groupId: null,
      playlistIndex: null,
      choice: null,
      subtitleFiles: [],
      expectedSize: null,
      extractor: null,
      videoId: null,
    });
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM jobs WHERE group_id = 1 AND status = 'failed'").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('jobs_by_group');
  });

  it('006 adds thumbnails, and reads a page of the job list from an index in its order, not by sorting the table', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS, 5);
    db.prepare("INSERT INTO jobs (url, preset, status, position, created_at, finished_at) VALUES ('https://e.test/a', 'best', 'completed', 1, 5, 6)").run();
    migrate(db);
    const store = new JobStore(db);
    const queued = store.add({ ...newJob('https://e.test/b'), thumbnail: 'https://e.test/b.jpg' });
    expect(store.page(0, 10).map((j) => [j.id, j.thumbnail])).toEqual([
      [queued.id, 'https://e.test/b.jpg'],
      [1, null],
    ]);
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${LIST_PAGE_SQL}`).all(10, 0) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('jobs_list_order');
    expect(plan.map((p) => p.detail).join(' ')).not.toContain('TEMP B-TREE');
  });

  it('use WAL on a file database', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'vq-db-')), 'v.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('find the next queued job through its index', () => {
    const db = openDatabase(':memory:');
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM jobs WHERE status = 'queued' ORDER BY position, id LIMIT 3").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('jobs_by_status_position');
  });
});

describe('JobStore', () => {
  it('queues in FIFO order and moves a job to the top', () => {
    const s = new JobStore(openDatabase(':memory:'));
    const [a, b, c] = [s.add(newJob('https://a.test/')), s.add(newJob('https://b.test/')), s.add(newJob('https://c.test/'))];
    expect(s.nextQueued(3).map((j) => j.id)).toEqual([a!.id, b!.id, c!.id]);
    s.moveToTop(c!.id);
    expect(s.nextQueued(3).map((j) => j.id)).toEqual([c!.id, a!.id, b!.id]);
  });

  it('checks every transition and changes nothing on a refused one', () => {
    const s = new JobStore(openDatabase(':memory:'));
    const j = s.add(newJob());
    s.apply(j.id, 'start', { startedAt: 1 });
    s.apply(j.id, 'complete', { filePath: '/dl/x.mp4', finishedAt: 2 });
    const before = s.get(j.id);
    expect(() => s.apply(j.id, 'pause')).toThrow(`Job ${j.id}: cannot pause a job that is completed`);
    expect(() => s.apply(j.id, 'cancel', { filePath: null })).toThrow(/INVALID|cannot cancel/);
    expect(s.get(j.id)).toEqual(before);
  });

  it('answers NOT_FOUND for an unknown id, naming it', () => {
    const s = new JobStore(openDatabase(':memory:'));
    expect(() => s.apply(404, 'cancel')).toThrow('No job with id 404');
  });

  it('lists active jobs first, then the history newest first, and expires old history', () => {
    const s = new JobStore(openDatabase(':memory:'));
    const old = s.add(newJob());
    s.apply(old.id, 'cancel', { finishedAt: 1_000 });
    const recent = s.add(newJob());
    s.apply(recent.id, 'cancel', { finishedAt: 5_000 });
    const active = s.add(newJob());
    expect(s.page(0, 10).map((j) => j.id)).toEqual([active.id, recent.id, old.id]);
    expect(s.deleteAllFinished(2_000)).toEqual([old.id]);
    expect(s.count()).toBe(2);
  });

  it('lists in the order every view shows (compareJobs), whatever the mix of states and moves', () => {
    const s = new JobStore(openDatabase(':memory:'));
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor(seed / 65536) % n;
    };
    for (let i = 0; i < 60; i++) {
      const j = s.add(newJob(`https://e.test/${i}`));
      const roll = rand(6);
      if (roll === 1) s.apply(j.id, 'pause');
      if (roll === 2) s.apply(j.id, 'start', { startedAt: 1 });
      if (roll === 3) s.apply(j.id, 'cancel', { finishedAt: 1000 + rand(5) });
      if (roll === 4) s.apply(s.apply(j.id, 'start').id, 'fail', { finishedAt: 1000 + rand(5) });
      if (rand(4) === 0 && (roll === 0 || roll === 1)) s.moveToTop(j.id);
      if (rand(5) === 0 && roll === 3) {
        s.apply(j.id, 'retry');
        s.sendToBack(j.id);
      }
    }
    const listed = s.page(0, 100).map(publicJob);
    expect(listed.map((j) => j.id)).toEqual([...listed].sort(compareJobs).map((j) => j.id));
    expect(new Set(listed.map((j) => j.status)).size).toBeGreaterThan(3);
  });

  it('adds 1,000 jobs in one transaction', () => {
    const s = new JobStore(openDatabase(':memory:'));
    const jobs = s.addMany(Array.from({ length: 1000 }, (_, i) => newJob(`https://example.com/${i}`)));
    expect(new Set(jobs.map((j) => j.id)).size).toBe(1000);
    expect(s.countActive()).toBe(1000);
  });

  it('keeps the daemon-only fields off the wire', () => {
    const s = new JobStore(openDatabase(':memory:'));
    const j = s.patch(s.add(newJob()).id, { pgid: 1234, stagingDir: '/x' });
    expect(Object.keys(publicJob(j))).not.toContain('pgid');
    expect(Object.keys(publicJob(j))).not.toContain('stagingDir');
  });
});

describe('JobStore: choices and what was downloaded', () => {
  it("keeps a job's choice, and reads back only one that still passes the schema", () => {
    const db = openDatabase(':memory:');
    const s = new JobStore(db);
    const choice = { format: { kind: 'height' as const, maxHeight: 360 }, subtitles: { languages: ['en'], mode: 'file' as const, fileFormat: 'srt' as const } };
    const j = s.add({ ...newJob(), choice, expectedSize: { bytes: 985_600, estimate: true }, groupId: null, playlistIndex: 3 });
    expect(publicJob(s.require(j.id))).toMatchObject({ choice, expectedSize: { bytes: 985_600, estimate: true }, playlistIndex: 3 });
    db.prepare('UPDATE jobs SET choice = ? WHERE id = ?').run(JSON.stringify({ format: { kind: 'format', formatId: 'bv*+ba' } }), j.id);
    expect(s.require(j.id).choice).toBeNull();
    db.prepare("UPDATE jobs SET choice = '{not json' WHERE id = ?").run(j.id);
    expect(s.require(j.id).choice).toBeNull();
  });

  it('remembers a video by site and id when its job completes, and only then', () => {
    const s = new JobStore(openDatabase(':memory:'));
    const done = s.add({ ...newJob(), extractor: 'Site', videoId: 'v1' });
    const failed = s.add({ ...newJob(), extractor: 'Site', videoId: 'v2' });
    const unknown = s.add(newJob());
    for (const j of [done, failed, unknown]) s.apply(j.id, 'start');
    s.apply(done.id, 'complete', { finishedAt: 7 });
    s.apply(failed.id, 'fail', { finishedAt: 7 });
    s.apply(unknown.id, 'complete', { finishedAt: 7 });
    expect(s.wasDownloaded('Site', 'v1')).toBe(true);
    expect(s.wasDownloaded('Site', 'v2')).toBe(false);
    expect(s.wasDownloaded('Other', 'v1')).toBe(false);
    // What yt-dlp says when the download starts replaces what the probe said.
    const learnt = s.add({ ...newJob(), extractor: 'Site', videoId: 'guess' });
    s.apply(learnt.id, 'start');
    s.patch(learnt.id, { extractor: 'Site', videoId: 'real' });
    s.apply(learnt.id, 'complete');
    expect([s.wasDownloaded('Site', 'real'), s.wasDownloaded('Site', 'guess')]).toEqual([true, false]);
  });

  it("keeps the site and id off the wire, and lists one group's jobs", () => {
    const db = openDatabase(':memory:');
    const s = new JobStore(db);
    const g = new GroupStore(db).create({ url: 'https://e.test/pl', pageUrl: null, title: 'PL', total: 2, skipped: 0, adding: false });
    s.add({ ...newJob(), groupId: g.id, extractor: 'Site', videoId: 'v' });
    s.add(newJob());
    s.add({ ...newJob(), groupId: g.id });
    expect(Object.keys(publicJob(s.require(1)))).not.toContain('videoId');
    expect(s.pageInGroup(g.id, 0, 10).map((j) => j.id)).toEqual([1, 3]);
    expect(s.countInGroup(g.id)).toBe(2);
  });
});

describe('GroupStore', () => {
  const setup = () => {
    const db = openDatabase(':memory:');
    const jobs = new JobStore(db);
    const groups = new GroupStore(db);
    const g = groups.create({ url: 'https://e.test/pl', pageUrl: 'https://e.test/', title: 'PL', total: 6, skipped: 1, adding: true }, 100);
    return { db, jobs, groups, g };
  };
  const inGroup = (jobs: JobStore, groupId: number, expected: { bytes: number; estimate: boolean } | null = null) =>
    jobs.add({ ...newJob(), groupId, expectedSize: expected });

  it('sums its jobs: done, failed, cancelled, remaining (entries still to add included) and bytes', () => {
    const { jobs, groups, g } = setup();
    const done = inGroup(jobs, g.id);
    jobs.apply(done.id, 'start');
    jobs.apply(done.id, 'complete', { progress: { ...done.progress, downloadedBytes: 1000, totalBytes: 1000 } });
    const running = inGroup(jobs, g.id);
    jobs.apply(running.id, 'start', { progress: { ...running.progress, downloadedBytes: 300, totalBytes: 900, totalIsEstimate: true } });
    const cancelled = inGroup(jobs, g.id, { bytes: 5000, estimate: false });
    jobs.apply(cancelled.id, 'cancel');
    inGroup(jobs, g.id, { bytes: 2000, estimate: false });
    expect(groups.require(g.id)).toEqual({
      id: g.id,
      url: 'https://e.test/pl',
      pageUrl: 'https://e.test/',
      title: 'PL',
      total: 6,
      added: 4,
      skipped: 1,
      adding: true,
      done: 1,
      failed: 0,
      cancelled: 1,
      // running + queued + one entry still to add (6 - 1 skipped - 4 added)
      remaining: 3,
      // the cancelled job's 5000 count nowhere
      bytes: { downloaded: 1300, total: 1000 + 900 + 2000, totalIsEstimate: true },
      createdAt: 100,
      cancelledAt: null,
    });
    groups.setAdding(g.id, false);
    expect(groups.require(g.id)).toMatchObject({ adding: false, remaining: 2 });
  });

  it('says NOT_FOUND for an unknown group, naming it', () => {
    expect(() => setup().groups.require(99)).toThrow('No playlist group with id 99');
  });

  it('stops the adding a stop left unfinished, and deletes groups none of whose jobs is left', () => {
    const { jobs, groups, g } = setup();
    const other = groups.create({ url: 'https://e.test/2', pageUrl: null, title: null, total: 1, skipped: 0, adding: false });
    const j = inGroup(jobs, other.id);
    expect(groups.stopAllAdding()).toEqual([g.id]);
    expect(groups.require(g.id).adding).toBe(false);
    expect(groups.deleteEmpty()).toEqual([g.id]);
    jobs.apply(j.id, 'cancel');
    jobs.deleteFinished(j.id);
    expect(groups.deleteEmpty()).toEqual([other.id]);
    expect(groups.count()).toBe(0);
  });

  it('lists groups newest first', () => {
    const { groups, g } = setup();
    const newer = groups.create({ url: 'https://e.test/2', pageUrl: null, title: null, total: 1, skipped: 0, adding: false });
    expect(groups.page(0, 10).map((x) => x.id)).toEqual([newer.id, g.id]);
  });
});

describe('NoticeStore', () => {
  it('hands each notice out once', () => {
    const n = new NoticeStore(openDatabase(':memory:'));
    n.add('DATABASE_RESET', 'The database was set aside', 5);
    expect(n.take()).toEqual([{ id: 1, code: 'DATABASE_RESET', message: 'The database was set aside', createdAt: 5 }]);
    expect(n.take()).toEqual([]);
  });
});

describe('SettingsStore', () => {
  it('fills defaults, validates a patch whole, and names the bad value', () => {
    const s = new SettingsStore(openDatabase(':memory:'), SettingsStore.defaultsFor('/home/u/Downloads'));
    expect(s.get()).toEqual({
      downloadDir: '/home/u/Downloads',
      concurrency: 3,
      defaultPreset: 'best',
      historyRetentionDays: 30,
      idleExitSeconds: 300,
      probeCacheMinutes: 10,
      probeTimeoutSeconds: 20,
      fragmentConcurrency: 16,
      connectionsPerFile: 8,
      toolsAutoUpdate: true,
    });
    expect(() => s.set({ concurrency: 5, defaultPreset: 'huge' as never })).toThrow(/defaultPreset.*"huge"/);
    expect(s.get().concurrency).toBe(3);
    expect(s.set({ concurrency: 5 }).concurrency).toBe(5);
  });

  it('falls back to the default for a stored value that is no longer valid', () => {
    const db = openDatabase(':memory:');
    db.prepare("INSERT INTO settings VALUES ('concurrency', '999'), ('defaultPreset', '\"audio\"')").run();
    const s = new SettingsStore(db, SettingsStore.defaultsFor('/d'));
    expect(s.get()).toMatchObject({ concurrency: 3, defaultPreset: 'audio' });
  });
});
