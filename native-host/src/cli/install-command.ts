import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { quote } from '../../../shared/quote';
import { BROWSERS, type Browser } from '../install/browsers';
import { install, uninstall } from '../install/install';
import { resolvePaths } from '../paths';
import { EXIT } from './exit-codes';
import { UsageError } from './usage-error';

export interface InstallFlags {
  browsers?: string[];
  userDataDir?: string;
  extensionIds?: string[];
  json: boolean;
}

/** `vidqueue install` / `uninstall`: the launcher and the browsers' native-messaging manifests. */
export async function installCommand(command: 'install' | 'uninstall', cliPath: string, f: InstallFlags): Promise<number> {
  for (const b of f.browsers ?? []) {
    if (!BROWSERS.includes(b as Browser)) throw new UsageError(`Unknown browser ${quote(b)} for \`--browser\`; expected one of ${BROWSERS.join(', ')}`);
  }
  const opts = {
    home: homedir(),
    platform: process.platform,
    dataDir: resolvePaths().dataDir,
    nodePath: process.execPath,
    cliPath,
    browsers: f.browsers as Browser[] | undefined,
    userDataDir: f.userDataDir ? resolve(f.userDataDir) : undefined,
    extensionIds: f.extensionIds,
    env: process.env,
  };
  const report = command === 'install' ? await install(opts) : await uninstall(opts);
  if (f.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return EXIT.OK;
  }
  const verb = command === 'install' ? 'wrote' : 'removed';
  process.stdout.write(`${verb} launcher ${report.launcher}\n`);
  for (const m of report.manifests) process.stdout.write(`${verb} ${m.browser} manifest ${m.path}\n`);
  if (command === 'install' && report.manifests.length === 0) {
    process.stdout.write(`No browser profile found; name one with --browser (${BROWSERS.join(', ')}) or --user-data-dir DIR\n`);
  }
  return EXIT.OK;
}
