import { useEffect, useState } from 'preact/hooks';
import type { Preset } from '../../shared/job';
import { candidateDetails } from '../lib/candidate-label';
import { t } from '../lib/i18n';
import type { DownloadCandidate } from '../lib/sources/candidates';
import type { ListedVideo, PageVideosResult } from '../lib/view-messages';
import { PresetSelect } from './preset-select';

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
  defaultPreset: Preset;
  busy: boolean;
  onDownload: (choice: DownloadChoice, preset: Preset) => void;
  onDownloadAll: (choices: DownloadChoice[], preset: Preset) => void;
}

/** The current tab: its title, each video found (every frame's) with its own Download, and Download all. */
export function CurrentPage({ page, listing, defaultPreset, busy, onDownload, onDownloadAll }: Props) {
  const [preset, setPreset] = useState<Preset>(defaultPreset);
  useEffect(() => setPreset(defaultPreset), [defaultPreset]);
  // A video's source choice, by video, kept while the list refreshes.
  const [chosen, setChosen] = useState<Map<string, string>>(new Map());
  if (!page) return null;
  const videos = listing?.videos ?? [];
  const others = listing?.others ?? [];
  const pageAddress = listing?.page ?? null;
  const candidateOf = (v: ListedVideo) => v.candidates.find((c) => c.url === chosen.get(idOf(v))) ?? v.candidates[0];
  const ready = videos.filter((v) => v.candidates.length > 0);
  const anything = ready.length > 0 || others.length > 0 || pageAddress !== null;
  const found = !listing
    ? ''
    : !anything && videos.length === 0
      ? t('notDownloadable')
      : videos.length > 0
        ? t('videosFound', videos.length)
        : t('noVideoFound');
  return (
    <section class="current-page" aria-labelledby="current-page-title">
      <h2 id="current-page-title">{t('currentPage')}</h2>
      <p class="page-title" title={page.url ?? ''}>
        {page.title || page.url}
      </p>
      <p class="found">{found}</p>
      {anything && (
        <div class="download-form">
          <label>
            {t('preset')}
            <PresetSelect value={preset} onChange={setPreset} />
          </label>
          {ready.length > 1 && (
            <button
              type="button"
              class="primary"
              disabled={busy}
              onClick={() =>
                onDownloadAll(
                  ready.map((v) => ({ url: candidateOf(v)!.url, frameId: v.frameId, videoKey: v.key })),
                  preset,
                )
              }
            >
              {t('downloadAll')}
            </button>
          )}
        </div>
      )}
      {videos.length > 0 && (
        <ul class="videos" aria-label={t('videosOnPage')}>
          {videos.map((v, i) => (
            <Item
              key={idOf(v)}
              id={idOf(v)}
              label={v.label ?? t('videoNumber', i + 1)}
              candidates={v.candidates}
              chosen={candidateOf(v)}
              onChoose={(url) => setChosen((m) => new Map(m).set(idOf(v), url))}
              busy={busy}
              onDownload={(c) => onDownload({ url: c.url, frameId: v.frameId, videoKey: v.key }, preset)}
            />
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <>
          <h3 class="others-title">{t('otherStreams')}</h3>
          <ul class="videos">
            {others.map((c, i) => (
              <Item
                key={c.url}
                id={`other-${i}`}
                label={candidateDetails(c)}
                candidates={[c]}
                chosen={c}
                busy={busy}
                onDownload={() => onDownload({ url: c.url }, preset)}
              />
            ))}
          </ul>
        </>
      )}
      {videos.length === 0 && others.length === 0 && pageAddress && (
        <button type="button" class="primary" title={pageAddress.url} disabled={busy} onClick={() => onDownload({ url: pageAddress.url }, preset)}>
          {t('download')}
        </button>
      )}
    </section>
  );
}

const idOf = (v: ListedVideo) => `video-${v.frameId}-${v.key}`;

interface ItemProps {
  id: string;
  label: string;
  candidates: DownloadCandidate[];
  chosen: DownloadCandidate | undefined;
  onChoose?: (url: string) => void;
  busy: boolean;
  onDownload: (c: DownloadCandidate) => void;
}

/** One video: a readable label and details (the URL only as a tooltip and a copy), its source choice, its Download. */
function Item({ id, label, candidates, chosen, onChoose, busy, onDownload }: ItemProps) {
  const [copied, setCopied] = useState(false);
  const details = chosen ? candidateDetails(chosen) : t('playFirstHint');
  return (
    <li class="video" data-video={id}>
      <div class="video-text">
        <span class="video-label" id={`${id}-label`} title={chosen?.url}>
          {label}
        </span>
        {details !== label && (
          <span class="video-details" id={`${id}-details`}>
            {details}
          </span>
        )}
      </div>
      {candidates.length > 1 && onChoose && (
        <select aria-label={t('sourceOf', label)} value={chosen?.url} onInput={(e) => onChoose((e.currentTarget as HTMLSelectElement).value)}>
          {candidates.map((c) => (
            <option key={c.url} value={c.url} title={c.url}>
              {candidateDetails(c)}
            </option>
          ))}
        </select>
      )}
      {chosen && (
        <>
          <button type="button" class="primary" aria-describedby={`${id}-label ${id}-details`} disabled={busy} onClick={() => onDownload(chosen)}>
            {t('download')}
          </button>
          <button
            type="button"
            class="copy"
            title={chosen.url}
            aria-label={t('copyAddressLabel', label)}
            onClick={() => void navigator.clipboard?.writeText(chosen.url).then(() => setCopied(true))}
          >
            {copied ? t('copied') : t('copy')}
          </button>
        </>
      )}
    </li>
  );
}
