import * as v from 'valibot';
import { PRESETS } from './job';

/**
 * Settings live in the daemon's database; this is their one definition, with the
 * bounds every side validates against.
 */
export const SettingsSchema = v.object({
  /** Absolute path of the folder finished files are moved into. */
  downloadDir: v.pipe(
    v.string(),
    v.minLength(1),
    v.maxLength(4096),
    v.check((s) => s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s) || s.startsWith('\\\\'), 'must be an absolute path'),
  ),
  /** How many downloads run at once. */
  concurrency: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(16)),
  defaultPreset: v.picklist(PRESETS),
  /** Finished jobs older than this many days leave the history (files stay); 0 keeps them forever. */
  historyRetentionDays: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(36500)),
  /** The daemon exits after this many seconds with no client and nothing queued or running; 0 never. */
  idleExitSeconds: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(604800)),
  /**
   * How long what a URL offers (a probe) is remembered, and shared between clients; 0 keeps
   * nothing. Optional in the type only so that clients written before it still compile: the
   * daemon always sends it.
   */
  probeCacheMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1440))),
  /** A probe (yt-dlp reading a URL without downloading) is stopped after this many seconds. Always sent, like the above. */
  probeTimeoutSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(300))),
  /** Fragments of an HLS or DASH stream fetched at once (yt-dlp's -N). */
  fragmentConcurrency: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(16)),
  /** Connections for one direct file, through aria2c when it is installed; 1: yt-dlp's own downloader. */
  connectionsPerFile: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(16)),
  /** Look for a newer yt-dlp once a day and switch to it (VidQueue's managed copy). */
  toolsAutoUpdate: v.boolean(),
});

export type Settings = v.InferOutput<typeof SettingsSchema>;
export type SettingKey = keyof Settings;
export const SETTING_KEYS = Object.keys(SettingsSchema.entries) as SettingKey[];

export const SettingsPatchSchema = v.strictObject(
  Object.fromEntries(SETTING_KEYS.map((k) => [k, v.optional(SettingsSchema.entries[k])])) as {
    [K in SettingKey]: v.OptionalSchema<(typeof SettingsSchema.entries)[K], undefined>;
  },
);
export type SettingsPatch = Partial<Settings>;

/** Settings as the daemon holds them: every key has a value. */
export type FullSettings = Required<Settings>;

export const DEFAULT_SETTINGS: Omit<FullSettings, 'downloadDir'> = {
  concurrency: 3,
  defaultPreset: 'best',
  historyRetentionDays: 30,
  idleExitSeconds: 300,
  probeCacheMinutes: 10,
  probeTimeoutSeconds: 20,
  fragmentConcurrency: 16,
  connectionsPerFile: 8,
  toolsAutoUpdate: true,
};
