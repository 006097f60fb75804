import { describe, expect, it, vi } from 'vitest';
import { makeJob } from '../fake-host';
import { createDownloads } from './downloads';

function setup() {
  const request = vi.fn(async () => ({ job: makeJob({ id: 1 }) }));
  const downloads = createDownloads({
    host: { request: request as never },
    mediaFor: (tabId) => (tabId === 3 ? [{ url: 'https://cdn.test/live/master.m3u8', kind: 'manifest', at: 1 }] : []),
  });
  return { downloads, request };
}

describe('downloads', () => {
  it('downloads a blob: player from the media requests of its tab, with the page as referer', async () => {
    const { downloads, request } = setup();
    await downloads.download({ pageUrl: 'https://site.test/w', pageTitle: 'W', videoSrc: 'blob:https://site.test/x' }, 3);
    expect(request).toHaveBeenCalledWith('jobs.add', { url: 'https://cdn.test/live/master.m3u8', pageUrl: 'https://site.test/w', title: 'W' });
  });

  it('refuses a picked URL that is not one of the candidates, naming it', async () => {
    const { downloads, request } = setup();
    await expect(downloads.download({ pageUrl: 'https://site.test/w', pageTitle: null, url: 'https://evil.test/x' }, 3)).rejects.toMatchObject({
      code: 'INVALID_URL',
      message: expect.stringContaining('https://evil.test/x'),
    });
    await expect(downloads.download({ pageUrl: 'file:///etc/passwd', pageTitle: null }, null)).rejects.toMatchObject({ code: 'INVALID_URL' });
    expect(request).not.toHaveBeenCalled();
  });
});
