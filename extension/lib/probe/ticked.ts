/** A playlist's checklist: which entries are ticked, and the `entries` of `jobs.addPlaylist` it makes. Pure. */
import type { EntrySelection } from '../../../shared/group';
import type { ProbeEntry } from '../../../shared/probe';

/** Which entries are ticked: all, the first N, or those picked one by one (by their ids). */
export type Ticked = { kind: 'all' } | { kind: 'first'; count: number } | { kind: 'ids'; ids: Set<string> };

export function isTicked(ticked: Ticked, entry: ProbeEntry): boolean {
  if (ticked.kind === 'all') return true;
  if (ticked.kind === 'first') return entry.index <= ticked.count;
  return entry.id !== null && ticked.ids.has(entry.id);
}

/** How many entries a selection takes, of a playlist of `count`. */
export function tickedCount(ticked: Ticked, count: number): number {
  return ticked.kind === 'all' ? count : ticked.kind === 'first' ? Math.min(ticked.count, count) : ticked.ids.size;
}

/** The request's `entries`: null when nothing is ticked. */
export function toSelection(ticked: Ticked): EntrySelection | null {
  if (ticked.kind === 'ids') return ticked.ids.size === 0 ? null : { kind: 'ids', ids: [...ticked.ids] };
  return ticked.kind === 'first' ? { kind: 'first', count: ticked.count } : { kind: 'all' };
}

/** One entry ticked or unticked: a selection by rule becomes the list of the ids it held. */
export function toggle(ticked: Ticked, entries: ProbeEntry[], entry: ProbeEntry): Ticked {
  if (entry.id === null) return ticked;
  const ids = new Set(ticked.kind === 'ids' ? ticked.ids : entries.filter((e) => e.id !== null && isTicked(ticked, e)).map((e) => e.id!));
  if (ids.has(entry.id)) ids.delete(entry.id);
  else ids.add(entry.id);
  return { kind: 'ids', ids };
}
