import type { Database } from 'better-sqlite3';

/** Jobs with their progress and the process group of a running download; settings. */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE jobs (
      id                INTEGER PRIMARY KEY AUTOINCREMENT,
      url               TEXT    NOT NULL,
      page_url          TEXT,
      title             TEXT,
      preset            TEXT    NOT NULL,
      status            TEXT    NOT NULL
                        CHECK (status IN ('queued','downloading','paused','completed','failed','cancelled')),
      -- queue order: the lowest runs first; "move to top" takes min - 1
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
      -- process group of the running yt-dlp; killed on recovery if it outlived the daemon
      pgid              INTEGER,
      -- the job's own folder for partial files, on the destination's filesystem
      staging_dir       TEXT,
      attempts          INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX jobs_by_status_position ON jobs (status, position);
    CREATE INDEX jobs_by_finished_at ON jobs (finished_at) WHERE finished_at IS NOT NULL;
    CREATE TABLE settings (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) WITHOUT ROWID;
  `);
}
