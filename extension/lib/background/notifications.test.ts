import { describe, expect, it, vi } from 'vitest';
import { makeJob } from '../fake-host';
import { createNotifications } from './notifications';

function setup(enabled = true) {
  const shown: { id: string; title: string; message: string }[] = [];
  const cleared: string[] = [];
  let click: (id: string) => void = () => {};
  const request = vi.fn(async (_type: string, params: { reveal?: boolean }) => {
    if (!params.reveal) throw new Error('moved');
    return { opened: '/dl' };
  });
  const notifications = createNotifications({
    api: {
      create: async (id, o) => {
        shown.push({ id, title: o.title, message: o.message });
        return id;
      },
      clear: async (id) => {
        cleared.push(id);
        return true;
      },
      onClicked: { addListener: (fn) => (click = fn) },
    },
    iconUrl: 'icon.png',
    enabled: async () => enabled,
    host: { request: request as never },
  });
  notifications.listen();
  return { notifications, shown, cleared, request, click: (id: string) => click(id) };
}

describe('notifications', () => {
  it('says when a download completes or fails, and nothing for other changes', async () => {
    const { notifications, shown } = setup();
    await notifications.jobChanged({ from: 'downloading', job: makeJob({ id: 1, status: 'completed', title: 'Clip' }) });
    await notifications.jobChanged({
      from: 'downloading',
      job: makeJob({ id: 2, status: 'failed', title: 'Other', error: { code: 'HTTP_404', message: 'Not found' } }),
    });
    await notifications.jobChanged({ from: 'queued', job: makeJob({ id: 3, status: 'downloading' }) });
    expect(shown).toEqual([
      { id: 'vidqueue-job-1', title: 'Download complete', message: 'Clip — click to open it' },
      { id: 'vidqueue-job-2', title: 'Download failed', message: 'Other: Not found' },
    ]);
  });

  it('stays quiet when the user turned notifications off', async () => {
    const { notifications, shown } = setup(false);
    await notifications.jobChanged({ from: 'downloading', job: makeJob({ id: 1, status: 'completed' }) });
    expect(shown).toEqual([]);
  });

  it('opens the file on a click, or its folder when the file cannot open', async () => {
    const { click, request, cleared } = setup();
    click('vidqueue-job-7');
    await vi.waitFor(() => expect(request).toHaveBeenCalledWith('jobs.open', { jobId: 7, reveal: true }));
    expect(request).toHaveBeenCalledWith('jobs.open', { jobId: 7 });
    expect(cleared).toEqual(['vidqueue-job-7']);
    click('vidqueue-error-1');
    expect(request).toHaveBeenCalledTimes(2);
  });
});
