/**
 * Playlist groups: the jobs one "Download all / first N / these" made, each its own job,
 * with the group's aggregate and the actions on all of them at once.
 */
import * as v from 'valibot';

const MAX_PICKED = 10_000;

/** Which entries of a playlist: all, the first N, or those ticked (by the ids `probe` gave). */
export const EntrySelectionSchema = v.variant('kind', [
  v.strictObject({ kind: v.literal('all') }),
  v.strictObject({ kind: v.literal('first'), count: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_PICKED)) }),
  v.strictObject({
    kind: v.literal('ids'),
    ids: v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(300))), v.minLength(1), v.maxLength(MAX_PICKED)),
  }),
]);
export type EntrySelection = v.InferOutput<typeof EntrySelectionSchema>;

export interface GroupBytes {
  /** Bytes on disk so far, over every job of the group. */
  downloaded: number;
  /** Sum of the totals known (each job's size, or its probed size before it starts); null when none is known. */
  total: number | null;
  /** Some part of `total` is an estimate, or some job's size is not known yet. */
  totalIsEstimate: boolean;
}

export interface Group {
  id: number;
  /** The playlist's URL. */
  url: string;
  pageUrl: string | null;
  title: string | null;
  /** Entries chosen: jobs made, jobs still to be made, and those skipped. */
  total: number;
  /** Jobs made so far. */
  added: number;
  /** Entries not added because they were downloaded before (same site and video id). */
  skipped: number;
  /** Entries are still being added. */
  adding: boolean;
  /** Completed jobs. */
  done: number;
  failed: number;
  cancelled: number;
  /** Jobs not finished (queued, downloading, recording, paused) and entries still to be added. */
  remaining: number;
  bytes: GroupBytes;
  createdAt: number;
  /** When the whole group was cancelled, if it was. */
  cancelledAt: number | null;
}
