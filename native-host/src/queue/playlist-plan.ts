/**
 * Which entries of a probed playlist become jobs, and what each job is. Pure: the store
 * answers `wasDownloaded`, the queue adds what comes out.
 */
import type { Choice } from '../../../shared/choice';
import { presetOf } from '../../../shared/choice';
import { VidQueueError } from '../../../shared/errors';
import type { EntrySelection } from '../../../shared/group';
import type { Preset } from '../../../shared/job';
import { quote } from '../../../shared/quote';
import { cleanTitle } from '../../../shared/title';
import type { FullEntry } from '../probe/reduce';
import type { NewJob } from '../store/jobs';

/** The entries a selection names, in the playlist's order. Ids the playlist lacks are refused, naming them. */
export function pickEntries(entries: FullEntry[], sel: EntrySelection): FullEntry[] {
  if (sel.kind === 'all') return entries;
  if (sel.kind === 'first') return entries.slice(0, sel.count);
  const wanted = new Set(sel.ids);
  const known = new Set(entries.map((e) => e.id));
  const missing = [...wanted].filter((id) => !known.has(id));
  if (missing.length > 0) {
    throw new VidQueueError(
      'NOT_FOUND',
      `${missing.length} of the entries asked for ${missing.length === 1 ? 'is' : 'are'} not in this playlist (${missing
        .slice(0, 3)
        .map((id) => quote(id, 40))
        .join(', ')}${missing.length > 3 ? ', …' : ''}): probe it again and pick from what it lists now`,
      'entries.ids',
    );
  }
  return entries.filter((e) => e.id !== null && wanted.has(e.id));
}

/**
 * Leaves out the entries downloaded before (same extractor and video key), unless `again`.
 * An entry whose extractor or id is unknown cannot be recognised, and is added.
 */
export function planEntries(
  picked: FullEntry[],
  wasDownloaded: (extractor: string, videoId: string) => boolean,
  again: boolean,
): { add: FullEntry[]; skipped: number } {
  if (again) return { add: picked, skipped: 0 };
  const add = picked.filter((e) => !(e.extractor && e.key && wasDownloaded(e.extractor, e.key)));
  return { add, skipped: picked.length - add.length };
}

export interface PlaylistSource {
  /** The playlist's URL (normalised). */
  url: string;
  pageUrl: string | null;
  referer: string | null;
}

/**
 * The job of one entry: its own page when it has one, else entry N of the playlist. It
 * carries the site and video id from the probe (yt-dlp's own, learnt when it starts, win).
 */
export function entryJob(entry: FullEntry, source: PlaylistSource, how: { preset: Preset; choice: Choice | null }, groupId: number): NewJob {
  return {
    url: entry.url ?? source.url,
    playlistIndex: entry.url ? null : entry.index,
    pageUrl: source.pageUrl ?? source.url,
    referer: source.referer,
    title: entry.title ? cleanTitle(entry.title) || null : null,
    preset: how.choice ? presetOf(how.choice) : how.preset,
    choice: how.choice,
    groupId,
    extractor: entry.extractor,
    videoId: entry.key,
  };
}
