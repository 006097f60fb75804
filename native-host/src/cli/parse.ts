import { parseArgs } from 'node:util';
import { UsageError } from './usage-error';

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** Strict flags (an unknown one is a usage error naming it); `positionals` is how many plain arguments the command takes. */
export function parse<O extends NonNullable<Options>>(args: string[], options: O, positionals: number) {
  const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`Unexpected argument \`${parsed.positionals[positionals]}\``);
  }
  return parsed;
}
