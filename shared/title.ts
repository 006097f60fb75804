import { MAX_TITLE_LENGTH } from './limits';

/**
 * Titles, from browsers and from sites, are for display: no control characters (they could
 * drive a terminal), no bidirectional overrides (they disguise what follows), a sane length.
 */
export function cleanTitle(title: string): string {
  return (
    title
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes or refuses
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
      .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
      .trim()
      .slice(0, MAX_TITLE_LENGTH)
  );
}
