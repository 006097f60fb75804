import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every translation in _locales against the English one, read from disk: a key added to en
 * without its translations fails here (on purpose), and so does a placeholder lost on the way.
 */
type Entry = { message: string; description?: string; placeholders?: Record<string, { content: string; example?: string }> };
type Messages = Record<string, Entry>;

// (A path, not a URL: happy-dom's URL is not the one node:fs takes.)
const LOCALES = join(dirname(fileURLToPath(import.meta.url)), '../public/_locales');
const read = (locale: string): Messages => JSON.parse(readFileSync(join(LOCALES, locale, 'messages.json'), 'utf8'));
const locales = readdirSync(LOCALES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const en = read('en');

/** The `$NAME$` references of a message, upper-cased (the browser ignores their case); `$$` is a literal dollar. */
const references = (message: string): string[] => [...message.replace(/\$\$/g, '').matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((m) => m[1]!.toUpperCase()).sort();
const declared = (entry: Entry): string[] => Object.keys(entry.placeholders ?? {}).map((name) => name.toUpperCase());

it('has the English messages and some translations', () => {
  expect(locales).toContain('en');
  expect(locales.length).toBeGreaterThan(1);
});

describe.each(locales)('_locales/%s', (locale) => {
  const messages = read(locale);

  it('has exactly the keys of en', () => {
    expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(Object.keys(en))('%s: a message, with the placeholders of en, using only declared ones', (key) => {
    const entry = messages[key];
    expect(entry, `${locale}: ${key} is missing`).toBeDefined();
    expect(typeof entry!.message).toBe('string');
    expect(entry!.message.trim()).not.toBe('');
    // Same names, same contents ($1, $2…): the code passes substitutions by position.
    expect(entry!.placeholders ?? {}).toEqual(en[key]!.placeholders ?? {});
    for (const name of references(entry!.message)) expect(declared(entry!), `${locale}: ${key} uses $${name}$`).toContain(name);
    // A translation shows what the English shows: every substitution, none twice or left out.
    if (locale !== 'en') expect(references(entry!.message)).toEqual(references(en[key]!.message));
  });
});
