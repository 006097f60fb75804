import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../devkit/env';

describe('npm start (the one-command demo)', () => {
  it('runs headless and scripted: downloads the demo video, cancels a second one, saves a screenshot', async () => {
    const r = await execa(process.execPath, [join(REPO, 'native-host/dist/demo.js'), '--headless'], { reject: false, timeout: 120_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('1. clicked the download button on the video');
    expect(r.stdout).toMatch(/2\. popup: \d+(\.\d)?% · /);
    expect(r.stdout).toMatch(/→ cancelled; processes left: 0; partial files left: 0/);
    expect(r.stdout).toMatch(/4\. first download completed: .*identical to the demo video/);
    expect(existsSync(join(REPO, 'test-output/demo-popup.png'))).toBe(true);
  });
});
