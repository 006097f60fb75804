import { describe, expect, it, vi } from 'vitest';
import { makeJob } from './fake-host';
import { findVideos } from './find-videos';
import { createVideoTracker } from './page-videos';
import { toPageJob } from './background/content-policy';
import type { PageJob } from './view-messages';
import { buttonLabel, createVideoButtons } from './video-buttons';
import type { PageClient } from './view-port';

function sized(v: Element, w: number, h: number) {
  v.getBoundingClientRect = () => ({ x: 10, y: 20, top: 20, left: 10, width: w, height: h, right: 10 + w, bottom: 20 + h, toJSON: () => ({}) });
}

function page(html: string): Document {
  document.body.innerHTML = html;
  for (const v of document.querySelectorAll('video')) sized(v, Number(v.getAttribute('width') ?? 0), Number(v.getAttribute('height') ?? 0));
  return document;
}

function fakeClient() {
  const listeners: ((job: PageJob) => void)[] = [];
  const client = {
    download: vi.fn(async () => ({ id: 42, status: 'queued', percent: null }) as PageJob),
    retry: vi.fn(),
    cancel: vi.fn(),
    onJob: (fn: (job: PageJob) => void) => {
      listeners.push(fn);
      return () => {};
    },
    close: vi.fn(),
  };
  return {
    client: client as PageClient & typeof client,
    emit: (job: PageJob) => {
      for (const fn of listeners) fn(job);
    },
  };
}

describe('findVideos', () => {
  it('finds the visible videos large enough to matter', () => {
    const doc = page(`
      <video width="640" height="360" src="https://cdn.test/a.mp4"></video>
      <video width="80" height="45" src="https://cdn.test/thumb.mp4"></video>
      <video width="640" height="360" style="display:none" src="https://cdn.test/hidden.mp4"></video>
      <video width="320" height="180"><source src="https://cdn.test/b.webm"></video>`);
    expect(findVideos(doc).map((v) => v.src)).toEqual(['https://cdn.test/a.mp4', 'https://cdn.test/b.webm']);
  });

  it('finds videos inside open shadow roots, not inside closed ones', () => {
    const doc = page('<div id="open"></div><div id="closed"></div>');
    for (const [id, mode] of [
      ['open', 'open'],
      ['closed', 'closed'],
    ] as const) {
      const root = doc.getElementById(id)!.attachShadow({ mode });
      root.innerHTML = `<video src="https://cdn.test/${id}.mp4"></video>`;
      sized(root.querySelector('video')!, 640, 360);
    }
    expect(findVideos(doc).map((v) => v.src)).toEqual(['https://cdn.test/open.mp4']);
  });
});

/** Buttons over what a tracker of `doc` finds (no page probe in happy-dom: it says nothing). */
function buttonsFor(doc: Document, client: PageClient) {
  const tracker = createVideoTracker({
    doc,
    probe: { media: () => ({ players: [], attachTask: null, attachSeq: null }), catalogue: () => [], onChange: () => () => {} },
  });
  tracker.start();
  const buttons = createVideoButtons(client, tracker, doc, 'open');
  return { tracker, buttons };
}

describe('video buttons', () => {
  it('puts one button on each video, outside the page layout', () => {
    const doc = page(
      '<video width="640" height="360" src="https://cdn.test/a.mp4"></video><video width="640" height="360" src="https://cdn.test/b.mp4"></video>',
    );
    const { client } = fakeClient();
    const { buttons, tracker } = buttonsFor(doc, client);
    buttons.start();
    expect(buttons.count).toBe(2);
    const hosts = doc.querySelectorAll('vidqueue-button');
    expect(hosts).toHaveLength(2);
    expect(hosts[0]!.parentElement).toBe(doc.documentElement);
    expect(doc.body.querySelector('vidqueue-button')).toBeNull();
    buttons.stop();
    tracker.stop();
    expect(doc.querySelectorAll('vidqueue-button')).toHaveLength(0);
  });

  it('ignores a scripted click: only a person starts a download', async () => {
    const doc = page('<video width="640" height="360" src="https://cdn.test/a.mp4"></video>');
    const { client } = fakeClient();
    const { buttons, tracker } = buttonsFor(doc, client);
    buttons.start();
    const button = doc.querySelector('vidqueue-button')!.shadowRoot!.querySelector('button')!;
    button.click();
    button.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await new Promise((r) => setTimeout(r, 0));
    expect(client.download).not.toHaveBeenCalled();
    buttons.stop();
    tracker.stop();
  });

  it('labels each state for the eye and the screen reader', () => {
    expect(buttonLabel({ kind: 'idle' })).toEqual({ text: '⬇', label: 'Download video with VidQueue' });
    const job = (over: Parameters<typeof makeJob>[0]) => toPageJob(makeJob(over));
    expect(buttonLabel({ kind: 'job', job: job({ id: 1, status: 'queued' }) }).text).toBe('Queued');
    expect(buttonLabel({ kind: 'job', job: job({ id: 1, status: 'downloading', progress: { ...makeJob({ id: 1 }).progress, percent: 42.7 } }) })).toEqual({
      text: '42%',
      label: 'Downloading with VidQueue: 42%',
    });
    expect(buttonLabel({ kind: 'job', job: job({ id: 1, status: 'completed' }) })).toEqual({ text: '✓', label: 'Downloaded' });
    expect(buttonLabel({ kind: 'job', job: job({ id: 1, status: 'failed' }) }).label).toBe('Failed — click to retry');
    expect(buttonLabel({ kind: 'play-first' })).toEqual({ text: 'Play the video once, then click', label: 'Play the video once, then click' });
    expect(buttonLabel({ kind: 'job', job: job({ id: 1, status: 'recording' }) })).toEqual({
      text: '● REC',
      label: 'Recording this live stream with VidQueue — click to stop',
    });
    // A percent past 100 (an estimate that was low) is never shown.
    expect(buttonLabel({ kind: 'job', job: { id: 1, status: 'downloading', percent: 130 } }).text).toBe('100%');
  });
});
