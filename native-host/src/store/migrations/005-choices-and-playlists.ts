import type { Database } from 'better-sqlite3';

/**
 * Exact choices made from a probe, playlist groups, and what was downloaded before:
 * - a job may carry a choice (JSON, checked again when read), belong to a group as entry N
 *   of its playlist, know the site and video id it is (from the probe, or learnt from
 *   yt-dlp), its expected size, and the subtitle files saved next to its video;
 * - `job_groups`: one row a "Download all / first N / these" of a playlist;
 * - `downloaded`: one row a video completed (site + video id), so that a playlist
 *   downloaded again skips what is already there.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE job_groups (
      id           INTEGER PRIMARY KEY AUTOINCREMENT,
      url          TEXT    NOT NULL,
      page_url     TEXT,
      title        TEXT,
      -- entries chosen: jobs made, still to make, and skipped
      total        INTEGER NOT NULL,
      skipped      INTEGER NOT NULL DEFAULT 0,
      -- 1 while entries are being added
      adding       INTEGER NOT NULL DEFAULT 0,
      created_at   INTEGER NOT NULL,
      cancelled_at INTEGER
    );
    ALTER TABLE jobs ADD COLUMN group_id INTEGER REFERENCES job_groups (id) ON DELETE SET NULL;
    ALTER TABLE jobs ADD COLUMN playlist_index INTEGER;
    ALTER TABLE jobs ADD COLUMN choice TEXT;
    ALTER TABLE jobs ADD COLUMN extractor TEXT;
    ALTER TABLE jobs ADD COLUMN video_id TEXT;
    ALTER TABLE jobs ADD COLUMN expected_size INTEGER;
    ALTER TABLE jobs ADD COLUMN expected_size_estimate INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE jobs ADD COLUMN subtitle_files TEXT;
    CREATE INDEX jobs_by_group ON jobs (group_id, status) WHERE group_id IS NOT NULL;
    CREATE TABLE downloaded (
      extractor    TEXT    NOT NULL,
      video_id     TEXT    NOT NULL,
      job_id       INTEGER,
      completed_at INTEGER NOT NULL,
      PRIMARY KEY (extractor, video_id)
    ) WITHOUT ROWID;
  `);
}
