/**
 * Captures yt-dlp's `-J` output for the local fixtures into native-host/src/probe/fixtures/,
 * the input of the probe reduction's table tests: `npm run capture:probes` after a yt-dlp
 * upgrade or a new fixture. The server's port is written as 8000, so captures compare.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildProbeArgs } from '../native-host/src/probe/args';
import { REPO } from './env';
import { FIXTURES, FIXTURE_DIR, ensureFixtures } from './fixtures';
import { startMediaServer } from './media-server';
import { multiVideoPage, rssFeed, subtitledVideoPage } from './pages';

const OUT = join(REPO, 'native-host/src/probe/fixtures');

async function main(): Promise<void> {
  await ensureFixtures();
  const server = await startMediaServer(FIXTURE_DIR);
  const port = new URL(server.url('/')).port;
  try {
    const targets: Record<string, string> = {
      'hls-master': server.url(FIXTURES.hlsMaster),
      hls: server.url(FIXTURES.hls),
      dash: server.url(FIXTURES.dash),
      progressive: server.url(FIXTURES.progressive),
      'multi-video-page': server.page('/three.html', multiVideoPage('Three clips', [`/${FIXTURES.progressive}`, `/${FIXTURES.hls}`, `/${FIXTURES.dash}`])),
      'subtitled-page': server.page('/subtitled.html', subtitledVideoPage('With subtitles', `/${FIXTURES.progressive}`, ['en', 'fr'])),
      'rss-feed': server.page(
        '/feed.rss',
        rssFeed('A feed', [
          { title: 'First', url: server.url(FIXTURES.progressive, { n: 1 }) },
          { title: 'Second', url: server.url(FIXTURES.progressive, { n: 2 }) },
        ]),
      ),
    };
    for (const [name, url] of Object.entries(targets)) {
      const r = await execa('yt-dlp', buildProbeArgs({ url, referer: null, socketTimeoutSeconds: 10 }), { reject: false });
      if (r.exitCode !== 0) throw new Error(`${name}: yt-dlp exited ${r.exitCode}: ${r.stderr}`);
      writeFileSync(join(OUT, `${name}.json`), `${r.stdout.replaceAll(`127.0.0.1:${port}`, '127.0.0.1:8000')}\n`);
      process.stderr.write(`captured ${name}\n`);
    }
    const variant = await fetch(server.url('hls-master/360p/index.m3u8')).then((r) => r.text());
    writeFileSync(join(OUT, 'hls-master-360p.m3u8'), variant);
  } finally {
    await server.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
