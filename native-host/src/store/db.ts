import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrate';

export type DB = Database.Database;

/**
 * Opens (creating if needed) and migrates the database. WAL: a crash loses no commit.
 * EXCLUSIVE locking (only the daemon ever opens it, under its instance lock) keeps the
 * WAL index in memory rather than in a `-shm` file: on a full disk the database can then
 * still be opened and read, and writes fail cleanly with SQLITE_FULL.
 */
export function openDatabase(file: string): DB {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let db: DB;
  try {
    db = new Database(file);
  } catch (err) {
    throw Object.assign(new Error(`Cannot open the database ${file}: ${(err as Error).message}`), { code: (err as { code?: string }).code });
  }
  try {
    if (file !== ':memory:') db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode is durable across application crashes; only an OS crash can lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** SQLite's words for a file that is not, or no longer, a sound database. */
export function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

/** `PRAGMA quick_check`: null when sound, else SQLite's first complaint. */
export function damage(db: DB): string | null {
  const rows = db.pragma('quick_check(1)') as { quick_check: string }[];
  const first = rows[0]?.quick_check ?? 'ok';
  return first === 'ok' ? null : first;
}

export interface DatabaseReset {
  /** Where the damaged file now is. */
  movedTo: string;
  /** What SQLite said of it. */
  reason: string;
}

/**
 * The daemon's database: opened and checked; a damaged one (not a database, or failing
 * its quick check) is moved aside with its journal, `vidqueue.db.corrupt-<time>`, and a
 * fresh one takes its place. A database from a newer VidQueue is not damaged: that error
 * goes up untouched.
 */
export function openOrSetAside(file: string, now = new Date()): { db: DB; reset: DatabaseReset | null } {
  let reason: string;
  try {
    const db = openDatabase(file);
    const found = damage(db);
    if (found === null) return { db, reset: null };
    db.close();
    reason = found;
  } catch (err) {
    if (!isCorruption(err)) throw err;
    reason = (err as Error).message;
  }
  const movedTo = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
  }
  return { db: openDatabase(file), reset: { movedTo, reason } };
}
