import { VidQueueError } from '../../../shared/errors';
import type { Group } from '../../../shared/group';
import type { JobStatus } from '../../../shared/job';
import type { DB } from './db';

interface GroupRow {
  id: number;
  url: string;
  page_url: string | null;
  title: string | null;
  total: number;
  skipped: number;
  adding: number;
  created_at: number;
  cancelled_at: number | null;
}

/** One status of a group's jobs, summed (a row of `GROUP BY status`). */
export interface StatusSums {
  status: JobStatus;
  n: number;
  downloaded: number;
  /** Sum of each job's total (its size, or its probed size before it starts). */
  total: number | null;
  /** Jobs whose total is not known. */
  unknown: number;
  /** Jobs whose total is an estimate. */
  estimated: number;
}

export interface NewGroup {
  url: string;
  pageUrl: string | null;
  title: string | null;
  total: number;
  skipped: number;
  adding: boolean;
}

/**
 * A group's aggregate from its row and the sums of its jobs by status. Pure. Cancelled jobs
 * count in `cancelled` but not in the bytes: nothing of them is downloaded or will be.
 */
export function aggregate(row: GroupRow, sums: StatusSums[]): Group {
  const count = (...statuses: JobStatus[]) => sums.filter((s) => statuses.includes(s.status)).reduce((a, s) => a + s.n, 0);
  const added = count(...(['queued', 'downloading', 'recording', 'paused', 'completed', 'failed', 'cancelled'] as const));
  const adding = row.adding === 1;
  const toAdd = adding ? Math.max(0, row.total - row.skipped - added) : 0;
  const counted = sums.filter((s) => s.status !== 'cancelled');
  const known = counted.filter((s) => s.total !== null);
  return {
    id: row.id,
    url: row.url,
    pageUrl: row.page_url,
    title: row.title,
    total: row.total,
    added,
    skipped: row.skipped,
    adding,
    done: count('completed'),
    failed: count('failed'),
    cancelled: count('cancelled'),
    remaining: count('queued', 'downloading', 'recording', 'paused') + toAdd,
    bytes: {
      downloaded: counted.reduce((a, s) => a + s.downloaded, 0),
      total: known.length > 0 ? known.reduce((a, s) => a + (s.total ?? 0), 0) : null,
      totalIsEstimate: toAdd > 0 || counted.some((s) => s.unknown > 0 || s.estimated > 0),
    },
    createdAt: row.created_at,
    cancelledAt: row.cancelled_at,
  };
}

/** Playlist groups: one row each; their aggregate is summed from their jobs when asked. */
export class GroupStore {
  private readonly stmts;

  constructor(db: DB) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO job_groups (url, page_url, title, total, skipped, adding, created_at)
         VALUES (@url, @pageUrl, @title, @total, @skipped, @adding, @createdAt)`,
      ),
      get: db.prepare<[number], GroupRow>('SELECT * FROM job_groups WHERE id = ?'),
      sums: db.prepare<[number], StatusSums>(
        `SELECT status, COUNT(*) AS n, SUM(downloaded_bytes) AS downloaded,
                SUM(COALESCE(total_bytes, expected_size)) AS total,
                SUM(total_bytes IS NULL AND expected_size IS NULL) AS unknown,
                SUM(CASE WHEN total_bytes IS NOT NULL THEN total_is_estimate WHEN expected_size IS NOT NULL THEN expected_size_estimate ELSE 0 END) AS estimated
         FROM jobs WHERE group_id = ? GROUP BY status`,
      ),
      page: db.prepare<[number, number], GroupRow>('SELECT * FROM job_groups ORDER BY id DESC LIMIT ? OFFSET ?'),
      count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM job_groups'),
      setAdding: db.prepare<[number, number]>('UPDATE job_groups SET adding = ? WHERE id = ?'),
      setCancelled: db.prepare<[number, number]>('UPDATE job_groups SET cancelled_at = ?, adding = 0 WHERE id = ?'),
      adding: db.prepare<[], { id: number }>('SELECT id FROM job_groups WHERE adding = 1'),
      stopAdding: db.prepare('UPDATE job_groups SET adding = 0 WHERE adding = 1'),
      empty: db.prepare<[], { id: number }>('SELECT id FROM job_groups g WHERE adding = 0 AND NOT EXISTS (SELECT 1 FROM jobs WHERE group_id = g.id)'),
      delete: db.prepare<[number]>('DELETE FROM job_groups WHERE id = ?'),
    };
  }

  create(g: NewGroup, now = Date.now()): Group {
    const info = this.stmts.insert.run({ ...g, adding: g.adding ? 1 : 0, createdAt: now });
    return this.require(Number(info.lastInsertRowid));
  }

  require(id: number): Group {
    const row = this.stmts.get.get(id);
    if (!row) throw new VidQueueError('NOT_FOUND', `No playlist group with id ${id}`, 'groupId');
    return aggregate(row, this.stmts.sums.all(id));
  }

  /** Whether the group was cancelled (then no more of its entries are added). */
  isCancelled(id: number): boolean {
    return (this.stmts.get.get(id)?.cancelled_at ?? null) !== null;
  }

  setAdding(id: number, adding: boolean): void {
    this.stmts.setAdding.run(adding ? 1 : 0, id);
  }

  setCancelled(id: number, now = Date.now()): void {
    this.stmts.setCancelled.run(now, id);
  }

  page(offset: number, limit: number): Group[] {
    return this.stmts.page.all(limit, offset).map((row) => aggregate(row, this.stmts.sums.all(row.id)));
  }

  count(): number {
    return this.stmts.count.get()!.n;
  }

  /** At start: groups a stop or crash left adding (what was not added yet is not coming). */
  stopAllAdding(): number[] {
    const ids = this.stmts.adding.all().map((r) => r.id);
    this.stmts.stopAdding.run();
    return ids;
  }

  /** Deletes the groups none of whose jobs is left (all removed from the history); returns their ids. */
  deleteEmpty(): number[] {
    const ids = this.stmts.empty.all().map((r) => r.id);
    for (const id of ids) this.stmts.delete.run(id);
    return ids;
  }
}
