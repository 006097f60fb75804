import { describe, expect, it } from 'vitest';
import { ProgressTracker, parseAria2Readout, parseOutputLine } from './progress';

const line = (p: object, fmt = '"18"') => `VQP ${JSON.stringify(p)} ${fmt}`;

describe('parseOutputLine', () => {
  it('reads progress, info and final-file lines', () => {
    expect(parseOutputLine(line({ status: 'downloading', downloaded_bytes: 10, total_bytes: 100 }))).toEqual({
      kind: 'progress',
      progress: { status: 'downloading', downloaded_bytes: 10, total_bytes: 100 },
      formatId: '18',
    });
    expect(parseOutputLine('VQI {"title": "A } tricky {title", "id": "x"} [{"format_id": "1", "filesize": 5}]')).toEqual({
      kind: 'info',
      info: { title: 'A } tricky {title', id: 'x' },
      formats: [{ format_id: '1', filesize: 5 }],
    });
    expect(parseOutputLine('VQI {"title": "t", "id": "x"} NA')).toMatchObject({ kind: 'info', formats: [] });
    expect(parseOutputLine('VQF "/dl/a b.mp4"')).toEqual({ kind: 'file', path: '/dl/a b.mp4' });
  });

  it('ignores other output and malformed lines', () => {
    expect(parseOutputLine('[generic] Extracting URL')).toBeNull();
    expect(parseOutputLine('VQP {broken')).toBeNull();
    expect(parseOutputLine('VQF 42')).toBeNull();
  });
});

describe('ProgressTracker', () => {
  it('follows a single stream in bytes', () => {
    const t = new ProgressTracker();
    expect(t.update({ status: 'downloading', downloaded_bytes: 250, total_bytes: 1000, speed: 50, eta: 15 }, '18')).toMatchObject({
      downloadedBytes: 250,
      totalBytes: 1000,
      totalIsEstimate: false,
      percent: 25,
      speed: 50,
      eta: 15,
    });
  });

  it('never goes back to 0 when the audio stream starts after the video', () => {
    const t = new ProgressTracker();
    t.setFormats([{ format_id: 'v' }, { format_id: 'a' }]);
    const seen: number[] = [];
    for (const b of [100, 500, 1000]) seen.push(t.update({ status: 'downloading', downloaded_bytes: b, total_bytes: 1000 }, 'v').percent!);
    seen.push(t.update({ status: 'finished', downloaded_bytes: 1000, total_bytes: 1000 }, 'v').percent!);
    for (const b of [0, 50, 200]) seen.push(t.update({ status: 'downloading', downloaded_bytes: b, total_bytes: 200 }, 'a').percent!);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen[3]).toBeCloseTo(50); // video done, audio size unknown: half of the streams
    expect(t.progress.downloadedBytes).toBe(1200);
    expect(t.progress.totalBytes).toBe(1200);
    expect(seen.at(-1)).toBeLessThan(100); // 100 % only once the job completes
  });

  it('uses the sizes the site announced for streams not started yet', () => {
    const t = new ProgressTracker();
    t.setFormats([
      { format_id: 'v', filesize: 800 },
      { format_id: 'a', filesize: 200 },
    ]);
    const p = t.update({ status: 'downloading', downloaded_bytes: 400, total_bytes: 800 }, 'v');
    expect(p).toMatchObject({ totalBytes: 1000, totalIsEstimate: true, percent: 40 });
  });

  it('stays monotonic while an HLS estimate moves', () => {
    const t = new ProgressTracker();
    const a = t.update({ status: 'downloading', downloaded_bytes: 500, total_bytes_estimate: 1000, fragment_index: 4, fragment_count: 8 }, '0');
    const b = t.update({ status: 'downloading', downloaded_bytes: 600, total_bytes_estimate: 2000, fragment_index: 5, fragment_count: 8 }, '0');
    expect(a).toMatchObject({ percent: 50, totalIsEstimate: true, fragmentIndex: 4, fragmentCount: 8 });
    expect(b.percent).toBe(50);
  });

  it('continues from where a paused job was', () => {
    const t = new ProgressTracker({
      downloadedBytes: 700,
      totalBytes: 1000,
      totalIsEstimate: false,
      speed: 5,
      eta: 3,
      fragmentIndex: null,
      fragmentCount: null,
      percent: 70,
    });
    expect(t.progress).toMatchObject({ percent: 70, speed: null });
    expect(t.update({ status: 'downloading', downloaded_bytes: 710, total_bytes: 1000 }, '18').percent).toBeCloseTo(71);
    expect(t.complete(1000)).toMatchObject({ percent: 100, downloadedBytes: 1000, totalBytes: 1000 });
  });

  it('ends with done = total = the file it left, even when more went over the network (audio extracted from a video)', () => {
    const t = new ProgressTracker();
    t.update({ status: 'finished', downloaded_bytes: 3_000_000, total_bytes: 3_000_000 }, '18');
    const end = t.complete(95_000);
    expect(end).toMatchObject({ percent: 100, downloadedBytes: 95_000, totalBytes: 95_000, totalIsEstimate: false });
  });

  it('never shows more done than the total while an estimate is overtaken (HLS)', () => {
    const t = new ProgressTracker();
    const p = t.update({ status: 'downloading', downloaded_bytes: 2_500_000, total_bytes_estimate: 2_400_000, fragment_index: 8, fragment_count: 8 }, '0');
    expect(p.downloadedBytes).toBeLessThanOrEqual(p.totalBytes!);
    expect(p.totalIsEstimate).toBe(true);
    expect(p.percent).toBeLessThanOrEqual(99.9);
  });

  it('counts whole bytes when yt-dlp estimates a fraction (an HLS average)', () => {
    const t = new ProgressTracker();
    const p = t.update({ status: 'downloading', downloaded_bytes: 1000, total_bytes_estimate: 1880339.5555555555, fragment_index: 1, fragment_count: 8 }, '0');
    expect(p.totalBytes).toBe(1880340);
  });

  it('shows a recording as bytes written and a rate, never a total or a percent', () => {
    const t = new ProgressTracker();
    t.update({ status: 'downloading', downloaded_bytes: 1000, total_bytes_estimate: 4000 }, '0');
    expect(t.recording(50_000, 1_000)).toMatchObject({ downloadedBytes: 50_000, totalBytes: null, percent: null, eta: null, speed: null });
    expect(t.recording(150_000, 3_000)).toMatchObject({ downloadedBytes: 150_000, totalBytes: null, percent: null, speed: 50_000 });
    // A file that shrank for a moment (ffmpeg renamed it) never takes the count back.
    expect(t.recording(10, 4_000).downloadedBytes).toBe(150_000);
  });
});

describe('aria2c readout', () => {
  it.each([
    ['[#7fa6b7 2.7MiB/10MiB(27%) CN:8 DL:2.7MiB ETA:3s]', { downloaded_bytes: 2831155, total_bytes: 10485760, speed: 2831155, eta: 3 }],
    ['[#7fa6b7 512KiB/2.8MiB(17%) CN:2 DL:1.1MiB ETA:1m5s]', { downloaded_bytes: 524288, total_bytes: 2936013, speed: 1153434, eta: 65 }],
    ['[#7fa6b7 2.7MiB/2.8MiB(96%) CN:2 DL:2.7MiB]', { downloaded_bytes: 2831155, total_bytes: 2936013, eta: null }],
    ['[#0a1b2c 0B/0B CN:1 DL:0B]', null],
    ['[download] 100% of 2.83MiB', null],
  ])('reads %s', (line, expected) => {
    expect(parseAria2Readout(line)).toEqual(expected === null ? null : expect.objectContaining({ status: 'downloading', ...expected }));
  });

  it("is a progress line like yt-dlp's own", () => {
    expect(parseOutputLine('[#ab12cd 1.0MiB/2.0MiB(50%) CN:4 DL:1.0MiB ETA:1s]')).toMatchObject({ kind: 'progress', progress: { downloaded_bytes: 1048576 } });
  });
});
