import { useEffect, useState } from 'preact/hooks';
import type { Preset } from '../../shared/job';
import { type MessageKey, t } from '../lib/i18n';
import { PresetSelect } from './preset-select';
import type { DownloadCandidate } from '../lib/video-url';

export interface PageVideo {
  src: string;
  width: number;
  height: number;
}

export interface PageInfo {
  tabId: number | null;
  url: string | null;
  title: string | null;
  videos: PageVideo[];
}

const SOURCE_KEY: Record<DownloadCandidate['kind'], MessageKey> = {
  page: 'sourcePage',
  'video-src': 'sourceVideo',
  manifest: 'sourceManifest',
  progressive: 'sourceProgressive',
};

interface Props {
  page: PageInfo | null;
  candidates: DownloadCandidate[];
  defaultPreset: Preset;
  busy: boolean;
  onDownload: (candidate: DownloadCandidate, preset: Preset) => void;
}

/** The current tab: its title, the videos found, a quality and source choice, and Download. */
export function CurrentPage({ page, candidates, defaultPreset, busy, onDownload }: Props) {
  const [preset, setPreset] = useState<Preset>(defaultPreset);
  const [source, setSource] = useState(0);
  useEffect(() => setPreset(defaultPreset), [defaultPreset]);
  useEffect(() => setSource(0), [candidates]);
  if (!page) return null;
  const chosen = candidates[source] ?? candidates[0];
  return (
    <section class="current-page" aria-labelledby="current-page-title">
      <h2 id="current-page-title">{t('currentPage')}</h2>
      <p class="page-title" title={page.url ?? ''}>
        {page.title || page.url}
      </p>
      <p class="found">{candidates.length === 0 ? t('notDownloadable') : page.videos.length > 0 ? t('videosFound', page.videos.length) : t('noVideoFound')}</p>
      {candidates.length > 0 && (
        <div class="download-form">
          <label>
            {t('preset')}
            <PresetSelect value={preset} onChange={setPreset} />
          </label>
          {candidates.length > 1 && (
            <label>
              {t('source')}
              <select value={String(source)} onChange={(e) => setSource(Number((e.currentTarget as HTMLSelectElement).value))}>
                {candidates.map((c, i) => (
                  <option key={c.url} value={String(i)} title={c.url}>
                    {t(SOURCE_KEY[c.kind])}: {shortUrl(c.url)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="button" class="primary" disabled={busy || !chosen} onClick={() => chosen && onDownload(chosen, preset)}>
            {t('download')}
          </button>
        </div>
      )}
    </section>
  );
}

function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname.length > 40 ? `…${u.pathname.slice(-39)}` : u.pathname;
    return `${u.host}${path}`;
  } catch {
    return url.slice(0, 60);
  }
}
