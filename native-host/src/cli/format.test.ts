import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pageOf, reduceProbe } from '../probe/reduce';
import { type Job, emptyProgress } from '../../../shared/job';
import { jobLine, probeSummary, progressLine } from './format';
const captured = (name: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, '../probe/fixtures', `${name}.json`), 'utf8'));
const summary = (name: string, extra = {}) => probeSummary(pageOf(reduceProbe(captured(name), 'http://127.0.0.1:8000/x', 0, extra).probe));

describe('probeSummary (vidqueue probe)', () => {
  it('shows the formats best first with their sizes, ~ for an estimate', () => {
    expect(summary('hls-master', { duration: 8 })).toBe(
      [
        'master',
        "  site: Generic (yt-dlp's generic extractor: the page's own media) · id master · 8s",
        'Formats (best first; ~ is an estimate):',
        '  ID    QUALITY  VIDEO  AUDIO  CONTAINER  SIZE',
        '  2305  720p     h264   aac    mp4        ~2.2 MiB',
        '  985   360p     h264   aac    mp4        ~962.5 KiB',
        'Best video and audio: ~2.2 MiB',
        'Subtitles: none',
        'Automatic captions: none',
      ].join('\n'),
    );
  });

  it('marks what a format lacks, and lists subtitles', () => {
    expect(summary('dash')).toContain('  1   audio 96k  -      aac    m4a        ~94.1 KiB');
    expect(summary('subtitled-page')).toContain('Subtitles: en, fr');
  });

  it("lists a playlist's entries", () => {
    expect(summary('multi-video-page')).toContain(['Playlist: 3 entries', '  1  Three clips (1)', '  2  Three clips (2)', '  3  Three clips (3)'].join('\n'));
  });

  it('keeps escape sequences from a site out of the terminal', () => {
    const r = pageOf(
      reduceProbe({ title: 'ok', uploader: 'x', id: 'a', formats: [{ format_id: 'f', format_note: 'n\u001b]8;;', ext: 'mp4' }] }, 'https://x.test/', 0).probe,
    );
    expect(probeSummary(r)).not.toContain('\u001b');
  });
});

const job = (over: Partial<Job>): Job => ({
  id: 7,
  url: 'https://example.com/live/index.m3u8',
  pageUrl: null,
  referer: null,
  title: 'Morning show',
  preset: 'best',
  status: 'recording',
  position: 1,
  progress: { ...emptyProgress(), downloadedBytes: 3 * 1024 * 1024, speed: 80_000 },
  filePath: null,
  error: null,
  note: null,
  live: true,
  createdAt: 0,
  startedAt: Date.now() - 125_000,
  finishedAt: null,
  cancelledAt: null,
  ...over,
});

describe('a recording on the command line', () => {
  it('shows how long it has recorded and how much, never a percent or a total', () => {
    const line = progressLine(job({}));
    expect(line).toMatch(/^\[7\] recording 2m0[45]s 3\.0 MiB 78\.1 KiB\/s$/);
    expect(line).not.toMatch(/%|\?/);
  });

  it('lists it with its elapsed time in ls', () => {
    expect(jobLine(job({}))).toMatch(/^\s+7 recording\s+3\.0 MiB\s+2m0[45]s rec\s+Morning show$/);
  });
});
