import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { quote } from '../../../shared/quote';
import { COMMANDS, type CommandName, asksForHelp, commandHelp, commandNamed, overview } from './commands';
import { EXIT } from './exit-codes';
import { parse } from './parse';
import { UsageError } from './usage-error';

/** The CLI entry: the same file is the browser's host, the daemon and the user's tool. */
const CLI_PATH = fileURLToPath(import.meta.url);

function help(command: CommandName): number {
  process.stdout.write(commandHelp(command));
  return EXIT.OK;
}

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
    // `vidqueue COMMAND --help`: that command's usage, whatever else is on the line.
    const named = command === undefined ? null : commandNamed(command);
    if (named && named !== 'host' && asksForHelp(rest)) return help(named);
    switch (command) {
      case 'host': {
        // Browsers pass their own arguments (the caller's origin, a manifest path): ignored,
        // except a lone `--help` typed by a person.
        if (rest.length === 1 && asksForHelp(rest)) return help('host');
        const { hostCommand } = await import('./host-command');
        return hostCommand(CLI_PATH);
      }
      case 'daemon': {
        const { values } = parse(rest, COMMANDS.daemon);
        const { daemonCommand } = await import('./daemon-command');
        return await daemonCommand(CLI_PATH, version(), { foreground: values.foreground === true, stderrLog: values['no-stderr-log'] !== true });
      }
      case 'install':
      case 'uninstall': {
        const { values } = parse(rest, COMMANDS[command]);
        const { installCommand } = await import('./install-command');
        return await installCommand(command, CLI_PATH, {
          browsers: values.browser,
          userDataDir: values['user-data-dir'],
          extensionIds: values['extension-id'],
          dev: values.dev === true,
          system: values.system === true,
          asRoot: values['as-root'] === true,
          json: values.json === true,
        });
      }
      case 'doctor': {
        const { values } = parse(rest, COMMANDS.doctor);
        const { doctorCommand } = await import('./doctor-command');
        return await doctorCommand({ json: values.json === true, extensionIds: values['extension-id'], dev: values.dev === true });
      }
      case undefined:
        process.stdout.write(overview());
        return EXIT.USAGE;
      case 'help':
      case '--help':
      case '-h': {
        const { positionals } = parse(rest, COMMANDS.help);
        const topic = positionals[0];
        if (topic === undefined) {
          process.stdout.write(overview());
          return EXIT.OK;
        }
        const about = commandNamed(topic);
        if (!about) throw new UsageError(`Unknown command ${quote(topic)}; run \`vidqueue help\` for the list`);
        return help(about);
      }
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
  void main(process.argv.slice(2)).then((code) => {
    if (code !== -1) process.exitCode = code;
  });
}
