import { allowedActions } from '../../shared/job';
import { t } from './i18n';
import { findVideos } from './find-videos';
import type { PageJob } from './view-messages';
import type { PageClient } from './view-port';

export type ButtonState = { kind: 'idle' } | { kind: 'busy' } | { kind: 'job'; job: PageJob } | { kind: 'error'; message: string };

/** The label a button shows for its video's state: ⬇, Queued, 42 %, Downloaded, Failed. */
export function buttonLabel(state: ButtonState): { text: string; label: string } {
  if (state.kind === 'idle' || state.kind === 'busy') return { text: '⬇', label: t('buttonDownload') };
  if (state.kind === 'error') return { text: '!', label: `${t('buttonFailed')}: ${state.message}` };
  const { job } = state;
  switch (job.status) {
    case 'queued':
      return { text: t('buttonQueued'), label: t('buttonQueued') };
    case 'downloading':
    case 'paused': {
      const pct = `${Math.floor(job.percent ?? 0)}%`;
      return { text: pct, label: t('buttonProgress', pct) };
    }
    case 'recording':
      return { text: '● REC', label: t('buttonRecording') };
    case 'completed':
      return { text: '✓', label: t('buttonDone') };
    case 'failed':
    case 'cancelled':
      return { text: '↻', label: t('buttonFailed') };
  }
}

const STYLE = `
:host { all: initial; position: fixed; z-index: 2147483647; pointer-events: none; }
button {
  all: unset; pointer-events: auto; box-sizing: border-box; cursor: pointer;
  min-width: 34px; height: 28px; padding: 0 8px; border-radius: 14px;
  font: 600 13px/28px system-ui, sans-serif; text-align: center; color: #fff;
  background: rgba(20, 24, 32, 0.78); box-shadow: 0 1px 4px rgba(0,0,0,.4);
  opacity: 0.85; transition: opacity .15s;
}
button:hover, button:focus-visible { opacity: 1; background: #2563eb; }
button:focus-visible { outline: 2px solid #fff; outline-offset: 1px; }
button[data-state="completed"] { background: #2e7d32; }
button[data-state="failed"], button[data-state="error"] { background: #c62828; }
`;

interface Overlay {
  video: HTMLVideoElement;
  host: HTMLElement;
  button: HTMLButtonElement;
  state: ButtonState;
}

/**
 * A small button over each visible video, in a closed shadow root hung off <html>: the
 * page's layout and styles are untouched. It shows its video's download and starts one
 * on a real click only.
 */
export function createVideoButtons(client: PageClient, doc: Document = document, shadowMode: ShadowRootMode = 'closed') {
  const overlays = new Map<HTMLVideoElement, Overlay>();
  const byJob = new Map<number, Overlay>();
  let frame = 0;

  const render = (o: Overlay) => {
    const { text, label } = buttonLabel(o.state);
    o.button.textContent = text;
    o.button.setAttribute('aria-label', label);
    o.button.title = label;
    o.button.dataset.state = o.state.kind === 'job' ? o.state.job.status : o.state.kind;
  };

  /**
   * Fixed to the viewport, over the video's top-right corner; hidden while the video is
   * out of view. Set inline with !important: a page's CSS cannot move or hide it.
   */
  const place = (o: Overlay) => {
    const r = o.video.getBoundingClientRect();
    const win = doc.defaultView!;
    const visible = r.bottom > 0 && r.right > 0 && r.top < win.innerHeight && r.left < win.innerWidth;
    const set = (prop: string, value: string) => o.host.style.setProperty(prop, value, 'important');
    set('position', 'fixed');
    set('z-index', '2147483647');
    set('display', visible ? 'block' : 'none');
    set('top', `${Math.max(0, r.top) + 8}px`);
    set('left', `${Math.min(win.innerWidth, r.right) - 8 - (o.button.offsetWidth || 34)}px`);
    set('opacity', '1');
    set('visibility', 'visible');
    set('transform', 'none');
  };

  const onClick = async (o: Overlay, e: MouseEvent) => {
    e.preventDefault();
    e.stopPropagation();
    // Only a person's click: a page cannot start downloads by scripting the button.
    if (!e.isTrusted || o.state.kind === 'busy') return;
    if (o.state.kind === 'job' && allowedActions(o.state.job.status).includes('retry')) {
      const jobId = o.state.job.id;
      o.state = { kind: 'busy' };
      render(o);
      try {
        o.state = { kind: 'job', job: await client.retry(jobId) };
      } catch (err) {
        o.state = { kind: 'error', message: err instanceof Error ? err.message : String(err) };
      }
      render(o);
      return;
    }
    if (o.state.kind === 'job') return;
    o.state = { kind: 'busy' };
    render(o);
    try {
      // Only http(s) sources are worth sending (the background finds blob: players' streams).
      const src = o.video.currentSrc || o.video.src || '';
      const job = await client.download({
        pageUrl: doc.location?.href ?? null,
        pageTitle: doc.title ? doc.title.slice(0, 1000) : null,
        videoSrc: /^https?:/i.test(src) && src.length <= 8192 ? src : null,
      });
      o.state = { kind: 'job', job };
      byJob.set(job.id, o);
    } catch (err) {
      o.state = { kind: 'error', message: err instanceof Error ? err.message : String(err) };
    }
    render(o);
  };

  const attach = (video: HTMLVideoElement) => {
    const host = doc.createElement('vidqueue-button');
    const shadow = host.attachShadow({ mode: shadowMode });
    const style = doc.createElement('style');
    style.textContent = STYLE;
    const button = doc.createElement('button');
    button.type = 'button';
    shadow.append(style, button);
    const o: Overlay = { video, host, button, state: { kind: 'idle' } };
    button.addEventListener('click', (e) => void onClick(o, e));
    doc.documentElement.append(host);
    overlays.set(video, o);
    render(o);
    place(o);
  };

  const detach = (o: Overlay) => {
    o.host.remove();
    overlays.delete(o.video);
    for (const [id, x] of byJob) if (x === o) byJob.delete(id);
  };

  const scan = () => {
    const found = new Set(findVideos(doc).map((v) => v.element));
    for (const o of [...overlays.values()]) if (!found.has(o.video)) detach(o);
    for (const video of found) if (!overlays.has(video)) attach(video);
    for (const o of overlays.values()) place(o);
  };

  const schedule = () => {
    if (frame) return;
    frame = (doc.defaultView?.requestAnimationFrame ?? ((fn: FrameRequestCallback) => setTimeout(fn, 16) as unknown as number))(() => {
      frame = 0;
      scan();
    });
  };

  // The background tells this page only of the jobs it started.
  const offJob = client.onJob((job) => {
    const o = byJob.get(job.id);
    if (!o) return;
    o.state = { kind: 'job', job };
    render(o);
    place(o);
  });

  const observer = new (doc.defaultView?.MutationObserver ?? MutationObserver)(schedule);
  const win = doc.defaultView;
  return {
    start() {
      observer.observe(doc.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['src', 'style', 'class'] });
      win?.addEventListener('scroll', schedule, { passive: true, capture: true });
      win?.addEventListener('resize', schedule, { passive: true });
      doc.addEventListener('loadedmetadata', schedule, true);
      scan();
    },
    /** In-page navigation: a new page, new videos, no old states. */
    reset() {
      for (const o of [...overlays.values()]) detach(o);
      scan();
    },
    stop() {
      observer.disconnect();
      win?.removeEventListener('scroll', schedule, { capture: true });
      win?.removeEventListener('resize', schedule);
      doc.removeEventListener('loadedmetadata', schedule, true);
      offJob();
      for (const o of [...overlays.values()]) detach(o);
    },
    get count() {
      return overlays.size;
    },
  };
}
