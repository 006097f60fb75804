/**
 * The content script's side of the page probe: asks it about an element or the frame's
 * manifests, and keeps only what is well-formed. What the probe says comes from the
 * page's world, so it is read as the page's own claim: bounded, http(s) URLs only.
 */
import { checkDownloadUrl } from '../../../shared/url';
import type { CatalogueEntry, PlayerFact } from '../sources/attribute';
import { MAX_RELATED, MAX_VARIANTS, type Variant } from '../sources/manifest';
import { PROBE_EVENTS } from './events';

export interface MediaProbe {
  players: PlayerFact[];
  attachTask: number | null;
  attachSeq: number | null;
}

/** Larger answers are ignored: 60 manifests of 40 variants fit in far less. */
const MAX_ANSWER_CHARS = 1_000_000;
const MAX_PLAYERS = 8;
const MAX_CATALOGUE = 60;
const LIBS = new Set(['hls.js', 'dash.js', 'video.js']);

// biome-ignore lint/suspicious/noExplicitAny: an untrusted value, checked field by field
type Raw = any;

const url = (x: unknown): string | null => (typeof x === 'string' && checkDownloadUrl(x).ok ? new URL(x).href : null);
const count = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) && x > 0 && x < 1e12 ? Math.round(x) : null);
const flag = (x: unknown): boolean | null => (typeof x === 'boolean' ? x : null);
const list = (x: unknown, max: number): Raw[] => (Array.isArray(x) ? x.slice(0, max) : []);

const variants = (x: unknown): Variant[] =>
  list(x, MAX_VARIANTS)
    .filter((v) => v && typeof v === 'object')
    .map((v) => ({ url: url(v.url), height: count(v.height), width: count(v.width), bandwidth: count(v.bandwidth) }));

export function sanitizeMediaProbe(raw: Raw): MediaProbe {
  const players: PlayerFact[] = [];
  for (const p of list(raw?.players, MAX_PLAYERS)) {
    const u = url(p?.url);
    if (u && LIBS.has(p.lib)) players.push({ lib: p.lib, url: u, variants: variants(p.variants), live: flag(p.live) });
  }
  return { players, attachTask: count(raw?.attachTask), attachSeq: count(raw?.attachSeq) };
}

export function sanitizeCatalogue(raw: unknown): CatalogueEntry[] {
  const out: CatalogueEntry[] = [];
  for (const e of list(raw, MAX_CATALOGUE)) {
    const u = url(e?.url);
    if (!u || (e.type !== 'hls' && e.type !== 'dash')) continue;
    out.push({
      url: u,
      type: e.type,
      master: e.master === true,
      variants: variants(e.variants),
      related: list(e.related, MAX_RELATED)
        .map(url)
        .filter((x): x is string => x !== null),
      live: flag(e.live),
      task: count(e.task) ?? 0,
      at: count(e.at) ?? 0,
    });
  }
  return out;
}

/** Dispatches `request` on `target` and takes the answer the probe gives on it synchronously. */
function ask(target: EventTarget, request: Event, replyType: string): unknown {
  let answer: unknown;
  const listener = (e: Event) => {
    const detail = (e as CustomEvent).detail;
    if (typeof detail === 'string' && detail.length <= MAX_ANSWER_CHARS) answer = detail;
  };
  target.addEventListener(replyType, listener);
  try {
    target.dispatchEvent(request);
  } finally {
    target.removeEventListener(replyType, listener);
  }
  if (typeof answer !== 'string') return undefined;
  try {
    return JSON.parse(answer);
  } catch {
    return undefined;
  }
}

/** What the page's players say `el` plays. Nothing when no probe runs in this frame. */
export function probeMedia(el: HTMLMediaElement): MediaProbe {
  const view = el.ownerDocument.defaultView ?? globalThis;
  return sanitizeMediaProbe(ask(el, new view.CustomEvent(PROBE_EVENTS.media, { bubbles: true, composed: true }), PROBE_EVENTS.mediaReply));
}

/** The manifests this frame fetched, as the probe parsed them. */
export function probeCatalogue(doc: Document = document): CatalogueEntry[] {
  const view = doc.defaultView ?? globalThis;
  return sanitizeCatalogue(ask(doc, new view.CustomEvent(PROBE_EVENTS.catalogue), PROBE_EVENTS.catalogueReply));
}

/** Called when the probe saw players or manifests change. */
export function onProbeChange(doc: Document, fn: () => void): () => void {
  doc.addEventListener(PROBE_EVENTS.changed, fn);
  return () => doc.removeEventListener(PROBE_EVENTS.changed, fn);
}
