/**
 * Quotes a bad value for an error message: short, single-line, with its type.
 * Every error at a boundary names the value it refused; this keeps that readable
 * even when the value is a 2 MiB string.
 */
export function quote(value: unknown, max = 80): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (value === undefined) return '`undefined`';
  else if (typeof value === 'bigint') text = `${value}n`;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  const long = text.length > max;
  const shown = long ? `${text.slice(0, max)}…` : text;
  const size = long && typeof value === 'string' ? ` (${value.length} characters)` : '';
  return `\`${shown}\`${size}${typeName(value)}`;
}

function typeName(value: unknown): string {
  if (value === null) return ' (null)';
  if (Array.isArray(value)) return ' (array)';
  return typeof value === 'string' ? '' : ` (${typeof value})`;
}
