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
    expect(classifySender({ tab: { id: 4 }, url: 'https://a.test/x?y#z' }, EXT)).toEqual({ kind: 'page', tabId: 4, owner: '4 https://a.test' });
    expect(classifySender({ tab: { id: 4 }, url: 'https://a.test:8443/' }, EXT)).toMatchObject({ owner: '4 https://a.test:8443' });
  });

  it('lets a page with no tab or no real origin do nothing', () => {
    const noTab = classifySender({ url: 'https://a.test/' }, EXT);
    const opaque = classifySender({ tab: { id: 4 }, url: 'data:text/html,x' }, EXT);
    expect([noTab, opaque]).toEqual([
      { kind: 'page', tabId: null, owner: null },
      { kind: 'page', tabId: 4, owner: null },
    ]);
    expect(pageRefusal({ kind: 'download', id: 1, target: { pageUrl: 'https://a.test/', pageTitle: null } }, null)).toMatchObject({ code: 'INVALID_MESSAGE' });
  });

  it('gives a page its job status and whole percent, nothing else', () => {
    const job = makeJob({ id: 3, status: 'downloading', filePath: '/home/u/x.mp4', progress: { ...makeJob({ id: 3 }).progress, percent: 99.9 } });
    expect(toPageJob(job)).toEqual({ id: 3, status: 'downloading', percent: 99 });
  });
});
