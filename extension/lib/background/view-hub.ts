import { type Event, parseRequest } from '../../../shared/protocol';
import { type HostConnection, type HostStatus, HostRequestError } from '../host-connection';
import { VIEW_PORT, type ViewMessage, type ViewRequest, checkViewRequest } from '../view-messages';
import { type PortSender, isExtensionPage, pageRefusal } from './content-policy';
import type { Downloads } from './downloads';

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
}

interface View {
  port: ViewPort;
  /** A content script in a web page (else the popup or the options page). */
  page: boolean;
  tabId: number | null;
}

/**
 * The views' ports (popup, options page, content scripts): each message checked and
 * answered, the host's status and events relayed.
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
  const refuse = (view: View, id: number, error: { code: HostRequestError['code']; message: string; field?: string }) => post(view, { kind: 'reply', id, ok: false, error });

  const answer = async (view: View, msg: Exclude<ViewRequest, { kind: 'retry-host' }>): Promise<unknown> => {
    if (msg.kind === 'download') return d.downloads.download(msg.target, msg.target.tabId ?? view.tabId);
    if (msg.kind === 'candidates') return d.downloads.candidates(msg.target, msg.target.tabId ?? view.tabId);
    if (msg.kind === 'doctor') return d.host.doctor();
    const check = parseRequest({ id: msg.id, type: msg.type, params: msg.params });
    if (!check.ok) throw new HostRequestError(check.error.code, check.error.message, check.error.field);
    return d.host.request(check.request.type, check.request.params as never);
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
      if (!view.page) d.host.retryNow();
      return;
    }
    if (view.page) {
      const refusal = pageRefusal(msg);
      if (refusal) return refuse(view, msg.id, { code: 'INVALID_MESSAGE', message: refusal });
      // A page speaks for its own tab only.
      if (msg.kind === 'download' || msg.kind === 'candidates') msg.target.tabId = view.tabId;
    }
    try {
      reply(view, msg.id, await answer(view, msg));
    } catch (err) {
      refuse(
        view,
        msg.id,
        err instanceof HostRequestError
          ? { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) }
          : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) },
      );
    }
  };

  return {
    /** runtime.onConnect. */
    connect(port: ViewPort): void {
      if (port.name !== VIEW_PORT) return;
      const view: View = { port, page: !isExtensionPage(port.sender, d.extensionOrigin), tabId: port.sender?.tab?.id ?? null };
      views.add(view);
      // Extension pages (popup, options) keep the host connected while open; content
      // scripts, one in every tab, do not: they only hear events while something runs.
      const release = view.page ? () => {} : d.host.hold();
      post(view, { kind: 'status', status });
      port.onMessage.addListener((m) => void onMessage(view, m));
      port.onDisconnect.addListener(() => {
        views.delete(view);
        release();
      });
    },
    status(next: HostStatus): void {
      status = next;
      for (const view of views) post(view, { kind: 'status', status });
    },
    relay(event: Event): void {
      for (const view of views) post(view, { kind: 'event', event });
    },
  };
}

export type ViewHub = ReturnType<typeof createViewHub>;
