import type { ProtocolError } from '../../../shared/errors';
import type { Job } from '../../../shared/job';
import { type Event, type Notice, parseRequest } from '../../../shared/protocol';
import { type HostConnection, type HostStatus, HostRequestError } from '../host-connection';
import { type PageJob, VIEW_PORT, type ViewMessage, type ViewRequest, checkViewRequest } from '../view-messages';
import { type Ownership, type PortSender, type ViewKind, classifySender, notOwned, pageRefusal, toPageJob } from './content-policy';
import type { Downloads } from './downloads';
import type { PageVideos } from './page-videos';
import type { Probes } from './probes';

/** The part of runtime.Port the background uses. */
export interface ViewPort {
  name: string;
  sender?: PortSender;
  postMessage(message: unknown): void;
  onMessage: { addListener(fn: (message: unknown) => void): void };
  onDisconnect: { addListener(fn: () => void): void };
}

export interface ViewHubDeps {
  /** `runtime.getURL('/')`: ports from pages under it are the extension's own. */
  extensionOrigin: string;
  host: Pick<HostConnection, 'request' | 'doctor' | 'hold' | 'retryNow'>;
  downloads: Downloads;
  /** What each frame's content script reported. */
  videos: Pick<PageVideos, 'report' | 'dropFrame'>;
  /** Asks every frame of a tab to report its videos again (the popup opened on it). */
  askReports?: (tabId: number) => void;
  /** Which jobs each page started. */
  ownership: Ownership;
  /** The extension pages' probes, a few at once, each in its own slot; a view's go with it. */
  probes?: Pick<Probes, 'probe' | 'cancel'>;
  notices: { current(): Notice[]; dismiss(id: number): Promise<void> };
}

type ExtensionView = { kind: 'extension'; port: ViewPort };
/** A content script: it hears only of the jobs its page started, reduced to what its button shows. */
type PageView = Extract<ViewKind, { kind: 'page' }> & { port: ViewPort; lastSent: Map<number, string>; reported: boolean };
type View = ExtensionView | PageView;
type Request = Exclude<ViewRequest, { kind: 'retry-host' } | { kind: 'report-videos' }>;

const toError = (err: unknown): ProtocolError =>
  err instanceof HostRequestError
    ? { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) }
    : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };

/**
 * The views' ports: popup and options page (the extension's own, trusted) and content
 * scripts (one in every tab, treated like the web page they run in). Each message is
 * checked and answered; the host's status and events go to the extension's pages, and a
 * content script hears only of the jobs its page started.
 */
export function createViewHub(d: ViewHubDeps) {
  const views = new Set<View>();
  let status: HostStatus = { state: 'idle' };

  const post = (view: View, message: ViewMessage) => {
    try {
      view.port.postMessage(message);
    } catch {
      views.delete(view);
    }
  };
  const reply = (view: View, id: number, result: unknown) => post(view, { kind: 'reply', id, ok: true, result });
  const refuse = (view: View, id: number, error: ProtocolError) => post(view, { kind: 'reply', id, ok: false, error });

  const hostRequest = (msg: Extract<Request, { kind: 'request' }>) => {
    const check = parseRequest({ id: msg.id, type: msg.type, params: msg.params });
    if (!check.ok) throw new HostRequestError(check.error.code, check.error.message, check.error.field);
    return check.request;
  };

  const answerExtension = async (view: View, msg: Request): Promise<unknown> => {
    if (msg.kind === 'download') return d.downloads.download(msg.target, { tabId: msg.target.tabId ?? null });
    if (msg.kind === 'page-videos') {
      // The popup's first look: every frame reports again (this background may have forgotten
      // them). Not on a look that a change prompted, or frames and popup would ask each other forever.
      if (msg.refresh) d.askReports?.(msg.tabId);
      return d.downloads.list(msg.tabId, msg.pageUrl, msg.pageTitle);
    }
    if (msg.kind === 'doctor') return d.host.doctor();
    if (msg.kind === 'dismiss-notice') return d.notices.dismiss(msg.noticeId).then(() => ({}));
    if (msg.kind === 'retry-with-login') return d.downloads.retry(msg.jobId, { withLogin: true });
    const request = hostRequest(msg);
    // A job started from a video is retried with that video's sources as they are now.
    if (request.type === 'jobs.retry') return d.downloads.retry(request.params.jobId, request.params.url === undefined ? {} : request.params);
    // Probes are the view's own: sent a few at once (each in a slot of its own), cancelled when it goes.
    if (request.type === 'probe' && d.probes) return d.probes.probe(view, request.params);
    if (request.type === 'probe.cancel' && d.probes) return d.probes.cancel(view);
    return d.host.request(request.type, request.params as never);
  };

  /** A page's download is for its own tab; its requests only about the jobs it started. */
  const answerPage = async (view: PageView, owner: string, msg: Request): Promise<{ job: PageJob }> => {
    if (msg.kind === 'download') {
      const frame = { frameId: view.frameId, frameUrl: view.frameUrl, pageUrl: view.pageUrl, pageTitle: view.pageTitle };
      // A page cannot probe, so it makes no exact choice either: its button downloads with a preset.
      const { choice: _ignored, ...target } = msg.target;
      const { job } = await d.downloads.download({ ...target, tabId: view.tabId }, { tabId: view.tabId, frame });
      await d.ownership.remember(owner, job.id);
      return { job: toPageJob(job) };
    }
    if (msg.kind !== 'request') throw new Error('unreachable: refused by pageRefusal');
    const request = hostRequest(msg);
    const jobId = (request.params as { jobId: number }).jobId;
    await d.ownership.ready();
    if (!d.ownership.owns(owner, jobId)) {
      const e = notOwned(jobId);
      throw new HostRequestError(e.code, e.message, e.field);
    }
    // A page names the job, nothing else: a retry's new URL is found here, from its video.
    const { job } = (request.type === 'jobs.retry' ? await d.downloads.retry(jobId) : await d.host.request(request.type, request.params as never)) as {
      job: Job;
    };
    return { job: toPageJob(job) };
  };

  const onMessage = async (view: View, raw: unknown) => {
    // Nothing a view sends may crash the background: bounded, then validated, then answered.
    const check = checkViewRequest(raw);
    if (!check.ok) {
      if (check.id !== null) refuse(view, check.id, check.error);
      return;
    }
    const msg = check.request;
    if (msg.kind === 'retry-host') {
      if (view.kind === 'extension') d.host.retryNow();
      return;
    }
    if (msg.kind === 'report-videos') {
      if (view.kind !== 'page' || view.tabId === null || view.owner === null) return;
      view.reported = true;
      if (d.videos.report(view.tabId, view.frameId, view.frameUrl, msg.report)) videosChanged(view.tabId);
      return;
    }
    try {
      if (view.kind === 'extension') return reply(view, msg.id, await answerExtension(view, msg));
      const refusal = pageRefusal(msg, view.owner);
      if (refusal) return refuse(view, msg.id, refusal);
      reply(view, msg.id, await answerPage(view, view.owner!, msg));
    } catch (err) {
      refuse(view, msg.id, toError(err));
    }
  };

  /** The popup refreshes its list of the tab's videos. */
  const videosChanged = (tabId: number) => {
    for (const view of views) if (view.kind === 'extension') post(view, { kind: 'page-videos-changed', tabId });
  };

  /** A job a page started changed: its button's part, when that part changed. */
  const relayToPage = (view: PageView, event: Event) => {
    if (event.event !== 'job.updated' || view.owner === null || !d.ownership.owns(view.owner, event.data.job.id)) return;
    const job = toPageJob(event.data.job);
    const text = JSON.stringify(job);
    if (view.lastSent.get(job.id) === text) return;
    view.lastSent.set(job.id, text);
    post(view, { kind: 'page-job', job });
  };

  return {
    /** runtime.onConnect. */
    connect(port: ViewPort): void {
      if (port.name !== VIEW_PORT) return;
      const who = classifySender(port.sender, d.extensionOrigin);
      const view: View = who.kind === 'extension' ? { kind: 'extension', port } : { ...who, port, lastSent: new Map(), reported: false };
      views.add(view);
      // Extension pages keep the host connected while open; content scripts, one in every
      // tab, do not: they hear of their jobs while something runs.
      const release = view.kind === 'extension' ? d.host.hold() : () => {};
      if (view.kind === 'extension') {
        post(view, { kind: 'status', status });
        post(view, { kind: 'notices', notices: d.notices.current() });
      }
      port.onMessage.addListener((m) => void onMessage(view, m));
      port.onDisconnect.addListener(() => {
        views.delete(view);
        // The popup closed: its probes are of no use to anyone now.
        if (view.kind === 'extension') d.probes?.cancel(view);
        release();
        // The frame unloaded (or its content script went): its videos went with it.
        if (view.kind === 'page' && view.reported && view.tabId !== null && d.videos.dropFrame(view.tabId, view.frameId)) videosChanged(view.tabId);
      });
    },
    status(next: HostStatus): void {
      status = next;
      for (const view of views) if (view.kind === 'extension') post(view, { kind: 'status', status });
    },
    notices(notices: Notice[]): void {
      for (const view of views) if (view.kind === 'extension') post(view, { kind: 'notices', notices });
    },
    relay(event: Event): void {
      if (event.event === 'jobs.removed') void d.ownership.forgetJobs(event.data.jobIds);
      for (const view of views) {
        if (view.kind === 'extension') post(view, { kind: 'event', event });
        else relayToPage(view, event);
      }
    },
  };
}
