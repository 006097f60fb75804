import { formatBytes, formatEta } from '../../../shared/format';
import type { Job } from '../../../shared/job';
import type { ToolsReport } from '../../../shared/tools';

/** One line a job: what `vidqueue ls` prints. */
export function jobLine(job: Job): string {
  const p = job.progress;
  const percent = job.status === 'completed' ? '100%' : p.percent === null ? '' : `${p.percent.toFixed(1)}%`;
  const size =
    p.totalBytes !== null
      ? `${formatBytes(p.downloadedBytes)}/${p.totalIsEstimate ? '~' : ''}${formatBytes(p.totalBytes)}`
      : p.downloadedBytes
        ? formatBytes(p.downloadedBytes)
        : '';
  const speed =
    job.status === 'recording' ? `${recordedFor(job)} rec` : job.status === 'downloading' && p.speed ? `${formatBytes(p.speed)}/s ${formatEta(p.eta)}` : '';
  const what = job.status === 'completed' && job.filePath ? job.filePath : (job.title ?? job.url);
  const error = job.status === 'failed' && job.error ? `  (${job.error.code}: ${job.error.message.split('\n')[0]})` : '';
  return [
    String(job.id).padStart(5),
    job.status.padEnd(11),
    percent.padStart(6),
    size.padStart(21),
    speed.padStart(16),
    ` ${printable(what)}${printable(error)}`,
  ].join(' ');
}

export function progressLine(job: Job): string {
  const p = job.progress;
  // A stream has no total: how long it has been recorded, and how much.
  if (job.status === 'recording')
    return `[${job.id}] recording ${recordedFor(job)} ${formatBytes(p.downloadedBytes)}${p.speed ? ` ${formatBytes(p.speed)}/s` : ''}`;
  const pct = p.percent === null ? '  ?  ' : `${p.percent.toFixed(1).padStart(5)}%`;
  const frag = p.fragmentCount ? ` frag ${p.fragmentIndex ?? 0}/${p.fragmentCount}` : '';
  return `[${job.id}] ${job.status} ${pct} ${formatBytes(p.downloadedBytes)}/${p.totalBytes === null ? '?' : formatBytes(p.totalBytes)} ${p.speed ? `${formatBytes(p.speed)}/s` : ''} ${formatEta(p.eta)}${frag}`;
}

/** What `vidqueue tools` prints: one block a tool, what to run when it is missing or old. */
export function toolsReport(r: ToolsReport): string {
  const lines: string[] = [];
  for (const t of r.tools) {
    if (t.source === 'missing') lines.push(`${t.name}: missing`);
    else {
      const age = t.ageDays === null ? '' : `, ${t.ageDays} days old`;
      const channel = t.id === 'yt-dlp' && t.source === 'managed' ? `, ${t.channel} channel` : '';
      lines.push(`${t.name}: ${t.version ?? 'version unknown'} (${t.source}${channel}${age}) ${t.path}`);
    }
    if (t.id === 'yt-dlp') {
      const when = t.lastCheck ? new Date(t.lastCheck).toISOString() : 'never';
      lines.push(
        `    updates: ${r.managed ? `VidQueue's own copy${r.autoUpdate ? ', checked once a day' : ', automatic checks off'}` : 'the system copy is used (`vidqueue tools update` to let VidQueue keep its own)'}; last check: ${when}`,
      );
      if (t.lastError) lines.push(`    last check failed: ${printable(t.lastError)}`);
    }
    if (t.fix) lines.push(`    fix: ${t.fix}`);
  }
  return lines.join('\n');
}

/** How long a recording has run, from the job's start: `1h02m`, `3m05s`. */
function recordedFor(job: Job, now = Date.now()): string {
  return job.startedAt === null ? '' : formatEta(Math.max(0, (now - job.startedAt) / 1000));
}

/** Text from sites (titles, errors) cannot drive the terminal: no escape or control characters. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes or refuses
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}
