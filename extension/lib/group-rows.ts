/**
 * The Downloads list with playlist groups collapsed: a group's entries (each its own job)
 * show as one row, where its first entry is in the queue's order, until the user opens it;
 * then its entries follow that row. Pure: the list view draws what this returns.
 */
import type { Group } from '../../shared/group';
import type { Job } from '../../shared/job';

export type ListRow = { kind: 'job'; id: number } | { kind: 'group'; groupId: number; jobIds: number[] };

export function listRows(order: readonly number[], jobs: ReadonlyMap<number, Job>, open: ReadonlySet<number>): ListRow[] {
  const members = new Map<number, number[]>();
  for (const id of order) {
    const g = jobs.get(id)?.groupId;
    if (g != null) members.set(g, [...(members.get(g) ?? []), id]);
  }
  const rows: ListRow[] = [];
  const placed = new Set<number>();
  for (const id of order) {
    const g = jobs.get(id)?.groupId;
    if (g == null) {
      rows.push({ kind: 'job', id });
      continue;
    }
    if (placed.has(g)) continue;
    placed.add(g);
    const ids = members.get(g)!;
    rows.push({ kind: 'group', groupId: g, jobIds: ids });
    if (open.has(g)) for (const member of ids) rows.push({ kind: 'job', id: member });
  }
  return rows;
}

/** A group's counts: the daemon's aggregate when known, else what its loaded entries say. */
export function groupSummary(
  group: Group | undefined,
  entries: readonly Job[],
): { done: number; failed: number; remaining: number; skipped: number; percent: number | null } {
  if (group) {
    const { downloaded, total } = group.bytes;
    return {
      done: group.done,
      failed: group.failed,
      remaining: group.remaining,
      skipped: group.skipped,
      percent: total ? Math.min(100, (downloaded / total) * 100) : group.total ? (group.done / group.total) * 100 : null,
    };
  }
  const done = entries.filter((j) => j.status === 'completed').length;
  const failed = entries.filter((j) => j.status === 'failed').length;
  const finished = entries.filter((j) => j.status === 'completed' || j.status === 'failed' || j.status === 'cancelled').length;
  return { done, failed, remaining: entries.length - finished, skipped: 0, percent: entries.length ? (done / entries.length) * 100 : null };
}
