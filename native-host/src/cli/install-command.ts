import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { quote } from '../../../shared/quote';
import { BROWSERS, type Browser } from '../install/browsers';
import { type InstallOptions, type InstallReport, extensionIdProblem, install, uninstall } from '../install/install';
import { windowsRegistry } from '../install/registry';
import { resolvePaths } from '../paths';
import { EXIT } from './exit-codes';
import { UsageError } from './usage-error';

export interface InstallFlags {
  browsers?: string[];
  userDataDir?: string;
  extensionIds?: string[];
  dev: boolean;
  system: boolean;
  asRoot: boolean;
  json: boolean;
}

interface Account {
  home: string;
  uid: number;
  gid: number;
  name: string;
}

/** Under sudo, the user who typed the command: their browsers are the ones to register. */
export function sudoInvoker(env: NodeJS.ProcessEnv, passwd: string): Account | null {
  const name = env.SUDO_USER;
  if (!name || name === 'root' || process.getuid?.() !== 0) return null;
  const line = passwd.split('\n').find((l) => l.startsWith(`${name}:`));
  const fields = line?.split(':');
  if (!fields || fields.length < 6) return null;
  return { name, uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5]! };
}

/** A malformed `--extension-id` is a usage error (exit 2), found before anything is written. */
export function checkExtensionIds(ids: string[] = []): void {
  for (const id of ids) {
    const problem = extensionIdProblem(id);
    if (problem) throw new UsageError(problem);
  }
}

/** `vidqueue install` / `uninstall`: the launcher and the browsers' native-messaging manifests. */
export async function installCommand(command: 'install' | 'uninstall', cliPath: string, f: InstallFlags): Promise<number> {
  for (const b of f.browsers ?? []) {
    if (b !== 'all' && !BROWSERS.includes(b as Browser))
      throw new UsageError(`Unknown browser ${quote(b)} for \`--browser\`; expected one of ${BROWSERS.join(', ')}, all`);
  }
  // `all`: every browser VidQueue knows, whether or not it has a profile yet.
  const browsers = f.browsers?.includes('all') ? [...BROWSERS] : (f.browsers as Browser[] | undefined);
  checkExtensionIds(f.extensionIds);
  if (f.system && f.userDataDir) throw new UsageError('`--system` and `--user-data-dir` do not go together');
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    // not a Unix system
  }
  const invoker = f.asRoot || f.system ? null : sudoInvoker(process.env, passwd);
  const home = invoker?.home ?? homedir();
  // Through sudo, the invoker's own folders: their data dir, not root's.
  const env = invoker ? { ...process.env, HOME: home, XDG_DATA_HOME: undefined, XDG_RUNTIME_DIR: undefined } : process.env;
  const opts: InstallOptions = {
    home,
    platform: process.platform,
    dataDir: resolvePaths(env, process.platform, home).dataDir,
    nodePath: process.execPath,
    cliPath,
    browsers,
    userDataDir: f.userDataDir ? resolve(f.userDataDir) : undefined,
    extensionIds: f.extensionIds,
    dev: f.dev,
    env: process.env,
    system: f.system,
    registry: process.platform === 'win32' ? windowsRegistry : undefined,
    owner: invoker ? { uid: invoker.uid, gid: invoker.gid } : undefined,
  };
  const report = command === 'install' ? await install(opts) : await uninstall(opts);
  const shown = showReport(command, report, { json: f.json, invoker: invoker?.name });
  if (shown.stdout) process.stdout.write(shown.stdout);
  if (shown.stderr) process.stderr.write(shown.stderr);
  return shown.code;
}

/** What `install`/`uninstall` print, and their exit code: failing when something could not be undone. */
export function showReport(
  command: 'install' | 'uninstall',
  report: InstallReport,
  o: { json: boolean; invoker?: string },
): { stdout: string; stderr: string; code: number } {
  const errors = report.failures.map(
    (x) =>
      `vidqueue: could not delete registry key ${x.key}: ${x.message}\n  delete it with \`reg delete "${x.key}" /f\`${x.key.startsWith('HKLM') ? ' from an administrator prompt' : ''}\n`,
  );
  for (const w of report.warnings) errors.push(`vidqueue: warning: ${w.message}\n  ${w.fix}\n`);
  const code = report.failures.length > 0 ? EXIT.ERROR : EXIT.OK;
  if (o.json) return { stdout: `${JSON.stringify(report)}\n`, stderr: errors.join(''), code };
  const lines: string[] = [];
  const out = (s: string) => lines.push(s);
  const verb = command === 'install' ? 'wrote' : 'removed';
  if (o.invoker) out(`Registering for ${o.invoker} (who ran sudo); use --as-root to register root instead.`);
  out(`${verb} launcher ${report.launcher}`);
  for (const m of report.manifests) out(`${verb} ${m.browser} manifest ${m.path}`);
  for (const r of report.registry) out(`${command === 'install' ? 'set' : 'deleted'} registry key ${r.key}`);
  for (const s of report.sandboxed) {
    out(`\n${s.browser} (${s.kind}) needs more than a manifest:`);
    for (const step of s.steps) out(`  ${step}`);
  }
  if (command === 'install' && report.manifests.length === 0) {
    out(`No browser profile found; name one with --browser (${BROWSERS.join(', ')}, all) or --user-data-dir DIR`);
  }
  if (command === 'install') out('\nCheck everything with: npx vidqueue doctor');
  return { stdout: `${lines.join('\n')}\n`, stderr: errors.join(''), code };
}
