import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_EXTENSION_ID, DEV_EXTENSION_KEY, FIREFOX_ADDON_ID, NATIVE_HOST_NAME } from '../../../shared/identity';
import { showReport, sudoInvoker } from '../cli/install-command';
import { BROWSERS, browserLayout } from './browsers';
import { type Registry, checkExtensionId, install, launcherScript, shellQuote, uninstall } from './install';
import type { DeleteOutcome } from './registry';

const opts = (home: string, extra = {}) => ({
  home,
  platform: 'linux' as const,
  dataDir: join(home, '.local/share/vidqueue'),
  nodePath: '/opt/node 20/bin/node',
  cliPath: "/srv/it's/vidqueue.js",
  ...extra,
});
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const tmpHome = () => mkdtempSync(join(tmpdir(), 'vq-home-'));
/** An extension id of a release build loaded unpacked. */
const MINE = 'ponmlkjihgfedcbaponmlkjihgfedcba';
const origins = (file: string) => read(file).allowed_origins as string[];

describe('install', () => {
  it('derives the development extension id from its key', () => {
    const der = Buffer.from(DEV_EXTENSION_KEY, 'base64');
    const hex = createHash('sha256').update(der).digest('hex').slice(0, 32);
    expect([...hex].map((c) => String.fromCharCode(97 + Number.parseInt(c, 16))).join('')).toBe(DEV_EXTENSION_ID);
  });

  for (const platform of ['linux', 'darwin'] as const) {
    it(`writes and removes a manifest for every browser on ${platform}`, async () => {
      const home = tmpHome();
      for (const b of BROWSERS) mkdirSync(browserLayout(b, home, platform).configDir, { recursive: true });
      const report = await install(opts(home, { platform, extensionIds: [MINE] }));
      expect(report.manifests.map((m) => m.browser).sort()).toEqual([...BROWSERS].sort());
      for (const b of BROWSERS) {
        const file = join(browserLayout(b, home, platform).manifestDir, `${NATIVE_HOST_NAME}.json`);
        const m = read(file);
        expect(m).toMatchObject({ name: NATIVE_HOST_NAME, type: 'stdio', path: report.launcher });
        if (b === 'firefox') expect(m.allowed_extensions).toEqual(['vidqueue@vidqueue.dev']);
        else expect(m.allowed_origins).toEqual([`chrome-extension://${MINE}/`]);
      }
      expect(statSync(report.launcher).mode & 0o777).toBe(0o755);
      expect(readFileSync(report.launcher, 'utf8').includes('/opt/homebrew/bin')).toBe(platform === 'darwin');
      // Idempotent.
      expect((await install(opts(home, { platform, extensionIds: [MINE] }))).manifests).toHaveLength(BROWSERS.length);
      const removed = await uninstall(opts(home, { platform }));
      expect(removed.manifests).toHaveLength(BROWSERS.length);
      expect(existsSync(report.launcher)).toBe(false);
    });
  }

  it('allows the development build, whose key is public, only with dev; a normal install replaces a manifest that allowed it', async () => {
    const home = tmpHome();
    const dev = await install(opts(home, { browsers: ['chrome'], dev: true, extensionIds: [MINE] }));
    expect(origins(dev.manifests[0]!.path)).toEqual([`chrome-extension://${DEV_EXTENSION_ID}/`, `chrome-extension://${MINE}/`]);
    expect(dev.warnings).toEqual([]);
    const normal = await install(opts(home, { browsers: ['chrome'], extensionIds: [MINE] }));
    expect(origins(normal.manifests[0]!.path)).toEqual([`chrome-extension://${MINE}/`]);
    expect(normal.warnings).toEqual([]);
  });

  it('with no extension id, still registers Firefox, and says the Chromium manifests allow nothing and how to fix it', async () => {
    const home = tmpHome();
    for (const dir of ['.config/google-chrome', '.config/chromium', '.mozilla']) mkdirSync(join(home, dir), { recursive: true });
    const report = await install(opts(home));
    expect(report.manifests.map((m) => m.browser)).toEqual(['chrome', 'chromium', 'firefox']);
    expect(read(report.manifests[2]!.path).allowed_extensions).toEqual([FIREFOX_ADDON_ID]);
    for (const m of report.manifests.slice(0, 2)) expect(origins(m.path)).toEqual([]);
    expect(report.warnings).toEqual([
      {
        message: expect.stringContaining('The manifest for chrome, chromium allows no extension yet'),
        fix: 'npx vidqueue install --extension-id <id from chrome://extensions>',
      },
    ]);
    const named = await install(opts(home, { browsers: ['edge', 'firefox'] }));
    expect(named.warnings[0]!.fix).toBe('npx vidqueue install --extension-id <id from chrome://extensions> --browser edge');
    const profile = await install(opts(home, { userDataDir: join(home, 'my profile') }));
    expect(profile.warnings[0]!.fix).toBe(`npx vidqueue install --extension-id <id from chrome://extensions> --user-data-dir '${home}/my profile'`);
    expect((await install(opts(home, { browsers: ['firefox'] }))).warnings).toEqual([]);
  });

  it('only registers browsers this user has, unless told which', async () => {
    const home = tmpHome();
    mkdirSync(join(home, '.config/chromium'), { recursive: true });
    expect((await install(opts(home))).manifests.map((m) => m.browser)).toEqual(['chromium']);
    expect((await install(opts(home, { browsers: ['edge'] }))).manifests.map((m) => m.browser)).toEqual(['edge']);
  });

  it('writes system-wide manifests and launcher with --system', async () => {
    const root = tmpHome();
    const report = await install(opts('/home/u', { system: true, root, browsers: ['chrome', 'firefox'] }));
    expect(report.launcher).toBe(join(root, 'usr/local/lib/vidqueue/vidqueue-host'));
    expect(report.manifests.map((m) => m.path)).toEqual([
      join(root, `etc/opt/chrome/native-messaging-hosts/${NATIVE_HOST_NAME}.json`),
      join(root, `usr/lib/mozilla/native-messaging-hosts/${NATIVE_HOST_NAME}.json`),
      join(root, `usr/lib64/mozilla/native-messaging-hosts/${NATIVE_HOST_NAME}.json`),
    ]);
    const mac = await install(opts('/Users/u', { platform: 'darwin', system: true, root, browsers: ['chrome'] }));
    expect(mac.manifests[0]!.path).toBe(join(root, `Library/Google/Chrome/NativeMessagingHosts/${NATIVE_HOST_NAME}.json`));
  });

  it('registers HKCU keys and a .cmd launcher on Windows', async () => {
    const home = tmpHome();
    const keys = new Map<string, string>();
    const registry: Registry = {
      setDefault: async (k, v) => void keys.set(k, v),
      deleteKey: async (k) => (keys.delete(k) ? { status: 'deleted' } : { status: 'absent' }),
    };
    const report = await install(
      opts(home, {
        platform: 'win32',
        dataDir: join(home, 'AppData/Local/VidQueue'),
        nodePath: 'C:\\Program Files\\nodejs\\node.exe',
        cliPath: 'C:\\vq\\vidqueue.js',
        registry,
      }),
    );
    expect(report.launcher.endsWith('vidqueue-host.cmd')).toBe(true);
    expect(readFileSync(report.launcher, 'utf8')).toContain('"C:\\Program Files\\nodejs\\node.exe" "C:\\vq\\vidqueue.js" host %*');
    expect([...keys.keys()].sort()).toEqual([
      'HKCU\\Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts\\com.vidqueue.host',
      'HKCU\\Software\\Chromium\\NativeMessagingHosts\\com.vidqueue.host',
      'HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\com.vidqueue.host',
      'HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\com.vidqueue.host',
      'HKCU\\Software\\Mozilla\\NativeMessagingHosts\\com.vidqueue.host',
      'HKCU\\Software\\Vivaldi\\NativeMessagingHosts\\com.vidqueue.host',
    ]);
    for (const file of keys.values()) expect(read(file).path).toBe(report.launcher);
    await uninstall(opts(home, { platform: 'win32', dataDir: join(home, 'AppData/Local/VidQueue'), registry }));
    expect(keys.size).toBe(0);
  });

  const CHROME = 'HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\com.vidqueue.host';
  const EDGE = 'HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\com.vidqueue.host';
  const DENIED = { status: 'failed', message: 'ERROR: Access is denied.' } as const;
  it.each([
    ['deleted', { [CHROME]: { status: 'deleted' }, [EDGE]: { status: 'deleted' } }, [CHROME, EDGE], [], 0],
    ['not there', { [CHROME]: { status: 'absent' }, [EDGE]: { status: 'absent' } }, [], [], 0],
    ['failed', { [CHROME]: DENIED, [EDGE]: { status: 'deleted' } }, [EDGE], [{ key: CHROME, message: 'ERROR: Access is denied.' }], 1],
  ] as const)('uninstall on Windows with keys %s reports only the keys really deleted, and each failure', async (_, outcomes, deleted, failures, code) => {
    const home = tmpHome();
    const asked: string[] = [];
    const registry: Registry = {
      setDefault: async () => {},
      deleteKey: async (k) => {
        asked.push(k);
        return (outcomes as Record<string, DeleteOutcome>)[k] ?? { status: 'absent' };
      },
    };
    const report = await uninstall(opts(home, { platform: 'win32', dataDir: join(home, 'AppData/Local/VidQueue'), registry, browsers: ['chrome', 'edge'] }));
    expect(asked).toEqual([CHROME, EDGE]);
    expect(report.registry.map((r) => r.key)).toEqual(deleted);
    expect(report.failures).toEqual(failures);
    const shown = showReport('uninstall', report, { json: false });
    expect(shown.code).toBe(code);
    for (const key of deleted) expect(shown.stdout).toContain(`deleted registry key ${key}\n`);
    expect(shown.stdout.match(/deleted registry key/g) ?? []).toHaveLength(deleted.length);
    for (const f of failures) expect(shown.stderr).toContain(`vidqueue: could not delete registry key ${f.key}: ERROR: Access is denied.`);
    expect(showReport('uninstall', report, { json: true }).code).toBe(code);
  });

  it('prints steps for Snap and Flatpak browsers instead of pretending', async () => {
    const home = tmpHome();
    const root = tmpHome();
    mkdirSync(join(root, 'snap/bin/chromium'), { recursive: true });
    mkdirSync(join(home, '.var/app/org.mozilla.firefox'), { recursive: true });
    const report = await install(opts(home, { root }));
    expect(report.sandboxed.map((s) => `${s.browser}:${s.kind}`)).toEqual(['chromium:snap', 'firefox:flatpak']);
    expect(report.sandboxed[0]!.steps.join(' ')).toContain('cannot start programs outside its sandbox');
    expect(report.sandboxed[1]!.steps.join(' ')).toContain('flatpak override --user --talk-name=org.freedesktop.Flatpak org.mozilla.firefox');
    expect(report.sandboxed[1]!.steps.join(' ')).toContain(`flatpak-spawn --host '${report.launcher}'`);
  });

  it('keeps its folders to the user (0700) in a per-user install, closing ones an older install left open', async () => {
    const home = tmpHome();
    mkdirSync(join(home, '.config/chromium'), { recursive: true });
    const o = opts(home);
    const report = await install(o);
    expect(statSync(o.dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(dirname(report.launcher)).mode & 0o777).toBe(0o700);
    chmodSync(o.dataDir, 0o755);
    chmodSync(dirname(report.launcher), 0o755);
    await install(o);
    expect(statSync(o.dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(dirname(report.launcher)).mode & 0o777).toBe(0o700);
  });

  it('makes the folders of a system install readable by every user (0755), whatever the umask', async () => {
    const root = tmpHome();
    const umask = process.umask(0o077);
    try {
      const report = await install(opts('/home/u', { system: true, root, browsers: ['chrome'] }));
      expect(statSync(dirname(report.launcher)).mode & 0o777).toBe(0o755);
      expect(statSync(dirname(report.manifests[0]!.path)).mode & 0o777).toBe(0o755);
      expect(statSync(join(root, 'etc/opt')).mode & 0o777).toBe(0o755);
      expect(statSync(report.manifests[0]!.path).mode & 0o777).toBe(0o644);
    } finally {
      process.umask(umask);
    }
  });

  it('writes into a given Chromium profile', async () => {
    const home = tmpHome();
    const profile = join(home, 'profile');
    const report = await install(opts(home, { userDataDir: profile }));
    expect(report.manifests).toEqual([{ browser: 'profile', path: join(profile, 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`) }]);
  });

  it.skipIf(process.getuid?.() !== 0)('gives the files to the user who ran sudo', async () => {
    const home = tmpHome();
    mkdirSync(join(home, '.config/chromium'), { recursive: true });
    const report = await install(opts(home, { owner: { uid: 65534, gid: 65534 } }));
    expect(statSync(report.launcher).uid).toBe(65534);
    expect(statSync(report.manifests[0]!.path).uid).toBe(65534);
    expect(statSync(join(home, '.local/share/vidqueue')).uid).toBe(65534);
  });

  it('finds who ran sudo from the environment and /etc/passwd', () => {
    const passwd = 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n';
    const asRoot = process.getuid?.() === 0;
    expect(sudoInvoker({ SUDO_USER: 'alice' }, passwd)).toEqual(asRoot ? { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice' } : null);
    expect(sudoInvoker({}, passwd)).toBeNull();
    expect(sudoInvoker({ SUDO_USER: 'root' }, passwd)).toBeNull();
  });

  it('quotes paths in the launcher and carries VIDQUEUE_HOME', () => {
    const script = launcherScript({ ...opts('/h'), env: { VIDQUEUE_HOME: '/tmp/v q' } });
    expect(script).toContain(`exec '/opt/node 20/bin/node' '/srv/it'\\''s/vidqueue.js' host "$@"`);
    expect(script).toContain("VIDQUEUE_HOME='/tmp/v q'; export VIDQUEUE_HOME");
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });

  it('refuses a malformed extension id, naming it', () => {
    expect(() => checkExtensionId('not-an-id')).toThrow('got `"not-an-id"`');
  });
});
