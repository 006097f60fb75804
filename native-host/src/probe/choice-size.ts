import type { Choice } from '../../../shared/choice';
import type { Preset } from '../../../shared/job';
import type { ProbeFormat, ProbeSize } from '../../../shared/probe';
import type { FullProbe } from './reduce';

const PRESET_HEIGHT: Record<Preset, number | null> = { best: null, '1080p': 1080, '720p': 720, audio: null };

const withAudio = (video: ProbeFormat | undefined, formats: ProbeFormat[]): ProbeSize | null => {
  if (!video?.size) return null;
  if (video.hasAudio) return video.size;
  const audio = formats.find((f) => !f.hasVideo && f.hasAudio)?.size;
  return audio ? { bytes: video.size.bytes + audio.bytes, estimate: video.size.estimate || audio.estimate } : null;
};

/**
 * What a choice (or a preset) would download, from a probe: the size a view shows and a
 * confirmation before cancelling uses. Formats are best first (`reduceProbe`), so the first
 * that fits is the one yt-dlp picks. Null when the probe does not say.
 */
export function sizeForChoice(probe: FullProbe, how: { choice: Choice } | { preset: Preset }): ProbeSize | null {
  const formats = probe.formats;
  const f =
    'choice' in how
      ? how.choice.format
      : how.preset === 'audio'
        ? { kind: 'audio' as const }
        : { kind: 'height' as const, maxHeight: PRESET_HEIGHT[how.preset] };
  switch (f.kind) {
    case 'best':
      return probe.size;
    case 'height': {
      if (f.maxHeight === null) return probe.size;
      const max = f.maxHeight;
      const videos = formats.filter((x) => x.hasVideo);
      const fits = videos.find((x) => x.height !== null && x.height <= max) ?? videos.filter((x) => x.height !== null).at(-1);
      return withAudio(fits, formats);
    }
    case 'format':
      return withAudio(
        formats.find((x) => x.id === f.formatId),
        formats,
      );
    case 'audio': {
      const chosen = f.formatId
        ? formats.find((x) => x.id === f.formatId)
        : (formats.find((x) => !x.hasVideo && x.hasAudio) ?? formats.find((x) => x.hasAudio));
      return chosen?.size ?? null;
    }
  }
}
