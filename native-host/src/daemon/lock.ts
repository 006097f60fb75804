import Database from 'better-sqlite3';
import { VidQueueError } from '../../../shared/errors';
import { isCorruption } from '../store/db';

/**
 * The single-instance lock: an exclusive SQLite lock on a file of its own. The operating
 * system releases it when the process dies, however it dies, so a stale lock cannot exist.
 */
export class InstanceLock {
  private constructor(private readonly db: Database.Database) {}

  /** Takes the lock, or returns null when another daemon holds it. */
  static acquire(file: string): InstanceLock | null {
    let db: Database.Database;
    try {
      db = new Database(file, { timeout: 0 });
    } catch (err) {
      throw lockError(file, err);
    }
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('CREATE TABLE IF NOT EXISTS owner (pid INTEGER)');
      db.exec('BEGIN EXCLUSIVE');
      return new InstanceLock(db);
    } catch (err) {
      db.close();
      if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) return null;
      throw lockError(file, err);
    }
  }

  release(): void {
    try {
      this.db.exec('ROLLBACK');
    } finally {
      this.db.close();
    }
  }
}

function lockError(file: string, err: unknown): VidQueueError {
  const fix = isCorruption(err)
    ? `it is damaged: remove it (rm '${file}') and try again; it holds nothing else`
    : `check that ${file} and its folder are yours and writable`;
  return new VidQueueError('DAEMON_UNAVAILABLE', `VidQueue cannot take its lock ${file} (${(err as Error).message}): ${fix}`);
}
