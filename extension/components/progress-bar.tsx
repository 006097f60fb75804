import { formatBytes, formatEta } from '../../shared/format';
import type { Job } from '../../shared/job';
import { t } from '../lib/i18n';
import { JobNote } from './job-note';

/** What a screen reader says of a job's progress, and what the row shows under its bar. */
function progressText(job: Job): string {
  const p = job.progress;
  const parts: string[] = [];
  if (p.totalBytes !== null) parts.push(t('progressText', formatBytes(p.downloadedBytes), `${p.totalIsEstimate ? '~' : ''}${formatBytes(p.totalBytes)}`));
  else if (p.downloadedBytes > 0) parts.push(t('progressUnknownTotal', formatBytes(p.downloadedBytes)));
  if (job.status === 'downloading' && p.speed) parts.push(t('progressSpeed', formatBytes(p.speed)));
  if (job.status === 'downloading' && p.eta !== null && p.eta > 0) parts.push(t('progressEta', formatEta(p.eta)));
  if (job.status === 'downloading' && p.fragmentCount) parts.push(t('fragments', p.fragmentIndex ?? 0, p.fragmentCount));
  return parts.join(' · ');
}

export function ProgressBar({ job, label, note }: { job: Job; label: string; note?: string | null }) {
  const percent = job.status === 'completed' ? 100 : job.progress.percent;
  const text = progressText(job);
  return (
    <div class="progress">
      <div
        class={`bar bar-${job.status}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent === null ? undefined : Math.round(percent * 10) / 10}
        aria-valuetext={percent === null ? text || undefined : `${percent.toFixed(1)}%${text ? ` · ${text}` : ''}`}
      >
        <div class={`fill${percent === null && job.status === 'downloading' ? ' indeterminate' : ''}`} style={{ width: `${percent ?? 0}%` }} />
      </div>
      <div class="progress-text">
        {percent !== null && <span class="percent">{percent.toFixed(1)}%</span>}
        <span>{text}</span>
        {note && <JobNote note={note} />}
      </div>
    </div>
  );
}
