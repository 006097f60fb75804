/**
 * An exact choice made from a probe (what a URL offers), carried by a job instead of a
 * preset. Closed: nothing in it is ever handed to yt-dlp as it is. Format ids and language
 * codes are held to a strict character set and length here, and only the daemon's
 * `downloader/args.ts` turns a choice into arguments.
 */
import * as v from 'valibot';
import type { Preset } from './job';

/** yt-dlp's format ids as sites give them (`137`, `hls-2305`, `dash-video=2800000`): no operator of its format language. */
export const FORMAT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._=-]{0,63}$/;
/** Subtitle languages (`en`, `pt-BR`, `zh-Hans`): no regular-expression character (`--sub-langs` reads regexes). */
export const LANGUAGE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const MAX_LANGUAGES = 20;

const FormatId = v.pipe(
  v.string(),
  v.regex(FORMAT_ID_PATTERN, 'a format id is 1 to 64 letters, digits, ".", "_", "=" or "-", starting with a letter or digit'),
);
const Language = v.pipe(v.string(), v.regex(LANGUAGE_PATTERN, 'a language code is 1 to 32 letters, digits, "_" or "-", starting with a letter or digit'));

const FormatChoiceSchema = v.variant('kind', [
  /** The best video and audio (the `best` preset). */
  v.strictObject({ kind: v.literal('best') }),
  /** The best video no taller than `maxHeight`, with the best audio; the smallest there is when none is that small. */
  v.strictObject({ kind: v.literal('height'), maxHeight: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000)) }),
  /** This format; the best audio is added when it has none. */
  v.strictObject({ kind: v.literal('format'), formatId: FormatId }),
  /** Audio only: from this format (its audio stream, as it is), or the best audio converted to m4a. */
  v.strictObject({ kind: v.literal('audio'), formatId: v.optional(FormatId) }),
]);

const SubtitleChoiceSchema = v.strictObject({
  languages: v.pipe(v.array(Language), v.minLength(1), v.maxLength(MAX_LANGUAGES)),
  /** `embed`: streams in the video file (mov_text in mp4, as they are in mkv); `file`: files next to the video. */
  mode: v.picklist(['embed', 'file']),
  /** For separate files: converted to `srt`, or `vtt`; as the site has them when absent. */
  fileFormat: v.optional(v.picklist(['srt', 'vtt'])),
  /** Include the site's automatic captions for these languages. */
  automatic: v.optional(v.boolean()),
});

export const ChoiceSchema = v.pipe(
  v.strictObject({
    format: FormatChoiceSchema,
    subtitles: v.optional(SubtitleChoiceSchema),
  }),
  v.check(
    (c) => !(c.format.kind === 'audio' && c.subtitles?.mode === 'embed'),
    'subtitles cannot be embedded in an audio-only download: ask for them as files (`subtitles.mode: "file"`)',
  ),
);

export type Choice = v.InferOutput<typeof ChoiceSchema>;

/** The preset nearest a choice: what a view that knows only presets shows for the job. */
export function presetOf(choice: Choice): Preset {
  const f = choice.format;
  if (f.kind === 'audio') return 'audio';
  if (f.kind === 'height') return f.maxHeight <= 720 ? '720p' : f.maxHeight <= 1080 ? '1080p' : 'best';
  return 'best';
}
