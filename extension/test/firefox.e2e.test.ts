import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FIREFOX_ADDON_ID, NATIVE_HOST_NAME } from '../../shared/identity';
import { REPO, type TestEnv, createEnv } from '../../devkit/env';

const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const SOURCE = join(REPO, '.output/firefox-mv2');

let env: TestEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

describe('the Firefox build', () => {
  it('has a fixed add-on id and passes web-ext lint with no errors', async () => {
    const manifest = JSON.parse(readFileSync(join(SOURCE, 'manifest.json'), 'utf8')) as { browser_specific_settings: { gecko: { id: string } } };
    expect(manifest.browser_specific_settings.gecko.id).toBe(FIREFOX_ADDON_ID);
    const lint = await execa(join(REPO, 'node_modules/.bin/web-ext'), ['lint', '--source-dir', SOURCE, '--output', 'json', '--no-config-discovery'], {
      reject: false,
    });
    const report = JSON.parse(lint.stdout) as { errors: { code: string; message: string }[] };
    expect(report.errors).toEqual([]);
  });
});

describe.skipIf(!existsSync(FIREFOX))('Firefox', () => {
  it('loads the extension headless, and the extension reaches the host', async () => {
    env = await createEnv();
    // A temporary HOME: Firefox reads ~/.mozilla/native-messaging-hosts from it.
    const home = mkdtempSync(join(tmpdir(), 'vq-firefox-home-'));
    mkdirSync(join(home, '.mozilla'), { recursive: true });
    const install = await env.cli(['install', '--dev', '--browser', 'firefox'], { env: { ...env.env, HOME: home } });
    expect(install.exitCode, install.stderr).toBe(0);
    expect(existsSync(join(home, `.mozilla/native-messaging-hosts/${NATIVE_HOST_NAME}.json`))).toBe(true);

    const savedHome = process.env.HOME;
    process.env.HOME = home;
    const webExt = (await import('web-ext')).default as unknown as {
      cmd: { run(params: object, options: object): Promise<{ exit(): Promise<void> }> };
    };
    const runner = await webExt.cmd.run(
      {
        sourceDir: SOURCE,
        target: ['firefox-desktop'],
        firefox: FIREFOX,
        args: ['--headless'],
        noInput: true,
        noReload: true,
        keepProfileChanges: false,
        browserConsole: false,
        pref: { 'datareporting.policy.dataSubmissionEnabled': false, 'app.update.enabled': false },
      },
      { shouldExitProgram: false },
    );
    process.env.HOME = savedHome;
    try {
      // The background connects to the host at start-up: the host starts the daemon of this VIDQUEUE_HOME.
      const deadline = Date.now() + 45_000;
      let daemon = false;
      while (!daemon && Date.now() < deadline) {
        daemon = env.processes().some((p) => /vidqueue\.js daemon/.test(p.cmdline));
        if (!daemon) await sleep(250);
      }
      expect(daemon).toBe(true);
      const client = await env.client('firefox-test');
      expect((await client.request('jobs.list', {})).total).toBe(0);
    } finally {
      await runner.exit();
    }
  });
});
