import type { ProtocolError } from '../../../shared/errors';
import type { Job } from '../../../shared/job';
import { quote } from '../../../shared/quote';
import type { PageJob, ViewRequest } from '../view-messages';

/** Who opened a port, as the browser says it (runtime.MessageSender). */
export interface PortSender {
  tab?: { id?: number; url?: string; title?: string };
  /** 0: the tab's top page; another number: a frame in it. */
  frameId?: number;
  /** The sender's document: the frame's own URL for a content script in a frame. */
  url?: string;
  origin?: string;
}

/**
 * A port is the extension's own page (popup, options) or a content script. A content
 * script runs in a web page (the top page or a frame) and is treated like that page: its
 * `owner` is its tab and its document's origin (null when either is unknown: it may then
 * do nothing). Its frame and its tab's page are the browser's word, not the script's.
 */
export type ViewKind =
  | { kind: 'extension' }
  | {
      kind: 'page';
      tabId: number | null;
      owner: string | null;
      frameId: number;
      /** The frame's document URL. */
      frameUrl: string | null;
      /** The tab's top page and its title. */
      pageUrl: string | null;
      pageTitle: string | null;
    };

export function classifySender(sender: PortSender | undefined, extensionOrigin: string): ViewKind {
  const url = sender?.url ?? '';
  if (url.startsWith(extensionOrigin) || (!sender?.tab && !url)) return { kind: 'extension' };
  const tabId = sender?.tab?.id ?? null;
  // An about:blank frame has its creator's origin, which the browser gives as `origin`.
  const own = originOf(url);
  const origin = own && own !== 'null' ? own : (sender?.origin ?? null);
  const owner = tabId === null || origin === null || origin === 'null' ? null : `${tabId} ${origin}`;
  const frameId = sender?.frameId ?? 0;
  return {
    kind: 'page',
    tabId,
    owner,
    frameId,
    frameUrl: url || null,
    pageUrl: sender?.tab?.url ?? (frameId === 0 ? url || null : null),
    pageTitle: sender?.tab?.title ?? null,
  };
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** What a page's button needs of a job, and nothing more: no URLs, no file path, no title. */
export function toPageJob(job: Job): PageJob {
  const p = job.progress.percent;
  // Whole, and never past 100 whatever the daemon's estimate said.
  return { id: job.id, status: job.status, percent: p === null ? null : Math.min(100, Math.max(0, Math.floor(p))) };
}

/** Requests a page may make, each about a job it started. */
const PAGE_REQUESTS = new Set(['jobs.retry', 'jobs.cancel', 'jobs.get', 'jobs.stopRecording']);

/**
 * What a content script may send: its frame's videos, downloads for its own tab, and
 * retry, cancel, stop (a recording) or get of the jobs it started. The refusal, or null
 * when the message may go on (ownership of a request's job is checked once its params are
 * valid).
 */
export function pageRefusal(msg: ViewRequest & { id: number }, owner: string | null): ProtocolError | null {
  const what = msg.kind === 'request' ? msg.type : msg.kind;
  if ((msg.kind !== 'download' && msg.kind !== 'request') || (msg.kind === 'request' && !PAGE_REQUESTS.has(msg.type))) {
    return { code: 'INVALID_MESSAGE', message: `A page's content script may not send ${quote(what)}` };
  }
  if (owner === null) return { code: 'INVALID_MESSAGE', message: `This page has no tab and origin to speak for: it may not send ${quote(what)}` };
  return null;
}

/** The answer to a page asking about a job it did not start: the same whether the job exists or not. */
export const notOwned = (jobId: number): ProtocolError => ({
  code: 'NOT_FOUND',
  message: `This page started no download with id ${jobId}`,
  field: 'params.jobId',
});

type Saved = Record<string, number[]>;

export interface ContentPolicyDeps {
  /** Session storage: an MV3 background is stopped when idle; what pages started is kept. */
  store: { getValue(): Promise<Saved>; setValue(value: Saved): Promise<void> };
  /** The jobs remembered per owner, newest kept. */
  maxPerOwner?: number;
}

/** Which jobs each page (tab and origin) started: the only ones it hears of and may act on. */
export function createOwnership(d: ContentPolicyDeps) {
  const max = d.maxPerOwner ?? 200;
  const byOwner = new Map<string, number[]>();
  const loaded = d.store.getValue().then(
    (saved) => {
      for (const [owner, ids] of Object.entries(saved)) if (!byOwner.has(owner)) byOwner.set(owner, ids.slice(-max));
    },
    () => {},
  );
  const save = () => void d.store.setValue(Object.fromEntries(byOwner));

  return {
    /** Resolves once what an earlier run of the background remembered is known. */
    ready: (): Promise<void> => loaded,
    async remember(owner: string, jobId: number): Promise<void> {
      await loaded;
      const ids = (byOwner.get(owner) ?? []).filter((id) => id !== jobId);
      ids.push(jobId);
      byOwner.set(owner, ids.slice(-max));
      save();
    },
    /** Synchronous, for the event relay: false until the saved state is loaded. */
    owns(owner: string, jobId: number): boolean {
      return byOwner.get(owner)?.includes(jobId) ?? false;
    },
    /** Jobs that left the daemon's history. */
    async forgetJobs(jobIds: number[]): Promise<void> {
      await loaded;
      const gone = new Set(jobIds);
      let changed = false;
      for (const [owner, ids] of byOwner) {
        const kept = ids.filter((id) => !gone.has(id));
        if (kept.length === ids.length) continue;
        changed = true;
        if (kept.length > 0) byOwner.set(owner, kept);
        else byOwner.delete(owner);
      }
      if (changed) save();
    },
    /** A closed tab: none of its pages can ask again. */
    async forgetTab(tabId: number): Promise<void> {
      await loaded;
      let changed = false;
      for (const owner of [...byOwner.keys()]) {
        if (owner.startsWith(`${tabId} `)) {
          byOwner.delete(owner);
          changed = true;
        }
      }
      if (changed) save();
    },
  };
}

export type Ownership = ReturnType<typeof createOwnership>;
