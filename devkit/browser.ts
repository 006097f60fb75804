import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, type Worker, chromium } from 'playwright-core';
import { DEV_EXTENSION_ID } from '../shared/identity';
import { REPO } from './env';

const EXTENSION_DIR = join(REPO, '.output/chrome-mv3');

export interface TestBrowser {
  context: BrowserContext;
  profile: string;
  worker: Worker;
  extensionId: string;
  openPopup(tabId?: number): Promise<Page>;
  tabIdOf(url: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Debian's Chromium, headless, with the built extension loaded into a fresh profile.
 * `beforeLaunch` gets the profile folder first: the native host is registered there.
 */
export async function launchBrowser(beforeLaunch: (profile: string) => Promise<void>, o: { headless?: boolean; profile?: string } = {}): Promise<TestBrowser> {
  const profile = o.profile ?? mkdtempSync(join(tmpdir(), 'vq-chromium-'));
  await beforeLaunch(profile);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: o.headless ?? true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
    ],
    viewport: o.headless === false ? null : { width: 1000, height: 700 },
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    profile,
    worker,
    extensionId,
    async openPopup(tabId) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/popup.html${tabId === undefined ? '' : `?tab=${tabId}`}`);
      return page;
    },
    tabIdOf: (url) =>
      worker.evaluate(async (u) => {
        type Tab = { id?: number; url?: string };
        const api = (globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<Tab[]> } } }).chrome;
        const tabs = await api.tabs.query({});
        const tab = tabs.find((x) => x.url === u);
        if (!tab?.id) throw new Error(`no tab with ${u}: ${tabs.map((x) => x.url).join(', ')}`);
        return tab.id;
      }, url),
    async close() {
      await context.close();
    },
  };
}

export { DEV_EXTENSION_ID };

/**
 * Chromium with the built extension, whose native host is `env`'s: registered into the
 * fresh profile with `vidqueue install --dev` before the browser starts.
 */
export async function launchWithHost(env: { cli(args: string[]): PromiseLike<{ exitCode?: number | undefined; stderr: unknown }> }): Promise<TestBrowser> {
  return launchBrowser(async (profile) => {
    const r = await env.cli(['install', '--dev', '--user-data-dir', profile]);
    if (r.exitCode !== 0) throw new Error(`vidqueue install failed: ${String(r.stderr)}`);
  });
}
