import { VidQueueError } from '../../../shared/errors';
import type { ToolLookup } from '../downloader/tools';
import { fetchLookups } from './lookups';
import { type FullProbe, reduceProbe } from './reduce';
import { runProbe } from './run';
import type { ProbeKey } from './service';

/** The lookups after yt-dlp get what is left of the time limit, within these bounds. */
const LOOKUP_MIN_MS = 500;
const LOOKUP_MAX_MS = 5000;

/** Reads what a URL offers: yt-dlp's document, completed by the lookups it calls for, reduced. */
export async function readUrl(findYtdlp: () => ToolLookup, key: ProbeKey, signal: AbortSignal, timeoutMs: number): Promise<FullProbe> {
  const tool = findYtdlp();
  if (!tool.ok) throw tool.error;
  const started = Date.now();
  const doc = await runProbe({ ytdlp: tool.path, url: key.url, referer: key.referer, timeoutMs, signal });
  const first = reduceProbe(doc, key.url, Date.now());
  if (!first.lookups.hlsPlaylist && first.lookups.lengths.length === 0) return first.probe;
  const left = Math.min(LOOKUP_MAX_MS, Math.max(LOOKUP_MIN_MS, timeoutMs - (Date.now() - started)));
  const extra = await fetchLookups(first.lookups, signal, left);
  if (signal.aborted) throw new VidQueueError('PROBE_CANCELLED', 'The probe was stopped: nobody waits for it any more.', 'url');
  return reduceProbe(doc, key.url, first.probe.probedAt, extra).probe;
}
