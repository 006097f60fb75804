import * as v from 'valibot';
import { VidQueueError } from '../../../shared/errors';
import { issueError } from '../../../shared/protocol';
import { DEFAULT_SETTINGS, type FullSettings, SETTING_KEYS, type Settings, type SettingsPatch, SettingsSchema } from '../../../shared/settings';
import type { DB } from './db';

/** Settings, one row a key, JSON values; defaults fill what was never set. */
export class SettingsStore {
  private cache: FullSettings | null = null;

  constructor(
    private readonly db: DB,
    private readonly defaults: FullSettings,
  ) {}

  static defaultsFor(downloadDir: string): FullSettings {
    return { ...DEFAULT_SETTINGS, downloadDir };
  }

  get(): FullSettings {
    if (this.cache) return this.cache;
    const stored: Record<string, unknown> = {};
    for (const row of this.db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings').all()) {
      if (!SETTING_KEYS.includes(row.key as keyof Settings)) continue;
      try {
        stored[row.key] = JSON.parse(row.value);
      } catch {
        // A hand-edited value that is not JSON falls back to the default.
      }
    }
    // Each stored value is checked on its own: one bad row does not reset the others.
    const merged: Record<string, unknown> = { ...this.defaults };
    for (const key of SETTING_KEYS) {
      if (key in stored && v.is(SettingsSchema.entries[key], stored[key])) merged[key] = stored[key];
    }
    this.cache = merged as FullSettings;
    return this.cache;
  }

  /** Validates the whole patch first; a bad value changes nothing. */
  set(patch: SettingsPatch): FullSettings {
    const next = { ...this.get(), ...stripUndefined(patch) };
    const check = v.safeParse(SettingsSchema, next);
    if (!check.success) {
      const err = issueError('INVALID_SETTING', check.issues, 'settings');
      throw new VidQueueError('INVALID_SETTING', err.message, err.field);
    }
    const upsert = this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(stripUndefined(patch))) upsert.run(key, JSON.stringify(value));
    })();
    this.cache = check.output as FullSettings;
    return this.cache;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, val]) => val !== undefined)) as Partial<T>;
}
