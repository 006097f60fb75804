import { mkdtempSync, mkdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_EXTENSION_ID, DEV_EXTENSION_KEY, NATIVE_HOST_NAME } from '../../../shared/identity';
import { checkExtensionId, install, launcherScript, shellQuote, uninstall } from './install';

const opts = (home: string, extra = {}) => ({
  home,
  platform: 'linux' as const,
  dataDir: join(home, '.local/share/vidqueue'),
  nodePath: '/opt/node 20/bin/node',
  cliPath: "/srv/it's/vidqueue.js",
  ...extra,
});

describe('install', () => {
  it('derives the development extension id from its key', () => {
    const der = Buffer.from(DEV_EXTENSION_KEY, 'base64');
    const hex = createHash('sha256').update(der).digest('hex').slice(0, 32);
    expect([...hex].map((c) => String.fromCharCode(97 + Number.parseInt(c, 16))).join('')).toBe(DEV_EXTENSION_ID);
  });

  it('writes manifests for the browsers present, allowing the extension ids, and a launcher', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vq-home-'));
    mkdirSync(join(home, '.config/chromium'), { recursive: true });
    mkdirSync(join(home, '.mozilla'), { recursive: true });
    const id2 = 'abcdefghijklmnopabcdefghijklmnop';
    const report = await install(opts(home, { extensionIds: [id2] }));
    expect(report.manifests.map((m) => m.browser).sort()).toEqual(['chromium', 'firefox']);
    const chromium = JSON.parse(readFileSync(join(home, `.config/chromium/NativeMessagingHosts/${NATIVE_HOST_NAME}.json`), 'utf8'));
    expect(chromium).toEqual({
      name: NATIVE_HOST_NAME,
      description: 'VidQueue native host',
      path: report.launcher,
      type: 'stdio',
      allowed_origins: [`chrome-extension://${DEV_EXTENSION_ID}/`, `chrome-extension://${id2}/`],
    });
    const firefox = JSON.parse(readFileSync(join(home, `.mozilla/native-messaging-hosts/${NATIVE_HOST_NAME}.json`), 'utf8'));
    expect(firefox.allowed_extensions).toEqual(['vidqueue@vidqueue.dev']);
    expect(statSync(report.launcher).mode & 0o111).toBeTruthy();
    // Idempotent.
    expect((await install(opts(home, { extensionIds: [id2] }))).manifests).toHaveLength(2);
    const removed = await uninstall(opts(home));
    expect(removed.manifests).toHaveLength(2);
    expect(existsSync(report.launcher)).toBe(false);
  });

  it('writes into a given Chromium profile', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vq-home-'));
    const profile = join(home, 'profile');
    const report = await install(opts(home, { userDataDir: profile }));
    expect(report.manifests).toEqual([{ browser: 'profile', path: join(profile, 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`) }]);
  });

  it('quotes paths in the launcher and carries VIDQUEUE_HOME', () => {
    const script = launcherScript({ ...opts('/h'), env: { VIDQUEUE_HOME: '/tmp/v q' } });
    expect(script).toContain(`exec '/opt/node 20/bin/node' '/srv/it'\\''s/vidqueue.js' host "$@"`);
    expect(script).toContain("VIDQUEUE_HOME='/tmp/v q'; export VIDQUEUE_HOME");
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    expect(launcherScript({ ...opts('/h'), platform: 'darwin' })).toContain('/opt/homebrew/bin');
  });

  it('refuses a malformed extension id, naming it', () => {
    expect(() => checkExtensionId('not-an-id')).toThrow('got `"not-an-id"`');
  });
});
