import { parseArgs } from 'node:util';
import type { CommandSpec } from './commands';
import { UsageError } from './usage-error';

/** Strict flags (an unknown one is a usage error naming it), as many plain arguments as the command takes. */
export function parse<O extends CommandSpec['options']>(args: string[], spec: { options: O; positionals: number }) {
  const parsed = parseArgs({ args, options: spec.options, allowPositionals: true, strict: true });
  if (parsed.positionals.length > spec.positionals) {
    throw new UsageError(`Unexpected argument \`${parsed.positionals[spec.positionals]}\``);
  }
  return parsed;
}
