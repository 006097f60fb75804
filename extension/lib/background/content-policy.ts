import { quote } from '../../../shared/quote';
import type { ViewRequest } from '../view-messages';

/** Who opened a port, as the browser says it (runtime.MessageSender). */
export interface PortSender {
  tab?: { id?: number };
  url?: string;
  origin?: string;
}

/**
 * Extension pages (popup, options) are ours; anything in a tab on another origin is a
 * content script, which runs in a web page and is treated like the page itself.
 */
export function isExtensionPage(sender: PortSender | undefined, extensionOrigin: string): boolean {
  return !sender?.tab || (sender.url ?? '').startsWith(extensionOrigin);
}

const PAGE_REQUESTS = new Set(['jobs.retry', 'jobs.get']);

/** Content scripts may start and retry downloads of their own tab, nothing else: the refusal, or null. */
export function pageRefusal(msg: ViewRequest): string | null {
  if (msg.kind === 'doctor' || (msg.kind === 'request' && !PAGE_REQUESTS.has(msg.type))) {
    return `A page's content script may not send ${quote(msg.kind === 'request' ? msg.type : msg.kind)}`;
  }
  return null;
}
