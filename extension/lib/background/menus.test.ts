import { describe, expect, it, vi } from 'vitest';
import { createMenus } from './menus';

function setup() {
  const made: { id: string; title: string; contexts: string[] }[] = [];
  const request = vi.fn(async () => ({}));
  const download = vi.fn(async () => ({}));
  const errors: string[] = [];
  const menus = createMenus({
    api: {
      create: (m) => made.push(m),
      removeAll: () => {
        made.length = 0;
      },
      onClicked: { addListener: () => {} },
    },
    host: { request: request as never },
    downloads: { download: download as never },
    notifyError: (m) => void errors.push(m),
  });
  return { menus, made, request, download, errors };
}

describe('menus', () => {
  it('makes each menu once however often it is asked', async () => {
    const { menus, made } = setup();
    await Promise.all([menus.create(), menus.create()]);
    expect(made.map((m) => m.id)).toEqual(['page', 'page-audio', 'link', 'link-audio', 'video', 'video-audio']);
  });

  it('downloads a right-clicked video from its source, for its tab', () => {
    const { menus, download } = setup();
    menus.onClick({ menuItemId: 'video-audio', pageUrl: 'https://a.test/p', srcUrl: 'https://cdn.test/v.mp4' }, { id: 5, title: 'P' });
    expect(download).toHaveBeenCalledWith(
      { videoSrc: 'https://cdn.test/v.mp4', preset: 'audio' },
      { tabId: 5, frame: { frameId: 0, frameUrl: 'https://a.test/p', pageUrl: 'https://a.test/p', pageTitle: 'P' } },
    );
  });

  it('downloads a right-clicked video in a frame for that frame: its URL will be the Referer', () => {
    const { menus, download } = setup();
    menus.onClick(
      { menuItemId: 'video', pageUrl: 'https://a.test/p', frameId: 12, frameUrl: 'https://player.test/embed', srcUrl: 'blob:https://player.test/1' },
      { id: 5, title: 'P' },
    );
    expect(download).toHaveBeenCalledWith(
      { videoSrc: 'blob:https://player.test/1' },
      { tabId: 5, frame: { frameId: 12, frameUrl: 'https://player.test/embed', pageUrl: 'https://a.test/p', pageTitle: 'P' } },
    );
  });

  it('downloads the page from the page menu, for its tab', () => {
    const { menus, download } = setup();
    menus.onClick({ menuItemId: 'page', pageUrl: 'https://a.test/p' }, { id: 5, title: 'P' });
    expect(download).toHaveBeenCalledWith({ pageUrl: 'https://a.test/p', pageTitle: 'P', tabId: 5 }, { tabId: 5 });
  });

  it('queues only http(s) links, and says why not in a notification', () => {
    const { menus, request, errors } = setup();
    menus.onClick({ menuItemId: 'link', linkUrl: 'file:///etc/passwd', pageUrl: 'https://a.test/' });
    menus.onClick({ menuItemId: 'link', linkUrl: 'https://b.test/c.mp4', pageUrl: 'https://a.test/' });
    expect(request.mock.calls).toEqual([['jobs.add', { url: 'https://b.test/c.mp4', pageUrl: 'https://a.test/' }]]);
    expect(errors).toEqual([expect.stringContaining('file:///etc/passwd')]);
  });
});
