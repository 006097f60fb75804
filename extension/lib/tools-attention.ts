/**
 * When the popup asks the user to act on the tools VidQueue runs: yt-dlp missing (nothing can
 * download), or old enough that sites have likely changed under it. Pure: the report is the
 * daemon's `tools.status`.
 */
import type { ToolStatus, ToolsReport } from '../../shared/tools';

/** yt-dlp this many days after its release is "old": sites break within weeks of a yt-dlp release. */
export const OLD_AFTER_DAYS = 60;

export type ToolsAttention = { kind: 'missing'; tool: ToolStatus } | { kind: 'old'; tool: ToolStatus; days: number };

export function toolsAttention(report: ToolsReport | null): ToolsAttention | null {
  const ytdlp = report?.tools?.find((t) => t.id === 'yt-dlp');
  if (!ytdlp) return null;
  if (ytdlp.source === 'missing' || ytdlp.path === null) return { kind: 'missing', tool: ytdlp };
  if (ytdlp.ageDays !== null && ytdlp.ageDays > OLD_AFTER_DAYS) return { kind: 'old', tool: ytdlp, days: ytdlp.ageDays };
  return null;
}
