import { describe, expect, it } from 'vitest';
import type { ToolStatus, ToolsReport } from '../../shared/tools';
import { toolsAttention } from './tools-attention';

const ytdlp = (over: Partial<ToolStatus>): ToolStatus => ({
  id: 'yt-dlp',
  name: 'yt-dlp',
  source: 'system',
  path: '/usr/bin/yt-dlp',
  version: '2026.11.01',
  ageDays: 3,
  fix: null,
  ...over,
});
const report = (...tools: ToolStatus[]): ToolsReport => ({ tools, managed: false, autoUpdate: true });

describe('toolsAttention', () => {
  it.each([
    ['no report yet', null, null],
    ['a current yt-dlp', report(ytdlp({})), null],
    ['60 days old: still fine', report(ytdlp({ ageDays: 60 })), null],
    ["Debian's 2023 yt-dlp", report(ytdlp({ version: '2023.03.04', ageDays: 1359 })), { kind: 'old', days: 1359 }],
    ['a yt-dlp of unknown age (not dated)', report(ytdlp({ ageDays: null })), null],
    ['no yt-dlp at all', report(ytdlp({ source: 'missing', path: null, version: null, ageDays: null })), { kind: 'missing' }],
    ['only other tools listed', report({ ...ytdlp({}), id: 'ffmpeg', name: 'ffmpeg' }), null],
  ] as const)('%s', (_what, r, expected) => {
    const got = toolsAttention(r as ToolsReport | null);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toMatchObject(expected);
  });
});
