import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Choice } from '../../shared/choice';
import type { Preset } from '../../shared/job';
import type { ProbeResult } from '../../shared/probe';
import { candidateDetails } from '../lib/candidate-label';
import { t } from '../lib/i18n';
import { type SubtitleMode, buildChoice, defaultOption, formatDuration, qualityOptions, subtitleOptions } from '../lib/probe/qualities';
import type { DownloadCandidate } from '../lib/sources/candidates';
import { CopyIcon, DownloadIcon } from './icons';
import { PresetSelect } from './preset-select';

/** A probe of a card's URL: running, answered, or failed with a sentence. */
export type ProbeState = { state: 'pending' } | { state: 'ready'; probe: ProbeResult } | { state: 'failed'; message: string };

/** What a card downloads with: an exact choice from its probe, else a preset. */
export type Selection = { choice: Choice } | { preset: Preset };

const QUALITY_LABELS = { height: (h: number, fps: number | null) => `${t('height', h)}${fps ?? ''}`, audioOnly: t('presetAudio') };

export const probeTitle = (probe: ProbeResult | null) => (probe && !probe.generic ? probe.title : null);

interface Props {
  id: string;
  /** What the page says of it: its label (the site's own title replaces it once probed). */
  label: string;
  /** "720p · stream · host": what the page shows of the chosen source. */
  details: string;
  /** The page's poster image of it: shown until the probe gives the site's thumbnail. */
  poster?: string | null;
  candidates: DownloadCandidate[];
  chosen: DownloadCandidate | undefined;
  onChoose?: (url: string) => void;
  probe: ProbeState | undefined;
  defaultPreset: Preset;
  busy: boolean;
  /** Tells the page which selection the card has (for "Download all"). */
  onSelect?: (selection: Selection) => void;
  onDownload: (c: DownloadCandidate, selection: Selection) => void;
}

/**
 * One video: its thumbnail, title, duration (or LIVE) and site; the qualities its probe
 * found, with sizes, and its subtitles; one Download. While the probe runs it shows what
 * the page knows and downloads with a preset; a failed probe says why and still does.
 */
export function VideoCard({ id, label, details, poster, candidates, chosen, onChoose, probe, defaultPreset, busy, onSelect, onDownload }: Props) {
  const ready = probe?.state === 'ready' ? probe.probe : null;
  const options = useMemo(() => (ready ? qualityOptions(ready, QUALITY_LABELS) : []), [ready]);
  const subtitles = useMemo(() => (ready ? subtitleOptions(ready) : []), [ready]);
  const [quality, setQuality] = useState<string | null>(null);
  const [preset, setPreset] = useState<Preset>(defaultPreset);
  const [subtitle, setSubtitle] = useState('');
  const [mode, setMode] = useState<SubtitleMode>('embed');
  const [copied, setCopied] = useState(false);
  useEffect(() => setPreset(defaultPreset), [defaultPreset]);

  const option = options.find((o) => o.value === quality) ?? defaultOption(options, preset);
  const sub = subtitles.find((s) => s.value === subtitle) ?? null;
  const selection: Selection = option ? { choice: buildChoice(option, sub, mode) } : { preset };
  const selectionKey = JSON.stringify(selection);
  useEffect(() => onSelect?.(selection), [selectionKey]);

  const title = probeTitle(ready) ?? label;
  const live = ready?.isLive || chosen?.live;
  const duration = !live && ready?.duration ? formatDuration(ready.duration) : null;
  const site = ready && !ready.generic ? [ready.extractor, ready.uploader].filter(Boolean).join(' · ') : '';
  return (
    <li class="card video" data-video={id} aria-busy={probe?.state === 'pending' ? 'true' : undefined}>
      <div class="thumb" aria-hidden="true">
        {ready?.thumbnail || poster ? (
          <img src={ready?.thumbnail || poster!} alt="" loading="lazy" decoding="async" referrerpolicy="no-referrer" />
        ) : (
          <span class="thumb-empty">▶</span>
        )}
        {live ? <span class="badge live">{t('live')}</span> : duration && <span class="badge">{duration}</span>}
      </div>
      <div class="card-body">
        <span class="video-label" id={`${id}-label`} title={chosen?.url}>
          {title}
        </span>
        {details !== title && (
          <span class="video-details" id={`${id}-details`}>
            {details}
          </span>
        )}
        {site && <span class="video-site">{site}</span>}
        {probe?.state === 'pending' && (
          <span class="probing" role="status">
            <span class="spinner" aria-hidden="true" />
            {t('probing')}
          </span>
        )}
        {probe?.state === 'failed' && <span class="probe-failed">{t('probeFailed', probe.message)}</span>}
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
          <div class="card-controls">
            {option ? (
              <select
                class="quality"
                aria-label={t('qualityOf', title)}
                value={option.value}
                onInput={(e) => setQuality((e.currentTarget as HTMLSelectElement).value)}
              >
                {options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <PresetSelect value={preset} onChange={setPreset} label={t('qualityOf', title)} />
            )}
            {subtitles.length > 0 && (
              <select aria-label={t('subtitlesOf', title)} value={subtitle} onInput={(e) => setSubtitle((e.currentTarget as HTMLSelectElement).value)}>
                <option value="">{t('subtitlesNone')}</option>
                {subtitles.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.automatic ? t('subtitleAutomatic', s.language) : s.language}
                  </option>
                ))}
              </select>
            )}
            {sub && !option?.audioOnly && (
              <select
                aria-label={t('subtitleModeOf', title)}
                value={mode}
                onInput={(e) => setMode((e.currentTarget as HTMLSelectElement).value as SubtitleMode)}
              >
                <option value="embed">{t('subtitleEmbed')}</option>
                <option value="file">{t('subtitleFile')}</option>
              </select>
            )}
            <button
              type="button"
              class="primary download"
              aria-describedby={`${id}-label${details !== title ? ` ${id}-details` : ''}`}
              disabled={busy}
              onClick={() => onDownload(chosen, selection)}
            >
              <DownloadIcon />
              {t('download')}
            </button>
            <button
              type="button"
              class="icon copy"
              title={copied ? t('copied') : chosen.url}
              aria-label={t('copyAddressLabel', title)}
              onClick={() => void navigator.clipboard?.writeText(chosen.url).then(() => setCopied(true))}
            >
              <CopyIcon />
            </button>
          </div>
        )}
      </div>
    </li>
  );
}
