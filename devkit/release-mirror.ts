import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** Debian's yt-dlp package: the source of the runnable copies the mirror serves. */
const YT_DLP_PACKAGE = '/usr/lib/python3/dist-packages/yt_dlp';

export interface FakeYtDlp {
  /** What `--version` prints. */
  version: string;
  /** Knows `--js-runtimes` (yt-dlp 2025.11.12 and later). */
  jsRuntimes?: boolean;
  /** Exits 1 on every run, `--version` included (a broken build). */
  broken?: boolean;
}

/**
 * A real, runnable yt-dlp for a release: a Python zipapp of the installed yt-dlp package,
 * reporting `version`; it appends its arguments to `$VQ_YTDLP_ARGV_LOG` when that is set,
 * so a test can see what VidQueue passed.
 */
export async function buildYtDlp(f: FakeYtDlp): Promise<Buffer> {
  const work = mkdtempSync(join(tmpdir(), 'vq-ytdlp-'));
  try {
    cpSync(YT_DLP_PACKAGE, join(work, 'yt_dlp'), { recursive: true, filter: (src) => !src.includes('__pycache__') });
    writeFileSync(
      join(work, 'yt_dlp', 'version.py'),
      `__version__ = '${f.version}'\nRELEASE_GIT_HEAD = ''\nVARIANT = None\nUPDATE_HINT = None\nCHANNEL = 'stable'\n`,
    );
    if (f.jsRuntimes) {
      const options = join(work, 'yt_dlp', 'options.py');
      const text = readFileSync(options, 'utf8');
      const anchor = "    postproc.add_option(\n        '--ffmpeg-location'";
      if (!text.includes(anchor)) throw new Error('cannot find where to add --js-runtimes in yt-dlp options.py');
      writeFileSync(
        options,
        text.replace(
          anchor,
          `    postproc.add_option(\n        '--js-runtimes', metavar='RUNTIMES', dest='js_runtimes', default=None,\n        help='JavaScript runtimes to use')\n${anchor}`,
        ),
      );
    }
    const main = f.broken
      ? 'import sys\nsys.exit(1)\n'
      : "import os, sys\nlog = os.environ.get('VQ_YTDLP_ARGV_LOG')\nif log:\n    with open(log, 'a') as fh:\n        fh.write(' '.join(sys.argv[1:]) + '\\n')\nimport yt_dlp\nyt_dlp.main()\n";
    writeFileSync(join(work, '__main__.py'), main);
    const out = join(work, 'yt-dlp.pyz');
    await execa('/usr/bin/python3', ['-m', 'zipapp', work, '-o', out, '-p', '/usr/bin/python3']);
    return readFileSync(out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface Release {
  tag: string;
  /** Assets by name; a name missing here answers 404. */
  assets: Record<string, Buffer>;
  /** SHA2-256SUMS as served; by default, the right sums of the assets. */
  sums?: string;
}

export interface ReleaseMirror {
  /** Give as VIDQUEUE_TOOLS_MIRROR. */
  base: string;
  /** Sets the release `…/releases/latest` points to, for a repo (`yt-dlp/yt-dlp`). */
  publish(repo: string, release: Release): void;
  /** Requests seen (paths). */
  requests: string[];
  close(): Promise<void>;
}

export function sha256sums(assets: Record<string, Buffer>): string {
  return Object.entries(assets)
    .map(([name, body]) => `${createHash('sha256').update(body).digest('hex')}  ${name}\n`)
    .join('');
}

/** GitHub's release paths, on 127.0.0.1: `/<owner>/<repo>/releases/latest` redirects to the tag. */
export async function startReleaseMirror(): Promise<ReleaseMirror> {
  const latest = new Map<string, Release>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(path);
    const m = /^\/([\w.-]+\/[\w.-]+)\/releases\/(latest|tag\/[^/]+|latest\/download\/[^/]+|download\/[^/]+\/[^/]+)$/.exec(path);
    const release = m ? latest.get(m[1]!) : undefined;
    if (!m || !release) {
      res.writeHead(404).end('not found');
      return;
    }
    const rest = m[2]!;
    if (rest === 'latest') {
      res.writeHead(302, { location: `/${m[1]}/releases/tag/${release.tag}` }).end();
    } else if (rest.startsWith('latest/download/')) {
      res.writeHead(302, { location: `/${m[1]}/releases/download/${release.tag}/${rest.slice('latest/download/'.length)}` }).end();
    } else if (rest.startsWith('download/')) {
      const [tag, name] = rest.slice('download/'.length).split('/').map(decodeURIComponent);
      const body = tag !== release.tag ? undefined : name === 'SHA2-256SUMS' ? Buffer.from(release.sums ?? sha256sums(release.assets)) : release.assets[name!];
      if (!body) res.writeHead(404).end('not found');
      else res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<title>${release.tag}</title>`);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    publish: (repo, release) => void latest.set(repo, release),
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The zipapps are made once a run and kept with the fixtures. */
export async function cachedYtDlp(dir: string, f: FakeYtDlp): Promise<Buffer> {
  const file = join(dir, 'yt-dlp-builds', `${f.version}${f.jsRuntimes ? '-js' : ''}${f.broken ? '-broken' : ''}.pyz`);
  if (existsSync(file)) return readFileSync(file);
  const body = await buildYtDlp(f);
  mkdirSync(join(dir, 'yt-dlp-builds'), { recursive: true });
  writeFileSync(file, body);
  return body;
}
