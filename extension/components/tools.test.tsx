import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HostStatus } from '../lib/host-connection';
import type { ToolStatus, ToolsReport } from '../../shared/tools';
import { ToolsBanner, ToolsPanel } from './tools';

afterEach(cleanup);

const tool = (over: Partial<ToolStatus>): ToolStatus => ({
  id: 'yt-dlp',
  name: 'yt-dlp',
  source: 'system',
  path: '/usr/bin/yt-dlp',
  version: '2023.03.04',
  ageDays: 1359,
  fix: null,
  ...over,
});
const report = (ytdlp: Partial<ToolStatus>): ToolsReport => ({
  tools: [tool(ytdlp), tool({ id: 'ffmpeg', name: 'ffmpeg', version: '5.1.8', ageDays: null, path: '/usr/bin/ffmpeg' })],
  managed: true,
  autoUpdate: true,
});

function fakeClient(status: ToolsReport, update: () => Promise<unknown>) {
  const request = vi.fn((type: string) => (type === 'tools.status' ? Promise.resolve(status) : update()));
  const onStatus = (fn: (s: HostStatus) => void) => {
    fn({ state: 'connected' } as HostStatus);
    return () => {};
  };
  return { request, onStatus } as never as Parameters<typeof ToolsBanner>[0]['client'] & { request: typeof request };
}

describe('the tools in the popup', () => {
  it('says nothing while yt-dlp is current', async () => {
    const client = fakeClient(report({ version: '2026.11.01', ageDays: 3 }), () => Promise.reject(new Error('no')));
    const { container } = render(<ToolsBanner client={client} />);
    await new Promise((r) => setTimeout(r, 20));
    expect(container.textContent).toBe('');
  });

  it('says yt-dlp is old, and "Update now" fetches the newest and says which is in use', async () => {
    const client = fakeClient(report({}), () => Promise.resolve({ ...report({ version: '2026.11.01', ageDays: 0, source: 'managed' }), updated: true }));
    render(<ToolsBanner client={client} />);
    await screen.findByText('yt-dlp is 1359 days old: sites change, and an old yt-dlp fails on them.');
    fireEvent.click(screen.getByRole('button', { name: 'Update now' }));
    await screen.findByText('yt-dlp 2026.11.01 is now in use.');
    expect(client.request).toHaveBeenCalledWith('tools.update', {});
    expect(screen.queryByRole('button', { name: 'Update now' })).toBeNull();
  });

  it('offers to fetch yt-dlp when there is none, and says why an update failed', async () => {
    const client = fakeClient(report({ source: 'missing', path: null, version: null, ageDays: null }), () =>
      Promise.reject(new Error('The releases could not be reached (ECONNREFUSED); the copy in use is kept.')),
    );
    render(<ToolsBanner client={client} />);
    await screen.findByText(/No usable yt-dlp/);
    fireEvent.click(screen.getByRole('button', { name: 'Update now' }));
    await screen.findByText(/could not be reached/);
  });
});

describe('the tools in the options page', () => {
  it('lists each tool with its copy, version and age, and updates on demand', async () => {
    const client = fakeClient(report({}), () => Promise.resolve({ ...report({ version: '2026.11.01', ageDays: 0, source: 'managed' }), updated: true }));
    const { container } = render(<ToolsPanel client={client} />);
    await screen.findByText(/1359 days old/);
    expect(container.querySelector('[data-tool="yt-dlp"]')!.textContent).toMatch(/^yt-dlp 2023\.03\.04 · the system's copy · 1359 days old/);
    expect(container.querySelector('[data-tool="ffmpeg"]')!.textContent).toMatch(/^ffmpeg 5\.1\.8 · the system's copy/);
    fireEvent.click(screen.getByRole('button', { name: 'Update now' }));
    await screen.findByText('yt-dlp 2026.11.01 is now in use.');
    expect(container.querySelector('[data-tool="yt-dlp"]')!.textContent).toMatch(/VidQueue's own copy/);
  });
});
