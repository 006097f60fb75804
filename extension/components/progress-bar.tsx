import { useEffect, useState } from 'preact/hooks';
import { formatBytes, formatEta } from '../../shared/format';
import type { Job } from '../../shared/job';
import { t } from '../lib/i18n';
import { JobNote } from './job-note';

/** 0..100: a daemon's estimate can overshoot, what is shown never does. */
export function shownPercent(job: Job): number | null {
  if (job.status === 'completed') return 100;
  if (job.status === 'recording') return null;
  const p = job.progress.percent;
  return p === null ? null : Math.min(100, Math.max(0, p));
}

/** What a screen reader says of a job's progress, and what the row shows under its bar. */
export function progressText(job: Job, now: number): string {
  const p = job.progress;
  // A live recording has no end to measure against: how long, and how much so far.
  if (job.status === 'recording')
    return t('recordingText', formatEta(Math.max(0, (now - (job.startedAt ?? job.createdAt)) / 1000)), formatBytes(p.downloadedBytes));
  const parts: string[] = [];
  // More done than the total said: the total was wrong, so it is not shown.
  if (p.totalBytes !== null && p.downloadedBytes <= p.totalBytes) {
    parts.push(t(p.totalIsEstimate ? 'progressTextAbout' : 'progressText', formatBytes(p.downloadedBytes), formatBytes(p.totalBytes)));
  } else if (p.downloadedBytes > 0) parts.push(t('progressUnknownTotal', formatBytes(p.downloadedBytes)));
  if (job.status === 'downloading' && p.speed) parts.push(t('progressSpeed', formatBytes(p.speed)));
  if (job.status === 'downloading' && p.eta !== null && p.eta > 0) parts.push(t('progressEta', formatEta(p.eta)));
  if (job.status === 'downloading' && p.fragmentCount) parts.push(t('fragments', Math.min(p.fragmentIndex ?? 0, p.fragmentCount), p.fragmentCount));
  return parts.join(' · ');
}

/** The time, each second while `ticking`: a recording's elapsed time moves between progress events. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!ticking) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return ticking ? Math.max(now, Date.now()) : now;
}

export function ProgressBar({ job, label, note }: { job: Job; label: string; note?: string | null }) {
  const percent = shownPercent(job);
  const now = useNow(job.status === 'recording');
  const text = progressText(job, now);
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
