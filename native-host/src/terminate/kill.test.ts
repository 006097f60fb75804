import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CANCEL_SCHEDULE, GRACEFUL_SCHEDULE, killGroup } from './kill';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * A process group shaped like yt-dlp running aria2c: a leader that, interrupted, gives its
 * child Python's 0.25 s and then kills it outright (what yt-dlp does), and a child named
 * aria2c that, interrupted, takes longer than that to save its state to `saved` (as aria2c,
 * closing its connections, does).
 */
async function downloaderGroup(): Promise<{ pgid: number; saved: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vq-kill-'));
  dirs.push(dir);
  const saved = join(dir, 'saved');
  const child = join(dir, 'aria2c');
  const ready = join(dir, 'ready');
  writeFileSync(child, `#!/bin/sh\ntrap 'sleep 0.6; echo saved > "${saved}"; exit 7' INT\n: > "${ready}"\nwhile :; do sleep 0.02; done\n`);
  chmodSync(child, 0o755);
  const leader = `import subprocess\np = subprocess.Popen(['${child}'])\ntry:\n    p.wait()\nexcept KeyboardInterrupt:\n    p.kill()\n    raise\n`;
  const proc = spawn('python3', ['-c', leader], { detached: true, stdio: 'ignore' });
  // Both running, the child's trap set: polled, with a deadline.
  for (const deadline = Date.now() + 10_000; !existsSync(ready); await sleep(20)) if (Date.now() > deadline) throw new Error('the fake aria2c never started');
  return { pgid: proc.pid!, saved };
}

describe('killGroup', () => {
  it('interrupts aria2c alone first on a pause, so that it saves its state before yt-dlp is interrupted', async () => {
    const g = await downloaderGroup();
    await killGroup(g.pgid, GRACEFUL_SCHEDULE);
    expect(existsSync(g.saved) && readFileSync(g.saved, 'utf8')).toBe('saved\n');
  });

  it('does not wait for it on a cancel (its files are thrown away)', async () => {
    const g = await downloaderGroup();
    const started = Date.now();
    await killGroup(g.pgid, CANCEL_SCHEDULE);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(existsSync(g.saved)).toBe(false);
  });
});
