import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRecording, finishRecording, isMpegTs, recordedBytes } from './recording';

/** `packets` MPEG-TS packets: a sync byte every 188 bytes. */
const ts = (packets: number) => Buffer.concat(Array.from({ length: packets }, () => Buffer.concat([Buffer.from([0x47]), Buffer.alloc(187, 1)])));

function staging(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vq-rec-'));
  mkdirSync(join(dir, 'part'));
  return dir;
}

describe('isMpegTs', () => {
  it.each([
    ['three packets', ts(3), true],
    ['one short packet', ts(1).subarray(0, 100), true],
    ['an MP4', Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom'), Buffer.alloc(600)]), false],
    ['a sync byte at 0 only', Buffer.concat([Buffer.from([0x47]), Buffer.alloc(600)]), false],
    ['empty', Buffer.alloc(0), false],
  ])('%s: %s', async (_what, bytes, expected) => {
    const dir = staging();
    writeFileSync(join(dir, 'f'), bytes);
    expect(await isMpegTs(join(dir, 'f'))).toBe(expected);
  });
});

describe('findRecording', () => {
  it('finds the partial file a cut-off recording left in part/, the largest, and never a link', async () => {
    const dir = staging();
    writeFileSync(join(dir, 'part', 'index.mp4.part'), ts(50));
    writeFileSync(join(dir, 'part', 'index.mp4.part-Frag1'), ts(2));
    writeFileSync(join(dir, 'empty.mp4'), '');
    symlinkSync('/etc/hostname', join(dir, 'part', 'big.part'));
    expect(await findRecording(dir)).toBe(join(dir, 'part', 'index.mp4.part'));
    expect(await recordedBytes(dir)).toBe(52 * 188);
  });

  it('prefers a recording.ts already made to an MP4 remux that may have been cut short', async () => {
    const dir = staging();
    writeFileSync(join(dir, 'recording.ts'), ts(10));
    writeFileSync(join(dir, 'recording.mp4'), Buffer.alloc(5000));
    expect(await findRecording(dir)).toBe(join(dir, 'recording.ts'));
  });

  it('finds nothing in a folder with nothing recorded', async () => {
    expect(await findRecording(staging())).toBeNull();
    expect(await findRecording(join(tmpdir(), 'vq-rec-not-there'))).toBeNull();
  });
});

describe('finishRecording without ffmpeg', () => {
  it('keeps an MPEG-TS recording as recording.ts in the staging folder', async () => {
    const dir = staging();
    writeFileSync(join(dir, 'part', 'Live: news [x].mp4.part'), ts(4));
    const kept = await finishRecording(dir, join(dir, 'part', 'Live: news [x].mp4.part'), { ffmpeg: null });
    expect(kept).toBe(join(dir, 'recording.ts'));
    expect(readFileSync(kept)).toEqual(ts(4));
    expect(readdirSync(join(dir, 'part'))).toEqual([]);
  });

  it('keeps a file in another container as it is, out of part/ and without ".part"', async () => {
    const dir = staging();
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom'), Buffer.alloc(100)]);
    writeFileSync(join(dir, 'done.mp4'), mp4);
    expect(await finishRecording(dir, join(dir, 'done.mp4'), { ffmpeg: null })).toBe(join(dir, 'done.mp4'));
    writeFileSync(join(dir, 'part', 'x.mkv.part'), mp4);
    expect(await finishRecording(dir, join(dir, 'part', 'x.mkv.part'), { ffmpeg: null })).toBe(join(dir, 'x.mkv'));
  });

  it('keeps the MPEG-TS when the remux fails, and says why', async () => {
    const dir = staging();
    writeFileSync(join(dir, 'index.mp4'), ts(4));
    const why: string[] = [];
    const kept = await finishRecording(dir, join(dir, 'index.mp4'), { ffmpeg: '/bin/false', onRemuxFailed: (w) => why.push(w) });
    expect(kept).toBe(join(dir, 'recording.ts'));
    expect(readdirSync(dir).sort()).toEqual(['part', 'recording.ts']);
    expect(why).toEqual(['ffmpeg exited with 1']);
  });
});
