import { useEffect, useState } from 'preact/hooks';
import type { EntrySelection } from '../../shared/group';
import type { Preset } from '../../shared/job';
import type { ProbeEntry, ProbeResult } from '../../shared/probe';
import { t } from '../lib/i18n';
import { formatDuration } from '../lib/probe/qualities';
import { type Ticked, isTicked, tickedCount, toSelection, toggle } from '../lib/probe/ticked';
import { DownloadIcon, ListIcon } from './icons';
import { PresetSelect } from './preset-select';

const ROW = 28;
const VISIBLE = 8;

interface Props {
  id: string;
  probe: ProbeResult;
  /** The rest of the entries, page by page (`probe` with a cursor). */
  loadMore: (cursor: number) => Promise<ProbeResult>;
  defaultPreset: Preset;
  busy: boolean;
  onAdd: (entries: EntrySelection, preset: Preset) => void;
}

/**
 * A playlist: its title and count, Download all, and a checklist of its entries (all,
 * none, the first N, or ticked one by one). The checklist draws only the rows in view,
 * so a thousand entries cost what ten do.
 */
export function PlaylistCard({ id, probe, loadMore, defaultPreset, busy, onAdd }: Props) {
  const list = probe.playlist!;
  const [entries, setEntries] = useState<ProbeEntry[]>(list.entries);
  const [next, setNext] = useState<number | null>(list.nextCursor);
  const [open, setOpen] = useState(false);
  const [ticked, setTicked] = useState<Ticked>({ kind: 'all' });
  const [first, setFirst] = useState(Math.min(10, list.count));
  const [preset, setPreset] = useState<Preset>(defaultPreset);
  const [scrollTop, setScrollTop] = useState(0);
  useEffect(() => setPreset(defaultPreset), [defaultPreset]);
  // The checklist needs every entry to tick them one by one: the next page is asked for once the one before arrived.
  useEffect(() => {
    if (!open || next === null) return;
    let live = true;
    loadMore(next).then(
      (p) => {
        if (!live || !p.playlist) return;
        setEntries((e) => [...e, ...p.playlist!.entries]);
        setNext(p.playlist.nextCursor);
      },
      () => live && setNext(null),
    );
    return () => {
      live = false;
    };
  }, [open, next]);

  const title = list.title ?? probe.title ?? probe.url;
  const count = tickedCount(ticked, list.count);
  const selection = toSelection(ticked);
  const start = Math.max(0, Math.floor(scrollTop / ROW) - 2);
  const end = Math.min(entries.length, start + VISIBLE + 4);
  return (
    <li class="card playlist" data-video={id}>
      <div class="thumb" aria-hidden="true">
        {probe.thumbnail ? (
          <img src={probe.thumbnail} alt="" loading="lazy" decoding="async" referrerpolicy="no-referrer" />
        ) : (
          <span class="thumb-empty">☰</span>
        )}
        <span class="badge">{t('playlistCount', list.count)}</span>
      </div>
      <div class="card-body">
        <span class="video-label" id={`${id}-label`} title={probe.url}>
          {title}
        </span>
        <span class="video-details">{[t('playlistCount', list.count), probe.generic ? null : probe.extractor].filter(Boolean).join(' · ')}</span>
        <div class="card-controls">
          <PresetSelect value={preset} onChange={setPreset} label={t('qualityOf', title)} />
          <button
            type="button"
            class="icon"
            aria-expanded={open}
            aria-controls={`${id}-entries`}
            title={t('playlistChoose')}
            aria-label={t('playlistChoose')}
            onClick={() => setOpen(!open)}
          >
            <ListIcon />
          </button>
          <button
            type="button"
            class="primary download"
            aria-describedby={`${id}-label`}
            disabled={busy || !selection}
            onClick={() => selection && onAdd(selection, preset)}
          >
            <DownloadIcon />
            {t('downloadCount', count)}
          </button>
        </div>
        {open && (
          <div class="checklist" id={`${id}-entries`}>
            <div class="checklist-actions">
              <button type="button" onClick={() => setTicked({ kind: 'all' })}>
                {t('selectAll')}
              </button>
              <button type="button" onClick={() => setTicked({ kind: 'ids', ids: new Set() })}>
                {t('selectNone')}
              </button>
              <label class="first-n">
                {t('selectFirst')}
                <input
                  type="number"
                  min={1}
                  max={list.count}
                  value={first}
                  onInput={(e) => {
                    const n = Math.max(1, Math.min(list.count, Math.floor(Number((e.currentTarget as HTMLInputElement).value) || 1)));
                    setFirst(n);
                    setTicked({ kind: 'first', count: n });
                  }}
                />
              </label>
            </div>
            <ul
              class="entries"
              aria-label={t('playlistEntries', title)}
              style={{ height: `${Math.min(VISIBLE, entries.length) * ROW}px` }}
              onScroll={(e) => setScrollTop((e.currentTarget as HTMLElement).scrollTop)}
            >
              <li aria-hidden="true" style={{ height: `${start * ROW}px` }} />
              {entries.slice(start, end).map((e) => (
                <li key={e.index} class="entry" style={{ height: `${ROW}px` }}>
                  <label>
                    <input type="checkbox" checked={isTicked(ticked, e)} disabled={e.id === null} onChange={() => setTicked(toggle(ticked, entries, e))} />
                    <span class="entry-title">{e.title ?? t('videoNumber', e.index)}</span>
                    {e.duration !== null && <span class="entry-duration">{formatDuration(e.duration)}</span>}
                  </label>
                </li>
              ))}
              <li aria-hidden="true" style={{ height: `${(entries.length - end) * ROW}px` }} />
            </ul>
          </div>
        )}
      </div>
    </li>
  );
}
