import type { Job } from '../../shared/job';
import { emptyProgress } from '../../shared/job';
import type { ProbeResult } from '../../shared/probe';
import type { NativePort } from './host-connection';

/** A scriptable native port for unit tests: records what the extension sent, answers on demand. */
export function createFakeNativePort() {
  const messageListeners: ((m: unknown) => void)[] = [];
  const disconnectListeners: ((p: NativePort) => void)[] = [];
  const sent: { id?: number; type?: string; params?: unknown }[] = [];
  const port: NativePort & {
    sent: typeof sent;
    reply(id: number, result: unknown): void;
    fail(id: number, code: string, message: string): void;
    push(m: unknown): void;
    drop(error?: string): void;
    disconnected: boolean;
  } = {
    sent,
    disconnected: false,
    error: null,
    postMessage(m) {
      sent.push(m as never);
    },
    disconnect() {
      port.disconnected = true;
    },
    onMessage: { addListener: (fn) => void messageListeners.push(fn) },
    onDisconnect: { addListener: (fn) => void disconnectListeners.push(fn) },
    reply(id, result) {
      for (const fn of messageListeners) fn({ id, ok: true, result });
    },
    fail(id, code, message) {
      for (const fn of messageListeners) fn({ id, ok: false, error: { code, message } });
    },
    push(m) {
      for (const fn of messageListeners) fn(m);
    },
    drop(error) {
      port.error = error ? { message: error } : null;
      for (const fn of disconnectListeners) fn(port);
    },
  };
  return port;
}

export type FakeNativePort = ReturnType<typeof createFakeNativePort>;

export function makeJob(over: Partial<Job> & { id: number }): Job {
  return {
    url: `https://example.com/v/${over.id}`,
    pageUrl: null,
    referer: null,
    title: `Video ${over.id}`,
    preset: 'best',
    status: 'queued',
    position: over.id,
    progress: emptyProgress(),
    filePath: null,
    error: null,
    note: null,
    live: false,
    createdAt: 1_700_000_000_000 + over.id,
    startedAt: null,
    finishedAt: null,
    cancelledAt: null,
    ...over,
  };
}

/** What the daemon's probe says of a URL: by default, yt-dlp's generic extractor with nothing found. */
export function makeProbe(url: string, over: Partial<ProbeResult> = {}): ProbeResult {
  return {
    url,
    extractor: 'Generic',
    generic: true,
    id: null,
    title: null,
    uploader: null,
    duration: null,
    thumbnail: null,
    isLive: false,
    wasLive: false,
    formats: [],
    size: null,
    subtitles: [],
    automaticCaptions: [],
    playlist: null,
    probedAt: 0,
    ...over,
  };
}
