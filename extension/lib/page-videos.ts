/**
 * The videos of one frame, as its content script sees them: every `<video>` and `<audio>`
 * (open shadow roots included), each with its own sources (what the page probe and the
 * element itself say), its label, and a key stable for its life. The frame's report goes
 * to the background whenever it changes; the buttons ask for a fresh look at a click.
 */
import { MAX_URL_LENGTH } from '../../shared/url';
import { findMedia, isVisibleVideo } from './find-videos';
import { type MediaProbe, onProbeChange, probeCatalogue, probeMedia } from './page-probe/bridge';
import { type CatalogueEntry, type MediaFacts, type Source, attributeSources } from './sources/attribute';
import { videoLabel } from './video-label';
import type { FrameReport, ReportedVideo } from './view-messages';

/** The page probe, passed in so tests can play the page's part. */
export interface Probe {
  media(el: HTMLMediaElement): MediaProbe;
  catalogue(doc: Document): CatalogueEntry[];
  onChange(doc: Document, fn: () => void): () => void;
}

const pageProbe: Probe = { media: probeMedia, catalogue: probeCatalogue, onChange: onProbeChange };

export interface TrackerDeps {
  doc?: Document;
  probe?: Probe;
  /** This frame's videos, each time they change. */
  onReport?: (report: FrameReport) => void;
  /** The least time between two looks at the page. */
  scanDelayMs?: number;
  /** A look now and then, for what no event announces (a video added in a shadow root). */
  periodMs?: number;
}

const MAX_MEDIA = 200;
const MEDIA_EVENTS = ['loadstart', 'loadedmetadata', 'emptied', 'play'];
const isHttp = (u: string) => /^https?:\/\//i.test(u) && u.length <= MAX_URL_LENGTH;

/** A video's poster image, resolved against the page, when it is an http(s) one. */
const posterOf = (el: HTMLMediaElement): string | null => {
  const given = el.localName === 'video' ? el.getAttribute('poster') : null;
  if (!given) return null;
  try {
    const url = new URL(given, el.baseURI).href;
    return isHttp(url) ? url : null;
  } catch {
    return null;
  }
};
const size = (n: number) => Math.min(100_000, Math.max(0, Math.round(n)));

/** A source as the background's schema takes it: no URL longer than it allows. */
function fit(s: Source): Source | null {
  if (s.url.length > MAX_URL_LENGTH) return null;
  return { ...s, parts: s.parts.filter((p) => p.length <= MAX_URL_LENGTH) };
}

export function createVideoTracker(d: TrackerDeps = {}) {
  const doc = d.doc ?? document;
  const win = doc.defaultView;
  const probe = d.probe ?? pageProbe;
  const keys = new WeakMap<HTMLMediaElement, string>();
  let nextKey = 1;
  const keyOf = (el: HTMLMediaElement) => {
    let k = keys.get(el);
    if (!k) {
      k = `m${nextKey++}`;
      keys.set(el, k);
    }
    return k;
  };

  const factsOf = (el: HTMLMediaElement): MediaFacts => {
    const { players, attachTask, attachSeq } = probe.media(el);
    const currentSrc = el.currentSrc || '';
    const direct = [currentSrc, el.getAttribute('src') === null ? '' : el.src, ...[...el.querySelectorAll('source')].map((s) => s.src)].filter(isHttp);
    const playing = currentSrc || el.src || '';
    return {
      direct: [...new Set(direct)],
      fed: direct.length === 0 && (playing === '' || playing.startsWith('blob:') || el.srcObject != null),
      currentSrc,
      videoHeight: el.localName === 'video' ? (el as HTMLVideoElement).videoHeight || 0 : 0,
      players,
      attachTask,
      attachSeq,
    };
  };

  /** A fresh look at every media element of the frame: which are shown, and the sources of each. */
  const look = (): { report: FrameReport; byElement: Map<HTMLMediaElement, ReportedVideo> } => {
    const media = findMedia(doc).slice(0, MAX_MEDIA);
    const facts = media.map(factsOf);
    const { perMedia, others } = attributeSources(facts, probe.catalogue(doc));
    const byElement = new Map<HTMLMediaElement, ReportedVideo>();
    media.forEach((el, i) => {
      const sources = perMedia[i]!.map(fit)
        .filter((s): s is Source => s !== null)
        .slice(0, 10);
      // Videos a person sees; audio players only when there is something to download.
      if (!isVisibleVideo(el) && !(el.localName === 'audio' && sources.length > 0)) return;
      const rect = el.getBoundingClientRect();
      byElement.set(el, {
        key: keyOf(el),
        media: el.localName === 'audio' ? 'audio' : 'video',
        label: videoLabel(el),
        src: (el.currentSrc || el.src || '').slice(0, MAX_URL_LENGTH),
        width: size(rect.width),
        height: size(rect.height),
        sources,
        fed: facts[i]!.fed,
        poster: posterOf(el),
      });
    });
    const report = {
      videos: [...byElement.values()].slice(0, 50),
      others: others
        .map(fit)
        .filter((s): s is Source => s !== null)
        .slice(0, 20),
    };
    return { report, byElement };
  };

  let lastSent: string | null = null;
  const send = (report: FrameReport, force: boolean) => {
    const text = JSON.stringify(report);
    // A frame that never had a video never wakes the background.
    if (lastSent === null && report.videos.length === 0 && report.others.length === 0) return;
    if (!force && text === lastSent) return;
    lastSent = text;
    d.onReport?.(report);
  };

  const scanListeners = new Set<(visible: HTMLMediaElement[]) => void>();
  let visible: HTMLMediaElement[] = [];
  const scan = () => {
    const { report, byElement } = look();
    visible = [...byElement.keys()].filter(isVisibleVideo);
    for (const fn of scanListeners) fn(visible);
    send(report, false);
  };

  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastScan = 0;
  const schedule = () => {
    if (timer) return;
    const wait = Math.max(0, lastScan + (d.scanDelayMs ?? 300) - Date.now());
    timer = setTimeout(() => {
      timer = null;
      lastScan = Date.now();
      scan();
    }, wait);
  };

  const observer = new (win?.MutationObserver ?? MutationObserver)(schedule);
  let offProbe = () => {};
  let period: ReturnType<typeof setInterval> | null = null;
  const onMediaEvent = () => schedule();

  return {
    start(): void {
      observer.observe(doc.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['src', 'style', 'class', 'hidden'] });
      offProbe = probe.onChange(doc, schedule);
      for (const type of MEDIA_EVENTS) doc.addEventListener(type, onMediaEvent, true);
      period = setInterval(() => {
        if (!doc.hidden) schedule();
      }, d.periodMs ?? 2000);
      lastScan = Date.now();
      scan();
    },
    stop(): void {
      observer.disconnect();
      offProbe();
      for (const type of MEDIA_EVENTS) doc.removeEventListener(type, onMediaEvent, true);
      if (period) clearInterval(period);
      if (timer) clearTimeout(timer);
      timer = null;
    },
    /** The visible videos after each look (the buttons follow them). */
    onScan(fn: (visible: HTMLMediaElement[]) => void): () => void {
      scanListeners.add(fn);
      fn(visible);
      return () => void scanListeners.delete(fn);
    },
    /** One element as it is now, resolved at the moment of asking (a click). Also reports the frame. */
    describe(el: HTMLMediaElement): ReportedVideo | null {
      const { report, byElement } = look();
      send(report, false);
      return byElement.get(el) ?? null;
    },
    /** Reports the frame's videos now, even unchanged (the background asked, or forgot them). */
    reportNow(): void {
      send(look().report, true);
    },
    /** In-page navigation: the page is new, report it afresh. */
    reset(): void {
      lastSent = lastSent === null ? null : '';
      scan();
    },
  };
}

export type VideoTracker = ReturnType<typeof createVideoTracker>;
