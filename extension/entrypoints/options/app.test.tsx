import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import type { Event } from '../../../shared/protocol';
import type { Settings } from '../../../shared/settings';
import { confirmCancelAboveMiB, notifyOnFinish } from '../../lib/preferences';
import type { ViewClient } from '../../lib/view-port';
import { OptionsApp } from './app';

const SETTINGS: Settings = {
  downloadDir: '/home/u/Downloads',
  concurrency: 3,
  defaultPreset: 'best',
  historyRetentionDays: 30,
  idleExitSeconds: 300,
  fragmentConcurrency: 16,
  connectionsPerFile: 8,
  toolsAutoUpdate: true,
};

/** A daemon holding settings: settings.set applies a patch, as the real one does. */
function fakeClient() {
  let daemon = { ...SETTINGS };
  const events: ((e: Event) => void)[] = [];
  const sets: unknown[] = [];
  const client = {
    request: vi.fn(async (type: string, params: any) => {
      if (type === 'settings.get') return { settings: daemon };
      if (type === 'settings.set') {
        sets.push(params.settings);
        daemon = { ...daemon, ...params.settings };
        return { settings: daemon };
      }
      throw new Error(`unexpected ${type}`);
    }),
    onStatus: (fn: (s: unknown) => void) => {
      fn({ state: 'connected', daemonVersion: '0.1.0' });
      return () => {};
    },
    onEvent: (fn: (e: Event) => void) => {
      events.push(fn);
      return () => {};
    },
    retryHost: vi.fn(),
    doctor: vi.fn(),
  };
  return {
    client: client as unknown as ViewClient,
    sets,
    daemon: () => daemon,
    /** Someone else (the CLI, another browser) changes settings; the daemon says so. */
    changeElsewhere: (patch: Partial<Settings>) => {
      daemon = { ...daemon, ...patch };
      for (const fn of events) fn({ event: 'settings.updated', data: { settings: daemon } });
    },
  };
}

const field = (name: string) => document.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
const type = (name: string, value: string) => fireEvent.input(field(name), { target: { value } });
const save = () => fireEvent.click(screen.getByRole('button', { name: 'Save' }));

beforeEach(() => fakeBrowser.reset());
afterEach(cleanup);

describe('options', () => {
  it('saves only the setting the user changed: a change made meanwhile by the CLI is kept', async () => {
    const f = fakeClient();
    render(<OptionsApp client={f.client} extensionId="x" />);
    await waitFor(() => expect(field('downloadDir').value).toBe('/home/u/Downloads'));
    type('downloadDir', '/data/videos');
    f.changeElsewhere({ concurrency: 8 });
    save();
    await screen.findByText('Saved');
    expect(f.sets).toEqual([{ downloadDir: '/data/videos' }]);
    expect(f.daemon()).toMatchObject({ downloadDir: '/data/videos', concurrency: 8 });
    expect(field('concurrency').value).toBe('8');
  });

  it('follows settings.updated for the fields the user has not edited, and keeps the one being edited', async () => {
    const f = fakeClient();
    render(<OptionsApp client={f.client} extensionId="x" />);
    await waitFor(() => expect(field('concurrency').value).toBe('3'));
    type('concurrency', '5');
    f.changeElsewhere({ concurrency: 2, downloadDir: '/mnt/other', defaultPreset: 'audio' });
    await waitFor(() => expect(field('downloadDir').value).toBe('/mnt/other'));
    expect((document.querySelector('[name="defaultPreset"]') as HTMLSelectElement).value).toBe('audio');
    expect(field('concurrency').value).toBe('5');
    save();
    await screen.findByText('Saved');
    expect(f.sets).toEqual([{ concurrency: 5 }]);
  });

  it('refuses a value outside the shared bounds with their message, and writes nothing', async () => {
    const f = fakeClient();
    render(<OptionsApp client={f.client} extensionId="x" />);
    await waitFor(() => expect(field('concurrency').value).toBe('3'));
    type('concurrency', '40');
    fireEvent.click(field('notifications'));
    save();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Invalid `settings.concurrency`: expected <=16, got `40`');
    expect(field('concurrency').getAttribute('aria-invalid')).toBe('true');
    expect(f.sets).toEqual([]);
    expect(await notifyOnFinish.getValue()).toBe(true);
  });

  it('checks the cancel-confirmation size with its own schema before writing it', async () => {
    const f = fakeClient();
    render(<OptionsApp client={f.client} extensionId="x" />);
    await waitFor(() => expect(field('confirmThreshold').value).toBe('100'));
    type('confirmThreshold', '2.5');
    type('downloadDir', '/data/videos');
    save();
    expect((await screen.findByRole('alert')).textContent).toContain('Invalid `confirmThreshold`');
    expect(f.sets).toEqual([]);
    expect(await confirmCancelAboveMiB.getValue()).toBe(100);
    type('confirmThreshold', '250');
    save();
    await screen.findByText('Saved');
    expect(await confirmCancelAboveMiB.getValue()).toBe(250);
    expect(f.sets).toEqual([{ downloadDir: '/data/videos' }]);
  });
});
