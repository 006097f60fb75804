import { formatBytes, formatEta } from '../../../shared/format';
import type { Job } from '../../../shared/job';
import type { ProbeResult, ProbeSize } from '../../../shared/probe';
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

const sizeText = (s: ProbeSize | null) => (s === null ? '?' : `${s.estimate ? '~' : ''}${formatBytes(s.bytes)}`);

/** What `vidqueue probe` prints: the video, its formats with their sizes, subtitles, or the playlist's entries. */
export function probeSummary(r: ProbeResult): string {
  const lines: string[] = [printable(r.playlist?.title ?? r.title ?? r.url)];
  const facts = [
    `site: ${r.extractor ?? 'unknown'}${r.generic ? " (yt-dlp's generic extractor: the page's own media)" : ''}`,
    r.id ? `id ${r.id}` : null,
    r.uploader ? `by ${r.uploader}` : null,
    r.duration ? formatEta(r.duration) : null,
    r.isLive ? 'live now' : r.wasLive ? 'was live' : null,
  ].filter(Boolean);
  lines.push(`  ${printable(facts.join(' · '))}`);
  if (r.formats.length > 0) {
    const rows = [
      ['ID', 'QUALITY', 'VIDEO', 'AUDIO', 'CONTAINER', 'SIZE'],
      ...r.formats.map((f) => [
        f.id,
        f.label,
        f.hasVideo ? (f.videoCodec ?? '?') : '-',
        f.hasAudio ? (f.audioCodec ?? '?') : '-',
        f.container ?? '?',
        sizeText(f.size),
      ]),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
    lines.push('Formats (best first; ~ is an estimate):');
    for (const row of rows)
      lines.push(
        `  ${printable(
          row
            .map((c, i) => c.padEnd(widths[i]!))
            .join('  ')
            .trimEnd(),
        )}`,
      );
    lines.push(`Best video and audio: ${sizeText(r.size)}`);
  }
  if (!r.playlist) {
    lines.push(`Subtitles: ${printable(r.subtitles.join(', ') || 'none')}`);
    lines.push(`Automatic captions: ${printable(r.automaticCaptions.join(', ') || 'none')}`);
  } else {
    lines.push(`Playlist: ${r.playlist.count} entr${r.playlist.count === 1 ? 'y' : 'ies'}`);
    const width = String(r.playlist.count).length;
    for (const e of r.playlist.entries) {
      const what = [e.title ?? e.id ?? '', e.duration ? formatEta(e.duration) : null, e.url].filter(Boolean).join('  ');
      lines.push(`  ${String(e.index).padStart(width)}  ${printable(what)}`);
    }
  }
  return lines.join('\n');
}
