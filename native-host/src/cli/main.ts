import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXIT } from './exit-codes';
import { parse } from './parse';
import { UsageError } from './usage-error';

/** The CLI entry: the same file is the browser's host, the daemon and the user's tool. */
const CLI_PATH = fileURLToPath(import.meta.url);

const USAGE = `vidqueue: download the videos you find while browsing

Usage:
  vidqueue add URL [--preset best|1080p|720p|audio] [--page-url URL] [--title T] [--wait] [--json]
  vidqueue ls [--json]
  vidqueue cancel ID | --all          vidqueue pause ID      vidqueue resume ID
  vidqueue retry ID                   vidqueue top ID        (move a queued job to the front)
  vidqueue rm ID [--delete-file]      vidqueue clear         (remove all finished jobs)
  vidqueue settings [KEY [VALUE]] [--json]
  vidqueue daemon [--foreground]      vidqueue stop
  vidqueue install [--browser B]... [--user-data-dir DIR] [--extension-id ID]... [--system] [--as-root]
  vidqueue uninstall [--browser B]... [--user-data-dir DIR]
  vidqueue doctor [--json] [--extension-id ID]...   (check everything VidQueue needs)
  vidqueue host                       (started by the browser: native messaging on stdio)

Exit codes: 0 ok, 1 error, 2 usage, 3 refused by the daemon, 4 daemon unavailable,
5 download failed, 6 job cancelled, 7 doctor found a problem, 130 interrupted (add --wait;
the job was cancelled).
`;


export function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'host': {
        // Browsers pass their own arguments (the caller's origin, a manifest path): ignored.
        const { hostCommand } = await import('./host-command');
        return hostCommand(CLI_PATH);
      }
      case 'daemon': {
        const { values } = parse(rest, { foreground: { type: 'boolean' }, 'no-stderr-log': { type: 'boolean' } }, 0);
        const { daemonCommand } = await import('./daemon-command');
        return await daemonCommand(CLI_PATH, version(), { foreground: values.foreground === true, stderrLog: values['no-stderr-log'] !== true });
      }
      case 'install':
      case 'uninstall': {
        const { values } = parse(
          rest,
          {
            browser: { type: 'string', multiple: true },
            'user-data-dir': { type: 'string' },
            'extension-id': { type: 'string', multiple: true },
            system: { type: 'boolean' },
            'as-root': { type: 'boolean' },
            json: { type: 'boolean' },
          },
          0,
        );
        const { installCommand } = await import('./install-command');
        return await installCommand(command, CLI_PATH, {
          browsers: values.browser,
          userDataDir: values['user-data-dir'],
          extensionIds: values['extension-id'],
          system: values.system === true,
          asRoot: values['as-root'] === true,
          json: values.json === true,
        });
      }
      case 'doctor': {
        const { values } = parse(rest, { json: { type: 'boolean' }, 'extension-id': { type: 'string', multiple: true } }, 0);
        const { doctorCommand } = await import('./doctor-command');
        return await doctorCommand({ json: values.json === true, extensionIds: values['extension-id'] });
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? EXIT.USAGE : EXIT.OK;
      case '--version':
      case '-v':
      case 'version':
        process.stdout.write(`${version()}\n`);
        return EXIT.OK;
      default: {
        const { clientCommand, CLIENT_COMMANDS } = await import('./client-commands');
        if (!CLIENT_COMMANDS.includes(command)) throw new UsageError(`Unknown command \`${command}\`; run \`vidqueue help\``);
        return await clientCommand(command, rest, CLI_PATH);
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`vidqueue: ${err.message}\n`);
      return EXIT.USAGE;
    }
    if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`vidqueue: ${err.message}; run \`vidqueue help\`\n`);
      return EXIT.USAGE;
    }
    process.stderr.write(`vidqueue: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.ERROR;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => {
    if (code !== -1) process.exitCode = code;
  });
}
