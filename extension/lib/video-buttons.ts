import { allowedActions } from '../../shared/job';
import { HostRequestError } from './host-connection';
import { t } from './i18n';
import type { VideoTracker } from './page-videos';
import type { PageJob } from './view-messages';
import type { PageClient } from './view-port';

export type ButtonState =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'job'; job: PageJob }
  | { kind: 'error'; message: string }
  /** Nothing downloadable is known yet: the player loads its stream on first play. */
  | { kind: 'play-first' };

/** The label a button shows for its video's state: ⬇, Queued, 42 %, ● REC, Downloaded, Failed. */
export function buttonLabel(state: ButtonState): { text: string; label: string } {
  if (state.kind === 'idle' || state.kind === 'busy') return { text: '⬇', label: t('buttonDownload') };
  if (state.kind === 'error') return { text: '!', label: `${t('buttonFailed')}: ${state.message}` };
  if (state.kind === 'play-first') return { text: t('buttonPlayFirst'), label: t('buttonPlayFirst') };
  const { job } = state;
  switch (job.status) {
    case 'queued':
      return { text: t('buttonQueued'), label: t('buttonQueued') };
    case 'downloading':
    case 'paused': {
      const pct = `${Math.min(100, Math.max(0, Math.floor(job.percent ?? 0)))}%`;
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
button[data-state="failed"], button[data-state="error"], button[data-state="recording"] { background: #c62828; }
button[data-state="play-first"] { background: rgba(20, 24, 32, 0.9); font-weight: 500; }
`;

interface Overlay {
  video: HTMLMediaElement;
  host: HTMLElement;
  button: HTMLButtonElement;
  state: ButtonState;
}

/**
 * A small button over each visible video the tracker finds, in a closed shadow root hung
 * off <html>: the page's layout and styles are untouched. It shows its video's download
 * and starts one on a real click only, with the video's sources as they are at the click.
 */
export function createVideoButtons(client: PageClient, tracker: VideoTracker, doc: Document = document, shadowMode: ShadowRootMode = 'closed') {
  const overlays = new Map<HTMLMediaElement, Overlay>();
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

  const settle = async (o: Overlay, action: () => Promise<PageJob>) => {
    o.state = { kind: 'busy' };
    render(o);
    try {
      const job = await action();
      o.state = { kind: 'job', job };
      byJob.set(job.id, o);
    } catch (err) {
      o.state =
        err instanceof HostRequestError && err.code === 'NOT_FOUND' && err.field === 'video'
          ? { kind: 'play-first' }
          : { kind: 'error', message: err instanceof Error ? err.message : String(err) };
    }
    render(o);
    place(o);
  };

  const onClick = async (o: Overlay, e: MouseEvent) => {
    e.preventDefault();
    e.stopPropagation();
    // Only a person's click: a page cannot start downloads by scripting the button.
    if (!e.isTrusted || o.state.kind === 'busy') return;
    if (o.state.kind === 'job') {
      const { id, status } = o.state.job;
      // A recording is stopped from its button: what was recorded is kept.
      if (status === 'recording') return settle(o, () => client.stopRecording(id));
      if (!allowedActions(status).includes('retry')) return;
      // The background finds the video's sources again from a fresh report of this frame.
      tracker.reportNow();
      return settle(o, () => client.retry(id));
    }
    // The sources are resolved now, at the click: a lazy player may have loaded since it was drawn.
    const video = tracker.describe(o.video);
    if (!video) return;
    return settle(o, () => client.download({ video, pageTitle: doc.title ? doc.title.slice(0, 1000) : null }));
  };

  const attach = (video: HTMLMediaElement) => {
    const host = doc.createElement('vidqueue-button');
    const shadow = host.attachShadow({ mode: shadowMode });
    const style = doc.createElement('style');
    style.textContent = STYLE;
    const button = doc.createElement('button');
    button.type = 'button';
    shadow.append(style, button);
    const o: Overlay = { video, host, button, state: { kind: 'idle' } };
    button.addEventListener('click', (e) => void onClick(o, e));
    // "Play the video once" is over once it plays.
    video.addEventListener('play', () => {
      if (o.state.kind !== 'play-first' && o.state.kind !== 'error') return;
      o.state = { kind: 'idle' };
      render(o);
      place(o);
    });
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

  const follow = (visible: HTMLMediaElement[]) => {
    const found = new Set(visible);
    for (const o of [...overlays.values()]) if (!found.has(o.video)) detach(o);
    for (const video of visible) if (!overlays.has(video)) attach(video);
    for (const o of overlays.values()) place(o);
  };

  const schedule = () => {
    if (frame) return;
    frame = (doc.defaultView?.requestAnimationFrame ?? ((fn: FrameRequestCallback) => setTimeout(fn, 16) as unknown as number))(() => {
      frame = 0;
      for (const o of overlays.values()) place(o);
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

  const win = doc.defaultView;
  let offScan = () => {};
  return {
    start() {
      win?.addEventListener('scroll', schedule, { passive: true, capture: true });
      win?.addEventListener('resize', schedule, { passive: true });
      offScan = tracker.onScan(follow);
    },
    /** In-page navigation: a new page, new videos, no old states. */
    reset() {
      for (const o of [...overlays.values()]) detach(o);
      tracker.reset();
    },
    stop() {
      offScan();
      win?.removeEventListener('scroll', schedule, { capture: true });
      win?.removeEventListener('resize', schedule);
      offJob();
      for (const o of [...overlays.values()]) detach(o);
    },
    get count() {
      return overlays.size;
    },
  };
}
