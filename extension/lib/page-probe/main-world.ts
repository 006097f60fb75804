/**
 * The page-side probe: runs in the page's own JavaScript world (a `world: 'MAIN'` content
 * script in Chromium, a script injected by the content script in Firefox), before the
 * page's scripts. It learns what no extension API shows: which manifests the page's
 * players fetched (their text: masters, variants, live), which MediaSource each element
 * plays, and what the known player libraries (hls.js, dash.js, video.js) say each element
 * plays. It answers the content script's questions through DOM events (see events.ts).
 *
 * Everything here runs inside the page: it must never throw into the page's code, never
 * change what the page's calls return, and keep bounded state.
 */
import type { CatalogueEntry, PlayerFact } from '../sources/attribute';
import { MAX_VARIANTS, parseManifest } from '../sources/manifest';
import { PROBE_EVENTS } from './events';

type Win = Window & typeof globalThis;
// biome-ignore lint/suspicious/noExplicitAny: page objects (players, libraries) have no types we can trust
type Any = any;

const MAX_CATALOGUE = 60;
const MAX_PLAYERS = 50;
const MAX_BLOBS = 200;
const MAX_TEXT = 2_000_000;
const MANIFEST_URL = /\.(m3u8|mpd)(\?|#|$)/i;
const MANIFEST_TYPE = /mpegurl|dash\+xml/i;
const INSTALLED = '__vidqueueMediaProbe';

const safe = <T>(fn: () => T, fallback: T): T => {
  try {
    return fn();
  } catch {
    return fallback;
  }
};

export function installMediaProbe(win: Win): void {
  if (safe(() => Object.hasOwn(win, INSTALLED), true)) return;
  Object.defineProperty(win, INSTALLED, { value: true });
  const doc = win.document;
  const setTimer = win.setTimeout.bind(win);
  const microtask = typeof win.queueMicrotask === 'function' ? win.queueMicrotask.bind(win) : (fn: () => void) => void Promise.resolve().then(fn);
  const Custom = win.CustomEvent;
  const Evt = win.Event;
  const stringify = JSON.stringify;

  // Calls made in one synchronous run of script share a task number: a player that fetches
  // its manifest and attaches its MediaSource in one go is matched by it.
  let task = 0;
  let inTask = false;
  // Requests and attachments in the order they happened: players are paired with streams by it.
  let seq = 0;
  const currentTask = () => {
    if (!inTask) {
      inTask = true;
      task++;
      microtask(() => {
        inTask = false;
      });
    }
    return task;
  };

  let pending = false;
  const changed = () => {
    if (pending) return;
    pending = true;
    setTimer(() => {
      pending = false;
      safe(() => doc.dispatchEvent(new Evt(PROBE_EVENTS.changed)), false);
    }, 250);
  };

  const absolute = (url: unknown): string | null =>
    safe(() => {
      const u = new URL(String(url), doc.baseURI);
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
    }, null);

  const catalogue = new Map<string, CatalogueEntry>();
  const learn = (text: string, url: string, base: string, taskNo: number, order: number) => {
    if (text.length > MAX_TEXT) return;
    const facts = parseManifest(text, base);
    if (!facts) return;
    const before = catalogue.get(url);
    catalogue.delete(url);
    // A live playlist is fetched again and again: it keeps its first task and time.
    catalogue.set(url, { ...facts, url, task: before?.task ?? taskNo, at: before?.at ?? order });
    while (catalogue.size > MAX_CATALOGUE) catalogue.delete(catalogue.keys().next().value!);
    if (!before || stringify(before.variants) !== stringify(facts.variants) || before.live !== facts.live) changed();
  };

  // XMLHttpRequest: hls.js, video.js and dash.js load manifests with it.
  const xhrProto = win.XMLHttpRequest?.prototype;
  if (xhrProto) {
    const open = xhrProto.open;
    const sent = new WeakMap<XMLHttpRequest, { url: string; task: number; seq: number }>();
    const onLoad = function (this: XMLHttpRequest) {
      safe(() => {
        const m = sent.get(this);
        if (!m) return;
        const kind = this.responseType;
        let text = '';
        if (kind === '' || kind === 'text') text = this.responseText;
        else if (kind === 'arraybuffer' && this.response instanceof ArrayBuffer && this.response.byteLength <= MAX_TEXT) {
          if (!MANIFEST_URL.test(m.url) && !MANIFEST_TYPE.test(this.getResponseHeader('content-type') ?? '')) return;
          text = new TextDecoder().decode(this.response);
        } else return;
        if (!/^\s*(#EXTM3U|<\?xml|<MPD)/.test(text.slice(0, 200))) return;
        learn(text, m.url, (this.responseURL && absolute(this.responseURL)) || m.url, m.task, m.seq);
      }, undefined);
    };
    xhrProto.open = function (this: XMLHttpRequest, ...args: Any[]) {
      safe(() => {
        const url = absolute(args[1]);
        if (!url) return;
        if (!sent.has(this)) this.addEventListener('load', onLoad);
        sent.set(this, { url, task: currentTask(), seq: ++seq });
      }, undefined);
      return (open as Any).apply(this, args);
    } as typeof xhrProto.open;
  }

  // fetch: a manifest (by its URL or type) is read from a clone; the page's response is untouched.
  const fetch = win.fetch;
  if (typeof fetch === 'function') {
    win.fetch = function (this: unknown, ...args: Any[]) {
      const promise = (fetch as Any).apply(this, args) as Promise<Response>;
      safe(() => {
        const input = args[0];
        const url = absolute(typeof input === 'string' || input instanceof URL ? input : input?.url);
        if (!url) return;
        const taskNo = currentTask();
        const order = ++seq;
        promise.then(
          (res) =>
            safe(() => {
              if (!MANIFEST_URL.test(url) && !MANIFEST_URL.test(res.url) && !MANIFEST_TYPE.test(res.headers.get('content-type') ?? '')) return;
              res
                .clone()
                .text()
                .then(
                  (text) => learn(text, url, (res.url && absolute(res.url)) || url, taskNo, order),
                  () => {},
                );
            }, undefined),
          () => {},
        );
      }, undefined);
      return promise;
    } as typeof fetch;
  }

  // MediaSource object URLs: which run of script attached which MediaSource.
  const blobTasks = new Map<string, { task: number; seq: number }>();
  const createObjectURL = win.URL?.createObjectURL;
  if (typeof createObjectURL === 'function') {
    win.URL.createObjectURL = function (this: unknown, obj: Any) {
      const url = createObjectURL.call(this, obj);
      safe(() => {
        const MS = (win as Any).MediaSource;
        const MMS = (win as Any).ManagedMediaSource;
        if ((MS && obj instanceof MS) || (MMS && obj instanceof MMS)) {
          blobTasks.set(url, { task: currentTask(), seq: ++seq });
          while (blobTasks.size > MAX_BLOBS) blobTasks.delete(blobTasks.keys().next().value!);
          changed();
        }
      }, undefined);
      return url;
    };
  }

  // Player libraries loaded as page globals: their instances know which element plays which stream.
  const hlsPlayers = new Set<Any>();
  const dashPlayers = new Set<Any>();
  const remember = (set: Set<Any>, player: Any) => {
    set.add(player);
    if (set.size > MAX_PLAYERS) set.delete(set.values().next().value);
  };
  const wrapMethods = (target: Any, names: string[], after: (self: Any) => void) => {
    for (const name of names) {
      const original = target?.[name];
      if (typeof original !== 'function') continue;
      target[name] = function (this: Any, ...args: Any[]) {
        safe(() => after(this), undefined);
        const result = original.apply(this, args);
        changed();
        return result;
      };
    }
  };
  const patched = new WeakSet<object>();
  const patchHls = (Hls: Any) => {
    const proto = Hls?.prototype;
    if (!proto || patched.has(proto)) return Hls;
    patched.add(proto);
    wrapMethods(proto, ['attachMedia', 'loadSource'], (self) => remember(hlsPlayers, self));
    return Hls;
  };
  const patchDashFactory = (factory: Any) => {
    if (typeof factory !== 'function' || patched.has(factory)) return factory;
    const wrapped = function (this: unknown, ...args: Any[]) {
      const made = factory.apply(this, args);
      safe(() => {
        const create = made?.create;
        if (typeof create !== 'function') return;
        made.create = function (this: unknown, ...a: Any[]) {
          const player = create.apply(this, a);
          safe(() => {
            remember(dashPlayers, player);
            wrapMethods(player, ['initialize', 'attachView', 'attachSource'], () => {});
          }, undefined);
          return player;
        };
      }, undefined);
      return made;
    };
    Object.assign(wrapped, factory);
    patched.add(wrapped);
    return wrapped;
  };
  // A library's global is patched once its script has run: the script element's load event
  // comes right after, before the parser runs the page's next script (or the page's own
  // onload of that script). No property is defined on the page's window for it.
  const patchLibraries = () => {
    safe(() => patchHls((win as Any).Hls), undefined);
    safe(() => {
      const ns = (win as Any).dashjs;
      if (ns && typeof ns.MediaPlayer === 'function' && !patched.has(ns.MediaPlayer)) ns.MediaPlayer = patchDashFactory(ns.MediaPlayer);
    }, undefined);
  };
  patchLibraries();
  doc.addEventListener(
    'load',
    (e) => {
      if (e.target instanceof win.HTMLScriptElement) patchLibraries();
    },
    true,
  );

  const playersOf = (el: HTMLMediaElement): PlayerFact[] => {
    const out: PlayerFact[] = [];
    for (const h of hlsPlayers) {
      safe(() => {
        if (h.media !== el) return;
        const url = absolute(h.url);
        if (!url) return;
        const levels: Any[] = Array.isArray(h.levels) ? h.levels.slice(0, MAX_VARIANTS) : [];
        const details = h.latestLevelDetails ?? h.levels?.[h.currentLevel]?.details;
        out.push({
          lib: 'hls.js',
          url,
          variants: levels.map((l) => ({
            url: absolute(l?.uri ?? l?.url?.[0]),
            height: l?.height || null,
            width: l?.width || null,
            bandwidth: l?.bitrate || null,
          })),
          live: typeof details?.live === 'boolean' ? details.live : null,
        });
      }, undefined);
    }
    for (const p of dashPlayers) {
      safe(() => {
        if (p.getVideoElement() !== el) return;
        const url = absolute(p.getSource());
        if (url) out.push({ lib: 'dash.js', url, variants: [], live: safe(() => Boolean(p.isDynamic()), null) });
      }, undefined);
    }
    safe(() => {
      const players = (win as Any).videojs?.getPlayers?.() ?? {};
      for (const p of Object.values<Any>(players).slice(0, MAX_PLAYERS)) {
        safe(() => {
          if (!p?.el?.()?.contains(el)) return;
          const url = absolute(p.currentSrc());
          if (url) out.push({ lib: 'video.js', url, variants: [], live: safe(() => (p.liveTracker ? Boolean(p.liveTracker.isLive()) : null), null) });
        }, undefined);
      }
    }, undefined);
    return out;
  };

  // The questions, answered synchronously on the element or document they were asked on.
  let answering = false;
  win.addEventListener(
    PROBE_EVENTS.media,
    (e) => {
      if (answering) return;
      answering = true;
      try {
        const el = e.composedPath()[0];
        if (!(el instanceof win.HTMLMediaElement)) return;
        patchLibraries();
        const attached = blobTasks.get(el.currentSrc) ?? blobTasks.get(el.src);
        const detail = stringify({ players: playersOf(el), attachTask: attached?.task ?? null, attachSeq: attached?.seq ?? null });
        el.dispatchEvent(new Custom(PROBE_EVENTS.mediaReply, { detail }));
      } catch {
        // nothing to say
      } finally {
        answering = false;
      }
    },
    true,
  );
  win.addEventListener(
    PROBE_EVENTS.catalogue,
    () => {
      safe(() => doc.dispatchEvent(new Custom(PROBE_EVENTS.catalogueReply, { detail: stringify([...catalogue.values()]) })), false);
    },
    true,
  );
}
