import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toolVersionLine } from './features';

/** A tool that counts its runs in `runs` and prints `line` (or fails, with `exit 1`). */
function tool(dir: string, body: string): string {
  const path = join(dir, 'tool');
  writeFileSync(path, `#!/bin/sh\necho x >> ${JSON.stringify(join(dir, 'runs'))}\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}
const runs = (dir: string) => readFileSync(join(dir, 'runs'), 'utf8').trim().split('\n').length;

describe('toolVersionLine', () => {
  it('runs a tool once for its version however often asked, and again once the file is replaced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vq-tool-'));
    const path = tool(dir, 'echo "tool version 1.0"; echo more');
    expect(await Promise.all([toolVersionLine(path, ['--version']), toolVersionLine(path, ['--version'])])).toEqual(['tool version 1.0', 'tool version 1.0']);
    expect(await toolVersionLine(path, ['--version'])).toBe('tool version 1.0');
    expect(runs(dir)).toBe(1);
    // Other arguments are another question.
    expect(await toolVersionLine(path, ['-version'])).toBe('tool version 1.0');
    expect(runs(dir)).toBe(2);
    tool(dir, 'echo "tool version 2.0.1"');
    expect(await toolVersionLine(path, ['--version'])).toBe('tool version 2.0.1');
    expect(runs(dir)).toBe(3);
  });

  it('asks again after a run that failed, instead of remembering that it could not say', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vq-tool-'));
    const path = tool(dir, 'exit 1');
    expect(await toolVersionLine(path, ['--version'])).toBeNull();
    await new Promise((r) => setImmediate(r));
    expect(await toolVersionLine(path, ['--version'])).toBeNull();
    expect(runs(dir)).toBe(2);
    expect(await toolVersionLine(join(dir, 'missing'), ['--version'])).toBeNull();
  });
});
