import { describe, expect, it } from 'vitest';
import { makeJob } from '../fake-host';
import { classifySender, pageRefusal, toPageJob } from './content-policy';

const EXT = 'chrome-extension://abc/';

describe('content policy', () => {
  it('trusts the extension own pages, including the popup opened in a tab', () => {
    expect(classifySender({ url: `${EXT}popup.html` }, EXT)).toEqual({ kind: 'extension' });
    expect(classifySender({ tab: { id: 4 }, url: `${EXT}popup.html?tab=2` }, EXT)).toEqual({ kind: 'extension' });
  });

  it('keys a content script by its tab and its page origin', () => {
    expect(classifySender({ tab: { id: 4 }, url: 'https://a.test/x?y#z' }, EXT)).toEqual({
      kind: 'page',
      tabId: 4,
      owner: '4 https://a.test',
      frameId: 0,
      frameUrl: 'https://a.test/x?y#z',
      pageUrl: 'https://a.test/x?y#z',
      pageTitle: null,
    });
    expect(classifySender({ tab: { id: 4 }, url: 'https://a.test:8443/' }, EXT)).toMatchObject({ owner: '4 https://a.test:8443' });
  });

  it("takes a frame's URL and its tab's page from the browser: a frame is its own origin, the tab its page", () => {
    const sender = {
      tab: { id: 4, url: 'https://news.test/story', title: 'Story' },
      frameId: 9,
      url: 'https://player.test/embed/1',
      origin: 'https://player.test',
    };
    expect(classifySender(sender, EXT)).toEqual({
      kind: 'page',
      tabId: 4,
      owner: '4 https://player.test',
      frameId: 9,
      frameUrl: 'https://player.test/embed/1',
      pageUrl: 'https://news.test/story',
      pageTitle: 'Story',
    });
    // An about:blank frame a script filled is its creator's origin, as the browser says.
    expect(classifySender({ tab: { id: 4 }, frameId: 3, url: 'about:blank', origin: 'https://news.test' }, EXT)).toMatchObject({
      owner: '4 https://news.test',
      frameUrl: 'about:blank',
      pageUrl: null,
    });
  });

  it('lets a page stop only a recording it may act on, as a request about a job', () => {
    const req = (type: string) => ({ kind: 'request' as const, id: 1, type, params: { jobId: 1 } });
    expect(pageRefusal(req('jobs.stopRecording'), '4 https://a.test')).toBeNull();
    expect(pageRefusal(req('jobs.pause'), '4 https://a.test')).toMatchObject({ code: 'INVALID_MESSAGE' });
    expect(pageRefusal({ kind: 'page-videos', id: 2, tabId: 4, pageUrl: null, pageTitle: null }, '4 https://a.test')).toMatchObject({
      code: 'INVALID_MESSAGE',
    });
  });

  it('lets a page with no tab or no real origin do nothing', () => {
    const noTab = classifySender({ url: 'https://a.test/' }, EXT);
    const opaque = classifySender({ tab: { id: 4 }, url: 'data:text/html,x' }, EXT);
    expect([noTab, opaque]).toEqual([
      { kind: 'page', tabId: null, owner: null, frameId: 0, frameUrl: 'https://a.test/', pageUrl: 'https://a.test/', pageTitle: null },
      { kind: 'page', tabId: 4, owner: null, frameId: 0, frameUrl: 'data:text/html,x', pageUrl: 'data:text/html,x', pageTitle: null },
    ]);
    expect(pageRefusal({ kind: 'download', id: 1, target: { pageUrl: 'https://a.test/', pageTitle: null } }, null)).toMatchObject({ code: 'INVALID_MESSAGE' });
  });

  it('gives a page its job status and whole percent, nothing else', () => {
    const job = makeJob({ id: 3, status: 'downloading', filePath: '/home/u/x.mp4', progress: { ...makeJob({ id: 3 }).progress, percent: 99.9 } });
    expect(toPageJob(job)).toEqual({ id: 3, status: 'downloading', percent: 99 });
    expect(toPageJob({ ...job, progress: { ...job.progress, percent: 140 } }).percent).toBe(100);
  });
});
