/**
 * What the popup's card offers from a probe: the qualities with their sizes, the subtitle
 * languages, and the exact choice a pick makes. Pure: labels come from `label`, passed in.
 */
import type { Choice } from '../../../shared/choice';
import type { Preset } from '../../../shared/job';
import type { ProbeFormat, ProbeResult, ProbeSize } from '../../../shared/probe';

/** Sizes as people read them on a download page: decimal units, two significant figures above 10. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = Math.max(0, bytes);
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const shown = i === 0 || v >= 10 ? String(Math.round(v)) : v.toFixed(1);
  return `${shown} ${units[i]}`;
}

/** A probed size: `~` marks an estimate (bitrate × duration). */
export function sizeText(size: ProbeSize | null): string | null {
  if (!size) return null;
  return `${size.estimate ? '~' : ''}${formatSize(size.bytes)}`;
}

/** 65 → "1:05", 3723 → "1:02:03". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** One line of the quality select. */
export interface QualityOption {
  /** Unique among the options: the select's value. */
  value: string;
  /** "720p · 2.2 MB", "Audio only · ~94 KB". */
  label: string;
  format: Choice['format'];
  /** For the default pick: how tall (null: audio only, or unknown). */
  height: number | null;
  audioOnly: boolean;
}

export interface QualityLabels {
  /** "720p" from 720 (and the frame rate when it is high: "720p60"). */
  height: (height: number, fps: number | null) => string;
  audioOnly: string;
}

const sum = (a: ProbeSize | null, b: ProbeSize | null): ProbeSize | null =>
  a && b ? { bytes: a.bytes + b.bytes, estimate: a.estimate || b.estimate } : a && !b ? { bytes: a.bytes, estimate: true } : null;

const withSize = (text: string, size: ProbeSize | null) => {
  const s = sizeText(size);
  return s ? `${text} · ${s}` : text;
};

/**
 * The qualities a person chooses from, best first: one per picture height (and high frame
 * rate), the best format of each, then audio only. A format without audio gets the best
 * audio added by the daemon: its size counts it (an estimate when the audio's is unknown).
 */
export function qualityOptions(probe: Pick<ProbeResult, 'formats'>, labels: QualityLabels): QualityOption[] {
  const audio = probe.formats.filter((f) => f.hasAudio && !f.hasVideo);
  const bestAudio: ProbeFormat | undefined = audio[0];
  const seen = new Set<string>();
  const out: QualityOption[] = [];
  for (const f of probe.formats) {
    if (!f.hasVideo) continue;
    const high = f.fps !== null && f.fps > 30 ? Math.round(f.fps) : null;
    const key = f.height === null ? `id:${f.id}` : `${f.height}p${high ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const text = f.height === null ? f.label || f.id : labels.height(f.height, high);
    const size = f.hasAudio || !bestAudio ? f.size : sum(f.size, bestAudio.size);
    out.push({ value: `format:${f.id}`, label: withSize(text, size), format: { kind: 'format', formatId: f.id }, height: f.height, audioOnly: false });
  }
  // Audio only: the best audio stream as it is, else the best audio (of a video format) as m4a, size unknown.
  out.push(
    bestAudio
      ? {
          value: `audio:${bestAudio.id}`,
          label: withSize(labels.audioOnly, bestAudio.size),
          format: { kind: 'audio', formatId: bestAudio.id },
          height: null,
          audioOnly: true,
        }
      : { value: 'audio', label: labels.audioOnly, format: { kind: 'audio' }, height: null, audioOnly: true },
  );
  return out;
}

/** The option picked first: the one the default preset would download (the tallest within its limit). */
export function defaultOption(options: QualityOption[], preset: Preset): QualityOption | undefined {
  if (preset === 'audio') return options.find((o) => o.audioOnly);
  const video = options.filter((o) => !o.audioOnly);
  const limit = preset === '1080p' ? 1080 : preset === '720p' ? 720 : Number.POSITIVE_INFINITY;
  return video.find((o) => o.height !== null && o.height <= limit) ?? video.at(-1) ?? options[0];
}

/** A subtitle language the site offers; `automatic`: its automatic captions. */
export interface SubtitleOption {
  value: string;
  language: string;
  automatic: boolean;
}

/** The site's own subtitles first, then automatic captions of languages it has no subtitles for. */
export function subtitleOptions(probe: Pick<ProbeResult, 'subtitles' | 'automaticCaptions'>): SubtitleOption[] {
  const own = probe.subtitles.map((language) => ({ value: `sub:${language}`, language, automatic: false }));
  const auto = probe.automaticCaptions
    .filter((l) => !probe.subtitles.includes(l))
    .map((language) => ({ value: `auto:${language}`, language, automatic: true }));
  return [...own, ...auto];
}

export type SubtitleMode = 'embed' | 'file';

/**
 * The exact choice sent with the job. Subtitles cannot be embedded in audio only: they
 * come as a file then.
 */
export function buildChoice(quality: QualityOption, subtitle: SubtitleOption | null, mode: SubtitleMode): Choice {
  if (!subtitle) return { format: quality.format };
  const asFile = mode === 'file' || quality.audioOnly;
  return {
    format: quality.format,
    subtitles: {
      languages: [subtitle.language],
      mode: asFile ? 'file' : 'embed',
      ...(asFile ? { fileFormat: 'srt' as const } : {}),
      ...(subtitle.automatic ? { automatic: true } : {}),
    },
  };
}
