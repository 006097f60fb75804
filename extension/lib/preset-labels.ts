import type { Preset } from '../../shared/job';
import type { MessageKey } from './i18n';

/** The label of each quality preset, from _locales. */
export const PRESET_LABEL: Record<Preset, MessageKey> = { best: 'presetBest', '1080p': 'preset1080p', '720p': 'preset720p', audio: 'presetAudio' };
