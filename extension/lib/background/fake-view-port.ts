import { VIEW_PORT } from '../view-port-name';
import type { ViewPort } from './view-hub';

/** A view's runtime port as the background sees it, for unit tests: what it received, and a way to send. */
export function fakeViewPort(sender: { tabId?: number; url?: string } = {}) {
  const toBackground: ((m: unknown) => void)[] = [];
  const onDisconnect: (() => void)[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: what the background posts is checked field by field in the tests
  const received: any[] = [];
  const port: ViewPort = {
    name: VIEW_PORT,
    sender:
      sender.tabId === undefined
        ? sender.url
          ? { url: sender.url }
          : {}
        : { tab: { id: sender.tabId }, url: sender.url ?? `https://site-${sender.tabId}.test/page` },
    postMessage: (m: unknown) => void received.push(m),
    onMessage: { addListener: (fn) => void toBackground.push(fn) },
    onDisconnect: { addListener: (fn) => void onDisconnect.push(fn) },
  };
  return {
    port,
    received,
    replies: () => received.filter((m) => m.kind === 'reply'),
    reply: (id: number) => received.find((m) => m.kind === 'reply' && m.id === id),
    send: (m: unknown) => {
      for (const fn of toBackground) fn(m);
    },
    close: () => {
      for (const fn of onDisconnect) fn();
    },
  };
}

/** Polls until `check` holds, with a deadline. */
export async function until(check: () => unknown, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
