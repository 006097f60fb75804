import type { Database } from 'better-sqlite3';

/**
 * Live recordings (status `recording`, and `live` on the job) and a referer apart from the
 * page (a video in a frame). SQLite cannot change a CHECK constraint in place: the jobs
 * table is rebuilt, rows and indexes as they were.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE jobs_new (
      id                INTEGER PRIMARY KEY AUTOINCREMENT,
      url               TEXT    NOT NULL,
      page_url          TEXT,
      title             TEXT,
      preset            TEXT    NOT NULL,
      status            TEXT    NOT NULL
                        CHECK (status IN ('queued','downloading','recording','paused','completed','failed','cancelled')),
      position          INTEGER NOT NULL,
      downloaded_bytes  INTEGER NOT NULL DEFAULT 0,
      total_bytes       INTEGER,
      total_is_estimate INTEGER NOT NULL DEFAULT 0,
      speed             REAL,
      eta               REAL,
      fragment_index    INTEGER,
      fragment_count    INTEGER,
      percent           REAL,
      file_path         TEXT,
      error_code        TEXT,
      error_message     TEXT,
      created_at        INTEGER NOT NULL,
      started_at        INTEGER,
      finished_at       INTEGER,
      cancelled_at      INTEGER,
      pgid              INTEGER,
      staging_dir       TEXT,
      attempts          INTEGER NOT NULL DEFAULT 0,
      file_ino          TEXT,
      file_size         INTEGER,
      note              TEXT,
      error_detail      TEXT,
      referer           TEXT,
      live              INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO jobs_new (id, url, page_url, title, preset, status, position, downloaded_bytes, total_bytes, total_is_estimate,
                          speed, eta, fragment_index, fragment_count, percent, file_path, error_code, error_message, created_at,
                          started_at, finished_at, cancelled_at, pgid, staging_dir, attempts, file_ino, file_size, note, error_detail)
      SELECT id, url, page_url, title, preset, status, position, downloaded_bytes, total_bytes, total_is_estimate,
             speed, eta, fragment_index, fragment_count, percent, file_path, error_code, error_message, created_at,
             started_at, finished_at, cancelled_at, pgid, staging_dir, attempts, file_ino, file_size, note, error_detail
      FROM jobs;
    DROP TABLE jobs;
    ALTER TABLE jobs_new RENAME TO jobs;
    CREATE INDEX jobs_by_status_position ON jobs (status, position);
    CREATE INDEX jobs_by_finished_at ON jobs (finished_at) WHERE finished_at IS NOT NULL;
  `);
}
