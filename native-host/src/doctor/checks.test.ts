import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcherScript } from '../install/install';
import { checkNode, launcherProblem, ytdlpAge } from './checks';

describe('doctor checks', () => {
  it('wants Node 20.19 or newer', () => {
    expect(checkNode('v20.19.0').status).toBe('ok');
    expect(checkNode('v22.1.0').status).toBe('ok');
    expect(checkNode('v20.11.1')).toMatchObject({ status: 'fail', detail: expect.stringContaining('v20.11.1') });
    expect(checkNode('v18.20.0').status).toBe('fail');
  });

  it('reads the age of yt-dlp from its version', () => {
    const now = new Date(Date.UTC(2026, 10, 21));
    expect(ytdlpAge('2026.11.01', now)).toBe(20);
    expect(ytdlpAge('2023.03.04', now)).toBe(1358);
    expect(ytdlpAge('2024.08.06.232708', now)).toBeGreaterThan(800);
    expect(ytdlpAge('nightly', now)).toBeNull();
  });

  it('finds a stale launcher: missing, foreign, or naming a node or VidQueue that is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vq-launcher-'));
    const good = join(dir, 'good');
    writeFileSync(good, launcherScript({ nodePath: process.execPath, cliPath: good, platform: 'linux' }));
    expect(launcherProblem(good)).toBeNull();
    expect(launcherProblem(join(dir, 'nope'))).toContain('does not exist');
    const foreign = join(dir, 'foreign');
    writeFileSync(foreign, '#!/bin/sh\nexec something\n');
    expect(launcherProblem(foreign)).toContain('not a VidQueue launcher');
    const oldNode = join(dir, 'old-node');
    writeFileSync(oldNode, launcherScript({ nodePath: '/home/u/.nvm/versions/node/v18.0.0/bin/node', cliPath: good, platform: 'linux' }));
    expect(launcherProblem(oldNode)).toContain('/home/u/.nvm/versions/node/v18.0.0/bin/node, which no longer exists');
  });
});
