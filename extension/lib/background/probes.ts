import type { ParamsOf, ResultOf } from '../../../shared/protocol';
import { type HostConnection, HostRequestError } from '../host-connection';

type ProbeParams = ParamsOf<'probe'>;
type ProbeAnswer = ResultOf['probe'];

interface Task {
  owner: object;
  params: ProbeParams;
  resolve: (r: ProbeAnswer) => void;
  reject: (e: Error) => void;
}

export interface ProbesDeps {
  host: Pick<HostConnection, 'request'>;
  /** Pages whose extractor is remembered, oldest forgotten first. */
  maxPages?: number;
  /** Probes sent to the daemon at once (it reads two at a time and queues the rest). */
  maxInFlight?: number;
}

const cancelled = () => new HostRequestError('PROBE_CANCELLED', 'The probe was cancelled: the view that asked for it closed', 'url');

/** A URL as the daemon normalises it, so that a probe's answer and a later question meet. */
function normalise(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/**
 * The views' probes (what a URL offers). To the daemon the background is one client, so
 * each probe goes in a slot of its own: a popup's page probe and its videos' probes run side
 * by side instead of replacing one another. A few are sent at once (the daemon reads two at
 * a time), the rest wait here in order, so none waits out its time limit in the daemon's
 * queue. A view's probes go when the view does (waiting ones dropped, sent ones cancelled
 * with `probe.cancel` of their slots). What each answer says of the extractor is
 * remembered: the page URL is offered first where yt-dlp knows the site.
 */
export function createProbes(d: ProbesDeps) {
  const maxPages = d.maxPages ?? 200;
  const maxInFlight = d.maxInFlight ?? 3;
  const queue: Task[] = [];
  /** Sent and not yet answered: slot → the view that asked. */
  const inFlight = new Map<string, object>();
  let nextSlot = 1;
  /** Page URL → yt-dlp has a site-specific (non-generic) extractor for it. */
  const extractors = new Map<string, boolean>();

  const remember = (url: string, known: boolean) => {
    const key = normalise(url);
    extractors.delete(key);
    extractors.set(key, known);
    while (extractors.size > maxPages) extractors.delete(extractors.keys().next().value!);
  };

  const next = () => {
    while (inFlight.size < maxInFlight && queue.length > 0) send(queue.shift()!);
  };

  const send = (task: Task) => {
    const slot = `bg.${nextSlot++}`;
    inFlight.set(slot, task.owner);
    d.host
      .request('probe', { ...task.params, slot })
      .then(
        (answer) => {
          remember(task.params.url, !answer.generic);
          task.resolve(answer);
        },
        (err: Error) => {
          // A URL no extractor supports is known not to have one; a timeout or a network error says nothing.
          if (err instanceof HostRequestError && err.code === 'UNSUPPORTED_URL') remember(task.params.url, false);
          task.reject(err);
        },
      )
      .finally(() => {
        // The next probe goes once this one settled, either way.
        inFlight.delete(slot);
        next();
      });
  };

  const probe = (owner: object, params: ProbeParams): Promise<ProbeAnswer> =>
    new Promise((resolve, reject) => {
      queue.push({ owner, params, resolve, reject });
      next();
    });

  return {
    probe,
    /** Drops what `owner` asked for: its waiting probes here, its sent ones in the daemon. */
    cancel(owner: object): { cancelled: boolean } {
      let dropped = false;
      for (let i = queue.length - 1; i >= 0; i--) {
        if (queue[i]!.owner !== owner) continue;
        queue.splice(i, 1)[0]!.reject(cancelled());
        dropped = true;
      }
      for (const [slot, asker] of inFlight) {
        if (asker !== owner) continue;
        dropped = true;
        void d.host.request('probe.cancel', { slot }).catch(() => {});
      }
      return { cancelled: dropped };
    },
    /** What a probe said of the page: true, a site yt-dlp knows; false, generic or unsupported; undefined, never asked. */
    knownExtractor(pageUrl: string): boolean | undefined {
      return extractors.get(normalise(pageUrl));
    },
    /**
     * Whether yt-dlp knows the page's site, probing it when nobody has yet; after `waitMs`
     * the answer is "no" (the probe goes on and is remembered for the next time).
     */
    async hasExtractor(owner: object, pageUrl: string, waitMs = 5000): Promise<boolean> {
      const known = extractors.get(normalise(pageUrl));
      if (known !== undefined) return known;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), waitMs);
      });
      const asked = probe(owner, { url: pageUrl, limit: 1 }).then(
        (a) => !a.generic,
        () => false,
      );
      return Promise.race([asked, late]).finally(() => clearTimeout(timer));
    },
  };
}

export type Probes = ReturnType<typeof createProbes>;
