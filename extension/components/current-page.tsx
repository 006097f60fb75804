import { useEffect, useRef, useState } from 'preact/hooks';
import type { EntrySelection } from '../../shared/group';
import type { Preset } from '../../shared/job';
import type { ProbeResult } from '../../shared/probe';
import { candidateDetails } from '../lib/candidate-label';
import { t } from '../lib/i18n';
import type { DownloadCandidate } from '../lib/sources/candidates';
import type { ListedVideo, PageVideosResult } from '../lib/view-messages';
import { PlaylistCard } from './playlist-card';
import { type ProbeState, type Selection, VideoCard } from './video-card';

export interface PageInfo {
  tabId: number | null;
  url: string | null;
  title: string | null;
}

/** What to download: a listed video (by its frame and key), or the page level (the page itself, a stream no video claims). */
export interface DownloadChoice {
  url: string;
  frameId?: number;
  videoKey?: string;
}

interface Props {
  page: PageInfo | null;
  /** The tab's videos, as the background has them; null until it answers. */
  listing: PageVideosResult | null;
  /** Probes by URL: what each card's source offers. */
  probes: Map<string, ProbeState>;
  /** Asks for the probe of a card's source (once per URL). */
  probe: (c: DownloadCandidate) => void;
  /** A later page of a playlist's entries. */
  loadEntries: (c: DownloadCandidate, cursor: number) => Promise<ProbeResult>;
  defaultPreset: Preset;
  busy: boolean;
  onDownload: (choice: DownloadChoice, selection: Selection) => void;
  onDownloadAll: (choices: { choice: DownloadChoice; selection: Selection }[]) => void;
  onAddPlaylist: (c: DownloadCandidate, entries: EntrySelection, preset: Preset) => void;
}

/** The current tab: one card per video found (every frame's), or for the page itself, and Download all. */
export function CurrentPage({ page, listing, probes, probe, loadEntries, defaultPreset, busy, onDownload, onDownloadAll, onAddPlaylist }: Props) {
  // A video's source choice, by video, kept while the list refreshes.
  const [chosen, setChosen] = useState<Map<string, string>>(new Map());
  // What each card would download with, for Download all.
  const selections = useRef(new Map<string, Selection>());
  const videos = listing?.videos ?? [];
  const others = listing?.others ?? [];
  const pageAddress = listing?.page ?? null;
  const candidateOf = (v: ListedVideo) => v.candidates.find((c) => c.url === chosen.get(idOf(v))) ?? v.candidates[0];
  const pageCard = videos.length === 0 && others.length === 0 ? pageAddress : null;
  const shown = [...videos.map(candidateOf), ...others, pageCard].filter((c): c is DownloadCandidate => !!c);
  const shownKey = shown.map((c) => c.url).join('\n');
  useEffect(() => {
    for (const c of shown) probe(c);
  }, [shownKey]);
  if (!page) return null;
  const ready = videos.filter((v) => v.candidates.length > 0);
  const anything = ready.length > 0 || others.length > 0 || pageAddress !== null;
  const found = !listing
    ? ''
    : !anything && videos.length === 0
      ? t('notDownloadable')
      : videos.length === 1
        ? t('oneVideoFound')
        : videos.length > 1
          ? t('videosFound', videos.length)
          : t('noVideoFound');
  const selectionOf = (id: string): Selection => selections.current.get(id) ?? { preset: defaultPreset };
  const card = (id: string, label: string, c: DownloadCandidate | undefined, choice: (c: DownloadCandidate) => DownloadChoice, v?: ListedVideo) => {
    const state = c ? probes.get(c.url) : undefined;
    if (c && state?.state === 'ready' && state.probe.playlist)
      return (
        <PlaylistCard
          key={id}
          id={id}
          probe={state.probe}
          loadMore={(cursor) => loadEntries(c, cursor)}
          defaultPreset={defaultPreset}
          busy={busy}
          onAdd={(entries, preset) => onAddPlaylist(c, entries, preset)}
        />
      );
    return (
      <VideoCard
        key={id}
        id={id}
        label={label}
        details={c ? candidateDetails(c) : t('playFirstHint')}
        poster={v?.poster ?? null}
        candidates={v?.candidates ?? (c ? [c] : [])}
        chosen={c}
        onChoose={v ? (url) => setChosen((m) => new Map(m).set(id, url)) : undefined}
        probe={state}
        defaultPreset={defaultPreset}
        busy={busy}
        onSelect={(s) => selections.current.set(id, s)}
        onDownload={(cand, s) => onDownload(choice(cand), s)}
      />
    );
  };
  return (
    <section class="current-page" aria-labelledby="current-page-title">
      <div class="section-head">
        <h2 id="current-page-title">{t('currentPage')}</h2>
        {ready.length > 1 && (
          <button
            type="button"
            class="primary"
            disabled={busy}
            onClick={() =>
              onDownloadAll(ready.map((v) => ({ choice: { url: candidateOf(v)!.url, frameId: v.frameId, videoKey: v.key }, selection: selectionOf(idOf(v)) })))
            }
          >
            {t('downloadAll')}
          </button>
        )}
      </div>
      <p class="page-title" title={page.url ?? ''}>
        {page.title || page.url}
      </p>
      <p class="found">{found}</p>
      {videos.length > 0 && (
        <ul class="videos cards" aria-label={t('videosOnPage')}>
          {videos.map((v, i) =>
            card(idOf(v), v.label ?? t('videoNumber', i + 1), candidateOf(v), (c) => ({ url: c.url, frameId: v.frameId, videoKey: v.key }), v),
          )}
        </ul>
      )}
      {others.length > 0 && (
        <>
          <h3 class="others-title">{t('otherStreams')}</h3>
          <ul class="videos cards">{others.map((c, i) => card(`other-${i}`, candidateDetails(c), c, (x) => ({ url: x.url })))}</ul>
        </>
      )}
      {pageCard && <ul class="videos cards">{card('page', page.title || pageCard.url, pageCard, (x) => ({ url: x.url }))}</ul>}
    </section>
  );
}

const idOf = (v: ListedVideo) => `video-${v.frameId}-${v.key}`;
