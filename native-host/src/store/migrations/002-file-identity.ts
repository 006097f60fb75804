import type { Database } from 'better-sqlite3';

/**
 * The identity (inode and size) of a completed job's file, so that `rm --delete-file`
 * deletes that file and never another that took its name later.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE jobs ADD COLUMN file_ino TEXT;
    ALTER TABLE jobs ADD COLUMN file_size INTEGER;
  `);
}
