import type { Database } from 'better-sqlite3';
import { VidQueueError } from '../../../shared/errors';
import { MIGRATIONS, type Migration } from './migrations/index';

export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database to the newest schema in one transaction: either every pending
 * step applies or none does. A database written by a newer VidQueue is refused untouched.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS, target = migrations.length): number {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new VidQueueError(
      'INTERNAL',
      `The database ${db.name} has schema version ${current}, newer than this VidQueue understands (${migrations.length}). ` +
        'Update VidQueue, or move the database aside to start afresh.',
    );
  }
  const pending = migrations.filter((m) => m.version > current && m.version <= target);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const m of pending) {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
  return schemaVersion(db);
}
