import { createReadStream, promises as fs } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO } from './env';
import { LIVE } from './fixtures';

/** The cookie a file served with `?login=1` needs (the tests' "logged in" browser has it). */
export const LOGIN_COOKIE = { name: 'session', value: 's3cr3t-login-4f1d' } as const;

export interface MediaServer {
  url(path: string, query?: Record<string, string | number>): string;
  /** The same URL on another origin (`localhost` instead of `127.0.0.1`): for cross-origin frames. */
  otherOrigin(url: string): string;
  /** Serves `html` at `path` (an HTML page of the test's own). */
  page(path: string, html: string): string;
  /** Requests seen, for assertions (Range headers, Referer, Cookie), with the bytes of the file sent in answer so far. */
  requests: { path: string; range: string | undefined; referer: string | undefined; cookie: string | undefined; sent: number }[];
  /** Responses that reached their stall point and are holding the rest back. */
  stalled: number;
  /** Requests to `/hang` being held open right now (it never answers). */
  hanging: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.mpd': 'application/dash+xml',
  '.m4s': 'video/iso.segment',
  '.html': 'text/html; charset=utf-8',
  '.bin': 'video/mp4',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.jpg': 'image/jpeg',
  '.vtt': 'text/vtt; charset=utf-8',
};

/** Player libraries for test pages, from the dev dependencies: `/lib/<name>`. */
const LIBS: Record<string, string> = {
  'hls.js': 'node_modules/hls.js/dist/hls.min.js',
  'dash.js': 'node_modules/dashjs/dist/modern/umd/dash.all.min.js',
  'video.js': 'node_modules/video.js/dist/video.min.js',
  'video-js.css': 'node_modules/video.js/dist/video-js.min.css',
};

/** Live streams being played, by id: when each began (its first playlist request). */
type LiveState = Map<string, number>;

/**
 * A loopback media server for the tests: files from `root`, with Range support and, per
 * request, throttling (`rate` bytes/s) and a stall (`stallAt` fraction, `stallMs`) so a
 * test can act at 10 %, 50 % or 99 % of a download. `/page?video=…&title=…` is an
 * HTML page holding a <video>; `page(path, html)` serves a test's own page (`devkit/pages.ts`
 * writes the usual ones); `/subs/<lang>.vtt` WebVTT subtitles; `/hang` never answers; `/lib/hls.js`,
 * `/lib/dash.js`, `/lib/video.js` the real players; `/live/<id>/index.m3u8` a live HLS
 * stream whose playlist advances in real time (`?window=`, `&endAfter=` seconds), and
 * `/live/<id>/master.m3u8` a master playlist over it.
 */
export async function startMediaServer(root: string, defaults: { rate?: number } = {}): Promise<MediaServer> {
  const requests: MediaServer['requests'] = [];
  const stats = { stalled: 0, hanging: 0 };
  const pages = new Map<string, string>();
  const live: LiveState = new Map();
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => {
    handle(root, defaults, req, res, requests, stats, pages, live).catch(() => res.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    requests,
    get stalled() {
      return stats.stalled;
    },
    get hanging() {
      return stats.hanging;
    },
    url(path, query) {
      const u = new URL(path.replace(/^\/?/, '/'), `http://127.0.0.1:${port}`);
      for (const [k, val] of Object.entries(query ?? {})) u.searchParams.set(k, String(val));
      return u.href;
    },
    otherOrigin(url) {
      return url.replace(`http://127.0.0.1:${port}`, `http://localhost:${port}`);
    },
    page(path, html) {
      const p = path.replace(/^\/?/, '/');
      pages.set(p, html);
      return `http://127.0.0.1:${port}${p}`;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function handle(
  root: string,
  defaults: { rate?: number },
  req: IncomingMessage,
  res: ServerResponse,
  requests: MediaServer['requests'],
  stats: { stalled: number; hanging: number },
  pages: Map<string, string>,
  live: LiveState,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const seen = { path: url.pathname, range: req.headers.range, referer: req.headers.referer, cookie: req.headers.cookie, sent: 0 };
  requests.push(seen);
  const own = pages.get(url.pathname);
  if (own !== undefined) return sendText(res, TYPES['.html']!, own);
  const lib = url.pathname.startsWith('/lib/') ? LIBS[url.pathname.slice(5)] : undefined;
  if (lib) return sendText(res, TYPES[extname(lib)] ?? 'application/octet-stream', await fs.readFile(join(REPO, lib), 'utf8'));
  const liveMatch = /^\/live\/([\w-]+)\/(index\.m3u8|seg\d{3}\.ts)$/.exec(url.pathname);
  // `/live/<id>/master.m3u8`: a master playlist whose one rendition is that stream (its query passed on).
  if (/^\/live\/[\w-]+\/master\.m3u8$/.test(url.pathname)) {
    const variant = `index.m3u8${url.search}`;
    return sendText(res, TYPES['.m3u8']!, `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"\n${variant}\n`);
  }
  if (liveMatch && liveMatch[2] === 'index.m3u8') {
    const id = liveMatch[1]!;
    if (!live.has(id)) live.set(id, Date.now());
    return sendText(
      res,
      TYPES['.m3u8']!,
      livePlaylist(Date.now() - live.get(id)!, Number(url.searchParams.get('window') ?? 5), Number(url.searchParams.get('endAfter') ?? 0)),
    );
  }
  // `/hang`: a server that accepts the request and never answers (until the client gives up).
  if (url.pathname === '/hang') {
    stats.hanging++;
    req.socket.once('close', () => stats.hanging--);
    return;
  }
  // `/subs/<lang>.vtt`: WebVTT subtitles for the 8 s clips, their text naming the language.
  const subs = /^\/subs\/([\w-]+)\.vtt$/.exec(url.pathname);
  if (subs) return sendText(res, TYPES['.vtt']!, webVtt(subs[1]!));
  if (url.pathname === '/page') {
    const title = url.searchParams.get('title') ?? 'Test page';
    const video = url.searchParams.get('video') ?? '/progressive.mp4';
    const body = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta property="og:title" content="${escapeHtml(title)}"></head>
<body><h1>${escapeHtml(title)}</h1><video controls width="640" height="360" src="${escapeHtml(video)}"></video></body></html>`;
    res.writeHead(200, { 'content-type': TYPES['.html']!, 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  // `/as/<any name>?type=…`: the progressive clip under a name and content type the test picks.
  const asName = url.pathname.startsWith('/as/');
  const rel = asName ? 'progressive.mp4' : liveMatch ? `live/${liveMatch[2]}` : normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(root, rel);
  const status = Number(url.searchParams.get('status') ?? 0);
  // `?login=1`: a file behind a login: 403 unless the request carries the login cookie.
  if (url.searchParams.has('login') && !(req.headers.cookie ?? '').split(/;\s*/).includes(`${LOGIN_COOKIE.name}=${LOGIN_COOKIE.value}`)) {
    res.writeHead(403, { 'content-type': 'text/plain' });
    res.end('log in first');
    return;
  }
  if (status >= 400) {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(`status ${status}`);
    return;
  }
  let size: number;
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
    return;
  }
  const rate = Number(url.searchParams.get('rate') ?? defaults.rate ?? 0);
  const stallAt = Number(url.searchParams.get('stallAt') ?? 0);
  const stallMs = Number(url.searchParams.get('stallMs') ?? 0);
  const segmentDelay = Number(url.searchParams.get('delay') ?? 0);
  // `drop=N`: every response is cut off after N bytes (the connection is destroyed).
  const drop = Number(url.searchParams.get('drop') ?? 0);

  let start = 0;
  let end = size - 1;
  const range = req.headers.range?.match(/^bytes=(\d*)-(\d*)$/);
  const headers: Record<string, string | number> = {
    'content-type': url.searchParams.get('type') ?? (asName ? 'application/octet-stream' : (TYPES[extname(file)] ?? 'application/octet-stream')),
    'accept-ranges': 'bytes',
  };
  if (range) {
    start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
    end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start >= size || start > end) {
      res.writeHead(416, { 'content-range': `bytes */${size}` });
      res.end();
      return;
    }
    headers['content-range'] = `bytes ${start}-${end}/${size}`;
  }
  headers['content-length'] = end - start + 1;
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (segmentDelay > 0) await sleep(segmentDelay);
  if (drop > 0) {
    const stream = createReadStream(file, { start, end: Math.min(end, start + drop - 1) });
    stream.on('data', (c) => {
      seen.sent += c.length;
      res.write(c);
    });
    stream.on('end', () => res.destroy());
    return;
  }
  if (!rate && !stallAt) {
    const stream = createReadStream(file, { start, end });
    stream.on('data', (c) => {
      seen.sent += c.length;
    });
    stream.pipe(res);
    return;
  }
  // Throttled: chunks of 1/20 s worth of bytes, paced by the clock.
  const handle = await fs.open(file, 'r');
  try {
    const chunk = rate ? Math.max(1024, Math.floor(rate / 20)) : 64 * 1024;
    const begun = Date.now();
    let sent = 0;
    let stalled = false;
    const stallPos = stallAt ? Math.floor(size * stallAt) : -1;
    for (let pos = start; pos <= end && !res.destroyed; ) {
      // Stop exactly at the stall point, so the client has stallAt of the file and no more.
      const n = Math.min(chunk, end - pos + 1, pos < stallPos ? stallPos - pos : Infinity);
      const buf = Buffer.allocUnsafe(n);
      await handle.read(buf, 0, n, pos);
      // A client that goes away never drains: wait for either.
      if (!res.write(buf) && !res.destroyed) await drainOrClose(res);
      pos += n;
      sent += n;
      seen.sent += n;
      if (stallAt && !stalled && pos >= stallPos) {
        stalled = true;
        stats.stalled++;
        await sleep(stallMs);
      }
      if (rate) {
        const due = begun + (sent / rate) * 1000 + (stalled ? stallMs : 0);
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
      }
    }
    res.end();
  } finally {
    await handle.close();
  }
}

function sendText(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * The live playlist `elapsedMs` after the stream began: a window of the segments out so
 * far, sliding as time goes (the media sequence rises); no end until `endAfter` seconds
 * (0: never, until the clip runs out), then `#EXT-X-ENDLIST`.
 */
export function livePlaylist(elapsedMs: number, window: number, endAfter: number): string {
  const ended = (endAfter > 0 && elapsedMs >= endAfter * 1000) || elapsedMs >= LIVE.segments * LIVE.seconds * 1000;
  const out = Math.min(LIVE.segments, Math.max(1, Math.floor(elapsedMs / (LIVE.seconds * 1000)) + 1));
  const last = ended ? Math.min(LIVE.segments, endAfter > 0 ? Math.ceil(endAfter / LIVE.seconds) : LIVE.segments) : out;
  const first = Math.max(0, last - window);
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${LIVE.seconds}`, `#EXT-X-MEDIA-SEQUENCE:${first}`];
  for (let i = first; i < last; i++) lines.push(`#EXTINF:${LIVE.seconds}.000000,`, `seg${String(i).padStart(3, '0')}.ts`);
  if (ended) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

/** Three cues over the first 7 s of a clip. */
function webVtt(lang: string): string {
  const cue = (n: number, from: string, to: string) => `${n}\n00:00:${from}.000 --> 00:00:${to}.000\n${lang} line ${n}\n`;
  return `WEBVTT\n\n${cue(1, '00', '02')}\n${cue(2, '02', '04')}\n${cue(3, '04', '07')}`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Waits until the response can take more, or is gone; leaves no listener behind. */
function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
