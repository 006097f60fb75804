import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../shared/doctor';
import { NATIVE_HOST_NAME } from '../../shared/identity';
import { env, useServerAndEnv } from './helpers/suite';

useServerAndEnv();

/** `vidqueue doctor --json` for a user whose home is inside the test's folder. */
async function doctor(extra: Record<string, string> = {}, args: string[] = []): Promise<{ code: number | undefined; report: DoctorReport }> {
  const r = await env.cli(['doctor', '--json', ...args], { env: { ...env.env, HOME: join(env.home, 'user'), ...extra } });
  return { code: r.exitCode, report: JSON.parse(r.stdout) as DoctorReport };
}
const check = (report: DoctorReport, id: string) => report.checks.find((c) => c.id === id);
const cli = (args: string[], extra: Record<string, string> = {}) => env.cli(args, { env: { ...env.env, HOME: join(env.home, 'user'), ...extra } });

describe('vidqueue doctor', () => {
  it('passes on a set-up machine, and reaches the daemon', async () => {
    mkdirSync(join(env.home, 'user/.config/chromium'), { recursive: true });
    expect((await cli(['install', '--dev'])).exitCode).toBe(0);
    await env.client();
    const { code, report } = await doctor({}, ['--dev']);
    expect(report.checks.map((c) => c.id)).toEqual(['node', 'yt-dlp', 'ffmpeg', 'download-dir', 'manifest-chromium', 'data-dir', 'daemon']);
    expect(check(report, 'manifest-chromium')!.status).toBe('ok');
    expect(check(report, 'daemon')).toMatchObject({ status: 'ok', detail: expect.stringContaining('Running') });
    expect(check(report, 'ffmpeg')!.status).toBe('ok');
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
  });

  it('finds a missing yt-dlp, offers to fetch one and says what to install', async () => {
    const { code, report } = await doctor({ VIDQUEUE_YTDLP: '/nonexistent/yt-dlp' });
    const ytdlp = check(report, 'yt-dlp');
    expect(ytdlp).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('/nonexistent/yt-dlp'),
      fix: expect.stringContaining('vidqueue tools update'),
    });
    expect(ytdlp!.detail).toContain('apt install yt-dlp');
    expect(code).toBe(7);
  });

  it('finds a download folder that cannot be written', async () => {
    writeFileSync(join(env.home, 'downloads'), 'a file where the folder should be');
    const { report } = await doctor();
    expect(check(report, 'download-dir')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('not writable'),
      fix: expect.stringContaining('vidqueue settings downloadDir'),
    });
  });

  it('finds a browser with no manifest, and names the command for that browser', async () => {
    mkdirSync(join(env.home, 'user/.config/google-chrome'), { recursive: true });
    mkdirSync(join(env.home, 'user/.mozilla'), { recursive: true });
    const { report } = await doctor();
    expect(check(report, 'manifest-chrome')).toMatchObject({
      status: 'fail',
      fix: 'npx vidqueue install --browser chrome --extension-id <id from chrome://extensions>',
    });
    expect(check(report, 'manifest-firefox')).toMatchObject({ status: 'fail', fix: 'npx vidqueue install --browser firefox' });
  });

  it('finds a stale launcher (node moved away, as nvm does)', async () => {
    mkdirSync(join(env.home, 'user/.config/chromium'), { recursive: true });
    await cli(['install', '--dev']);
    const manifest = JSON.parse(readFileSync(join(env.home, `user/.config/chromium/NativeMessagingHosts/${NATIVE_HOST_NAME}.json`), 'utf8')) as {
      path: string;
    };
    const script = readFileSync(manifest.path, 'utf8').replace(process.execPath, '/home/gone/.nvm/versions/node/v20.0.0/bin/node');
    writeFileSync(manifest.path, script);
    chmodSync(manifest.path, 0o755);
    const { report } = await doctor({}, ['--dev']);
    expect(check(report, 'manifest-chromium')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('stale launcher'),
      fix: 'npx vidqueue install --browser chromium --dev',
    });
  });

  it('finds a manifest that does not allow this extension id', async () => {
    mkdirSync(join(env.home, 'user/.config/chromium'), { recursive: true });
    await cli(['install', '--dev']);
    const { report } = await doctor({}, ['--dev']);
    expect(check(report, 'manifest-chromium')!.status).toBe('ok');
    const r = await cli(['doctor', '--json', '--extension-id', 'abcdefghijklmnopabcdefghijklmnop']);
    const other = JSON.parse(r.stdout) as DoctorReport;
    expect(check(other, 'manifest-chromium')).toMatchObject({
      status: 'fail',
      fix: 'npx vidqueue install --browser chromium --extension-id abcdefghijklmnopabcdefghijklmnop',
    });
  });

  it('fails a manifest that allows no extension, and warns about one that allows the public development id unless asked with --dev', async () => {
    mkdirSync(join(env.home, 'user/.config/chromium'), { recursive: true });
    await cli(['install']);
    const none = await doctor();
    expect(check(none.report, 'manifest-chromium')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('allows no extension'),
      fix: 'npx vidqueue install --browser chromium --extension-id <id from chrome://extensions>',
    });
    expect(none.code).toBe(7);

    await cli(['install', '--dev']);
    const dev = await doctor();
    expect(check(dev.report, 'manifest-chromium')).toMatchObject({ status: 'warn', detail: expect.stringContaining('whose key is public') });
    expect(dev.report.ok).toBe(true);
    expect(check((await doctor({}, ['--dev'])).report, 'manifest-chromium')!.status).toBe('ok');

    const mine = 'ponmlkjihgfedcbaponmlkjihgfedcba';
    await cli(['install', '--extension-id', mine]);
    expect(check((await doctor()).report, 'manifest-chromium')!.status).toBe('ok');
    expect(check((await doctor({}, ['--extension-id', mine])).report, 'manifest-chromium')!.status).toBe('ok');
  });

  it('is answered by the bridge itself, so the extension can show it when the daemon is broken', async () => {
    const { HostProcess } = await import('./helpers/host-process');
    const host = new HostProcess({ ...env.env, HOME: join(env.home, 'user') });
    try {
      const reply = await host.request(1, 'doctor');
      expect(reply).toMatchObject({ id: 1, ok: true, result: { checks: expect.arrayContaining([expect.objectContaining({ id: 'node' })]) } });
    } finally {
      host.child.kill();
    }
  });
});
