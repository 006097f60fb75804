/**
 * Quotes a bad value for an error message: short, single-line, with its type.
 * Every error at a boundary names the value it refused; this keeps that readable
 * even when the value is a 2 MiB string or an array nested 4,000 deep. The work is
 * bounded by `max`: nothing is walked beyond what is shown (no JSON.stringify or
 * String() of the whole value, both of which recurse).
 */
export function quote(value: unknown, max = 80): string {
  if (value === undefined) return '`undefined`';
  const text = preview(value, max + 1);
  const long = text.length > max;
  const shown = long ? `${text.slice(0, max)}…` : text;
  const size = long && typeof value === 'string' ? ` (${value.length} characters)` : '';
  return `\`${shown}\`${size}${typeName(value)}`;
}

/** How deep a preview goes before it writes `[…]` or `{…}`. */
const PREVIEW_DEPTH = 4;

/** JSON-like text of `value`, stopping once `budget` characters are written. */
function preview(value: unknown, budget: number): string {
  let out = '';
  const write = (s: string) => {
    out += s.length > budget - out.length ? s.slice(0, Math.max(0, budget - out.length)) : s;
  };
  const walk = (x: unknown, depth: number): void => {
    if (out.length >= budget) return;
    if (typeof x === 'string') {
      // Only the part that can be shown is escaped: a 2 MiB string costs what 80 characters cost.
      write(JSON.stringify(x.slice(0, budget)));
      return;
    }
    if (typeof x !== 'object' || x === null) {
      write(typeof x === 'bigint' ? `${x}n` : typeof x === 'number' || typeof x === 'boolean' || x === null || x === undefined ? String(x) : `<${typeof x}>`);
      return;
    }
    if (Array.isArray(x)) {
      if (depth >= PREVIEW_DEPTH) {
        write(x.length === 0 ? '[]' : '[…]');
        return;
      }
      write('[');
      for (let i = 0; i < x.length && out.length < budget; i++) {
        if (i > 0) write(',');
        walk(x[i], depth + 1);
      }
      write(']');
      return;
    }
    if (depth >= PREVIEW_DEPTH) {
      write('{…}');
      return;
    }
    write('{');
    let first = true;
    for (const key in x) {
      if (out.length >= budget) break;
      if (!Object.hasOwn(x, key)) continue;
      if (!first) write(',');
      first = false;
      write(`${JSON.stringify(key.slice(0, budget))}:`);
      walk((x as Record<string, unknown>)[key], depth + 1);
    }
    write('}');
  };
  walk(value, 0);
  return out;
}

function typeName(value: unknown): string {
  if (value === null) return ' (null)';
  if (Array.isArray(value)) return ' (array)';
  return typeof value === 'string' ? '' : ` (${typeof value})`;
}
