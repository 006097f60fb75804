import type { Database } from 'better-sqlite3';

/**
 * A job's note (something the user should know that is not an error: a fallback format)
 * and the raw text behind its error; notices the daemon has for the user, told once.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE jobs ADD COLUMN note TEXT;
    ALTER TABLE jobs ADD COLUMN error_detail TEXT;
    CREATE TABLE notices (
      id           INTEGER PRIMARY KEY AUTOINCREMENT,
      code         TEXT    NOT NULL,
      message      TEXT    NOT NULL,
      created_at   INTEGER NOT NULL,
      -- set when a client took it: each notice is told once
      delivered_at INTEGER
    );
  `);
}
