import { t } from './i18n';
import type { DownloadCandidate } from './sources/candidates';

/** What a person needs to tell candidates apart, without reading a URL: "720p · stream · cdn.example.com". */
export function candidateDetails(c: DownloadCandidate): string {
  const parts: string[] = [];
  if (c.height) parts.push(t('height', c.height));
  parts.push(c.kind === 'page' ? t('kindPage') : c.live ? t('kindLive') : c.kind === 'file' ? t('kindFile') : t('kindStream'));
  try {
    parts.push(new URL(c.url).host);
  } catch {
    // only http(s) URLs come here
  }
  return parts.join(' · ');
}
