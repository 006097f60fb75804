import type { Job } from '../../../shared/job';

export function formatBytes(n: number | null): string {
  if (n === null) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function formatEta(s: number | null): string {
  if (s === null) return '';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

/** One line a job: what `vidqueue ls` prints. */
export function jobLine(job: Job): string {
  const p = job.progress;
  const percent = job.status === 'completed' ? '100%' : p.percent === null ? '' : `${p.percent.toFixed(1)}%`;
  const size = p.totalBytes !== null ? `${formatBytes(p.downloadedBytes)}/${p.totalIsEstimate ? '~' : ''}${formatBytes(p.totalBytes)}` : p.downloadedBytes ? formatBytes(p.downloadedBytes) : '';
  const speed = job.status === 'downloading' && p.speed ? `${formatBytes(p.speed)}/s ${formatEta(p.eta)}` : '';
  const what = job.status === 'completed' && job.filePath ? job.filePath : job.title ?? job.url;
  const error = job.status === 'failed' && job.error ? `  (${job.error.code}: ${job.error.message.split('\n')[0]})` : '';
  return [String(job.id).padStart(5), job.status.padEnd(11), percent.padStart(6), size.padStart(21), speed.padStart(16), ` ${what}${error}`].join(' ');
}

export function progressLine(job: Job): string {
  const p = job.progress;
  const pct = p.percent === null ? '  ?  ' : `${p.percent.toFixed(1).padStart(5)}%`;
  const frag = p.fragmentCount ? ` frag ${p.fragmentIndex ?? 0}/${p.fragmentCount}` : '';
  return `[${job.id}] ${job.status} ${pct} ${formatBytes(p.downloadedBytes)}/${p.totalBytes === null ? '?' : formatBytes(p.totalBytes)} ${p.speed ? `${formatBytes(p.speed)}/s` : ''} ${formatEta(p.eta)}${frag}`;
}
