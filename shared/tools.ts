/** What `vidqueue tools`, `doctor` and the extension show of the tools VidQueue runs. */
export interface ToolStatus {
  id: 'yt-dlp' | 'js-runtime' | 'ffmpeg' | 'aria2c';
  name: string;
  /** managed: VidQueue's own copy; system: found on PATH; override: named by an environment variable; bundled: shipped with VidQueue. */
  source: 'managed' | 'system' | 'override' | 'bundled' | 'missing';
  path: string | null;
  version: string | null;
  /** Days since the version's release, for tools versioned by date (yt-dlp). */
  ageDays: number | null;
  /** What to run when it is missing or old. */
  fix: string | null;
  /** yt-dlp: the channel kept current, when the last update check ran, and why it failed if it did. */
  channel?: 'stable' | 'nightly';
  lastCheck?: number | null;
  lastError?: string | null;
}

export interface ToolsReport {
  tools: ToolStatus[];
  /** Whether VidQueue keeps its own yt-dlp (and checks for updates once a day). */
  managed: boolean;
  autoUpdate: boolean;
}
