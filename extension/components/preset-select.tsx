import { PRESETS, type Preset } from '../../shared/job';
import { t } from '../lib/i18n';
import { PRESET_LABEL } from '../lib/preset-labels';

/** The quality choice: best, ≤1080p, ≤720p, audio only. */
export function PresetSelect({ value, onChange, name, label }: { value: Preset; onChange: (p: Preset) => void; name?: string; label?: string }) {
  return (
    <select name={name} aria-label={label} value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value as Preset)}>
      {PRESETS.map((p) => (
        <option key={p} value={p}>
          {t(PRESET_LABEL[p])}
        </option>
      ))}
    </select>
  );
}
