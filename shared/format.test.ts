import { describe, expect, it } from 'vitest';
import { formatBytes, formatEta } from './format';

describe('format', () => {
  it('formats sizes in binary units', () => {
    expect(formatBytes(null)).toBe('?');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200.0 MiB');
  });

  it('formats durations', () => {
    expect(formatEta(null)).toBe('');
    expect(formatEta(42)).toBe('42s');
    expect(formatEta(125)).toBe('2m05s');
    expect(formatEta(3 * 3600 + 60)).toBe('3h01m');
  });
});
