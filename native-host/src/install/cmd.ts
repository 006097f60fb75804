import { quote } from '../../../shared/quote';

/**
 * Text for a Windows batch file (`.cmd`). cmd.exe reads each line in phases: `%` expansion
 * first, inside double quotes too; then the special characters `^ & | < > ( )`, which are
 * literal between double quotes; then `!` expansion, when delayed expansion is on (the
 * launcher turns it off: `setlocal DisableDelayedExpansion`). So between quotes a `%` is
 * doubled and nothing else is touched, and a `"` cannot be written at all: it would end the
 * quotes. No Windows path contains one, so a value with a `"` is refused, as are line breaks.
 */
function cmdQuoted(value: string, what: string): string {
  return `"${betweenQuotes(value, what)}"`;
}

function betweenQuotes(value: string, what: string): string {
  if (/["\r\n\0]/.test(value)) {
    throw new Error(
      `Expected ${what} to be a Windows path, got ${quote(value)}: a \`"\` or a line break cannot be written into the launcher (and no Windows path has one); correct it and run \`vidqueue install\` again`,
    );
  }
  return value.replace(/%/g, '%%');
}

/** `set "KEY=value"`: quotes around the whole assignment keep the value literal and add nothing to it. */
export function cmdSet(key: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`Expected an environment variable name, got ${quote(key)}`);
  return `set "${key}=${betweenQuotes(value, `\`${key}\``)}"`;
}

/**
 * One argument of a program the batch file starts, quoted for cmd. The program splits its
 * command line itself, where backslashes before a `"` escape it: a trailing backslash is
 * doubled so that the closing quote stays a quote.
 */
export function cmdArg(value: string, what: string): string {
  return cmdQuoted(value.replace(/(\\+)$/, '$1$1'), what);
}
