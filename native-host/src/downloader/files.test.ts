import { mkdtempSync, promises as fs, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileNameFor, isInside, moveIntoPlace, removeStaging, safeFileName, stagingDirFor } from './files';

describe('safeFileName', () => {
  it('cannot leave the folder or hide', () => {
    expect(safeFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(safeFileName('..')).toBe('video');
    expect(safeFileName('.bashrc')).toBe('bashrc');
    expect(safeFileName('a\\b/c.mp4')).toBe('a_b_c.mp4');
  });

  it('drops control and bidirectional-override characters', () => {
    expect(safeFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(safeFileName('tab\there\u0000.mp4')).toBe('tabhere.mp4');
  });

  it('keeps Unicode and caps the length at 200 bytes, extension kept', () => {
    expect(safeFileName('日本語のビデオ 🎬.mp4')).toBe('日本語のビデオ 🎬.mp4');
    const long = safeFileName(`${'é'.repeat(300)}.mp4`);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(200);
    expect(long.endsWith('.mp4')).toBe(true);
  });
});

describe('fileNameFor', () => {
  it.each([
    ['Cats on a boat', '.mp4', 'Cats on a boat.mp4'],
    ['clip.mp4', '.mp4', 'clip.mp4'],
    ['Clip.MP4', '.mp4', 'Clip.MP4'],
    ['v1.0', '.m4a', 'v1.0.m4a'],
    ['  spaced  ', '.mp4', 'spaced.mp4'],
    ['.mp4', '.mp4', '.mp4.mp4'],
  ])('%j with %j is %j', (title, ext, expected) => {
    expect(fileNameFor(title, ext)).toBe(expected);
  });
});

describe('moveIntoPlace', () => {
  it('never overwrites: an existing name gets a numbered suffix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vq-files-'));
    const dest = join(dir, 'dl');
    await fs.mkdir(dest);
    writeFileSync(join(dest, 'clip.mp4'), 'old');
    writeFileSync(join(dest, 'clip (1).mp4'), 'old1');
    const src = join(dir, 'new.mp4');
    writeFileSync(src, 'new');
    const final = await moveIntoPlace(src, dest, 'clip.mp4');
    expect(final).toBe(join(dest, 'clip (2).mp4'));
    expect(readFileSync(join(dest, 'clip.mp4'), 'utf8')).toBe('old');
    expect(readFileSync(final, 'utf8')).toBe('new');
    expect(readdirSync(dir).includes('new.mp4')).toBe(false);
  });

  it('gives concurrent moves of the same name distinct files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vq-files-'));
    const srcs = Array.from({ length: 10 }, (_, i) => {
      const s = join(dir, `s${i}`);
      writeFileSync(s, String(i));
      return s;
    });
    const finals = await Promise.all(srcs.map((s) => moveIntoPlace(s, join(dir, 'dl'), 'same.mp4')));
    expect(new Set(finals).size).toBe(10);
    expect(finals.map((f) => readFileSync(f, 'utf8')).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });
});

describe('staging', () => {
  it('puts each job in its own folder inside the download folder', () => {
    expect(stagingDirFor('/home/u/Downloads', 12)).toBe('/home/u/Downloads/.vidqueue-staging/job-12');
    expect(isInside('/a/b', '/a/b/c/d.mp4')).toBe(true);
    expect(isInside('/a/b', '/a/b/../c.mp4')).toBe(false);
    expect(isInside('/a/b', '/a/bc/d')).toBe(false);
  });

  it('removes the staging root once its last job folder is gone', async () => {
    const dl = mkdtempSync(join(tmpdir(), 'vq-files-'));
    const a = stagingDirFor(dl, 1);
    const b = stagingDirFor(dl, 2);
    await fs.mkdir(join(a, 'part'), { recursive: true });
    await fs.mkdir(b, { recursive: true });
    writeFileSync(join(a, 'part', 'x.part'), 'x');
    await removeStaging(a);
    expect(readdirSync(join(dl, '.vidqueue-staging'))).toEqual(['job-2']);
    await removeStaging(b);
    expect(readdirSync(dl)).toEqual([]);
  });
});
