import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_EXTENSION_ID, NATIVE_HOST_NAME } from '../../../shared/identity';
import { launcherScript, manifestFor } from '../install/install';
import { checkManifests, checkNode, launcherProblem } from './checks';

describe('doctor checks', () => {
  it('wants Node 20.19 or newer', () => {
    expect(checkNode('v20.19.0').status).toBe('ok');
    expect(checkNode('v22.1.0').status).toBe('ok');
    expect(checkNode('v20.11.1')).toMatchObject({ status: 'fail', detail: expect.stringContaining('v20.11.1') });
    expect(checkNode('v18.20.0').status).toBe('fail');
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

describe("doctor: the browsers' manifests", () => {
  const OTHER = 'abcdefghijklmnopabcdefghijklmnop';
  const MINE = 'ponmlkjihgfedcbaponmlkjihgfedcba';
  const PLACEHOLDER = 'npx vidqueue install --browser chromium --extension-id <id from chrome://extensions>';

  /** A home with Chromium, whose manifest allows `ids` (none written when null), and a working launcher. */
  function homeAllowing(ids: string[] | null): string {
    const home = mkdtempSync(join(tmpdir(), 'vq-doctor-'));
    const dir = join(home, '.config/chromium/NativeMessagingHosts');
    mkdirSync(dir, { recursive: true });
    const launcher = join(home, 'vidqueue-host');
    writeFileSync(launcher, launcherScript({ nodePath: process.execPath, cliPath: launcher, platform: 'linux' }));
    if (ids) writeFileSync(join(dir, `${NATIVE_HOST_NAME}.json`), JSON.stringify(manifestFor('chromium', launcher, ids)));
    return home;
  }

  it.each([
    ['nothing', {}, 'fail', 'allows no extension', PLACEHOLDER, []],
    ['nothing', { dev: true }, 'fail', `does not allow the VidQueue extension ${DEV_EXTENSION_ID}`, 'npx vidqueue install --browser chromium --dev', []],
    ['the public development id', {}, 'warn', 'whose key is public: any extension built with that key could drive VidQueue', PLACEHOLDER, [DEV_EXTENSION_ID]],
    ['the public development id', { dev: true }, 'ok', '→', undefined, [DEV_EXTENSION_ID]],
    [
      'the development id and another',
      {},
      'warn',
      'whose key is public',
      `npx vidqueue install --browser chromium --extension-id ${OTHER}`,
      [DEV_EXTENSION_ID, OTHER],
    ],
    ['another id', {}, 'ok', '→', undefined, [OTHER]],
    ['another id', { extensionIds: [OTHER] }, 'ok', '→', undefined, [OTHER]],
    [
      'another id',
      { extensionIds: [MINE] },
      'fail',
      `does not allow the VidQueue extension ${MINE}`,
      `npx vidqueue install --browser chromium --extension-id ${MINE}`,
      [OTHER],
    ],
    [
      'another id',
      { dev: true },
      'fail',
      `does not allow the VidQueue extension ${DEV_EXTENSION_ID}`,
      'npx vidqueue install --browser chromium --dev',
      [OTHER],
    ],
    ['(no manifest)', {}, 'fail', 'No manifest', PLACEHOLDER, null],
    ['(no manifest)', { extensionIds: [MINE] }, 'fail', 'No manifest', `npx vidqueue install --browser chromium --extension-id ${MINE}`, null],
  ] as const)('a manifest allowing %s, checked with %j, is %s: %s', (_, flags, status, detail, fix, ids) => {
    const [check] = checkManifests({ home: homeAllowing(ids ? [...ids] : null), platform: 'linux', extensionIds: [], ...flags } as Parameters<
      typeof checkManifests
    >[0]);
    expect(check).toMatchObject({ id: 'manifest-chromium', status, detail: expect.stringContaining(detail) });
    expect(check!.fix).toBe(fix);
  });
});
