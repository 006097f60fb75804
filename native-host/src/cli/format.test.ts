import { describe, expect, it } from 'vitest';
import { type Job, emptyProgress } from '../../../shared/job';
import { jobLine, progressLine } from './format';

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
