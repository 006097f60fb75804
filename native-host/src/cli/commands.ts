/**
 * Every command of the CLI, its arguments and its options: one table that both the
 * parser and the help read, so `--help` cannot drift from what a command accepts.
 */
interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** The value's placeholder in the help (`--preset P`). */
  value?: string;
  help: string;
  /** Accepted but not shown (internal, or kept so that an install line can be reused). */
  hidden?: boolean;
}

export interface CommandSpec {
  usage: string;
  summary: string;
  /** How many plain arguments the command takes. */
  positionals: number;
  options: Readonly<Record<string, OptionSpec>>;
}

const json = { type: 'boolean', help: 'print one line of JSON on stdout' } as const;

const installOptions = {
  browser: {
    type: 'string',
    multiple: true,
    value: 'B',
    help: 'only this browser: chrome, chromium, brave, edge, vivaldi, firefox, or all of them (repeatable; default: every browser that has a profile)',
  },
  'user-data-dir': { type: 'string', value: 'DIR', help: 'one Chromium profile folder instead (its NativeMessagingHosts)' },
  'extension-id': {
    type: 'string',
    multiple: true,
    value: 'ID',
    help: 'allow this Chromium extension id (32 letters a–p, shown in chrome://extensions); repeatable',
  },
  dev: { type: 'boolean', help: 'also allow the development build of the extension, whose key is public: for tests and the demo, not for real use' },
  system: { type: 'boolean', help: 'for every user of this computer (/etc, /Library, HKLM); needs root or an administrator' },
  'as-root': { type: 'boolean', help: 'under sudo, register root instead of the user who ran sudo' },
  json,
} as const;

export const COMMANDS = {
  add: {
    usage: 'add URL [--preset P] [--page-url URL] [--title T] [--wait] [--json]',
    summary: 'Queue a download of URL.',
    positionals: 1,
    options: {
      preset: { type: 'string', value: 'P', help: 'best, 1080p, 720p or audio (m4a); default: the defaultPreset setting' },
      'page-url': { type: 'string', value: 'URL', help: 'the page the video was found on' },
      title: { type: 'string', value: 'T', help: 'the title to show for the job' },
      wait: { type: 'boolean', help: 'show progress on stderr until the job ends, then print the file path; Ctrl+C cancels the job' },
      json,
    },
  },
  probe: {
    usage: 'probe URL [--page-url URL] [--fresh] [--json]',
    summary: "Show what URL offers, without downloading it: its formats with their sizes, its subtitles, or a playlist's entries.",
    positionals: 1,
    options: {
      'page-url': { type: 'string', value: 'URL', help: 'the page the video was found on (sent as Referer)' },
      fresh: { type: 'boolean', help: 'read it again even if it was read a moment ago' },
      json,
    },
  },
  ls: {
    usage: 'ls [--json]',
    summary: 'List every job: active ones in queue order, then the history, newest first. (`list` works too.)',
    positionals: 0,
    options: { json },
  },
  cancel: {
    usage: 'cancel ID | --all [--json]',
    summary: 'Cancel a job, or everything queued, paused or running; partial files are deleted.',
    positionals: 1,
    options: { all: { type: 'boolean', help: 'cancel every queued, paused or running job' }, json },
  },
  pause: { usage: 'pause ID [--json]', summary: 'Pause a job; its partial file is kept for resume.', positionals: 1, options: { json } },
  resume: { usage: 'resume ID [--json]', summary: 'Resume a paused job from its partial file.', positionals: 1, options: { json } },
  retry: { usage: 'retry ID [--json]', summary: 'Queue a failed or cancelled job again.', positionals: 1, options: { json } },
  'stop-recording': {
    usage: 'stop-recording ID [--json]',
    summary: 'End the recording of a live stream and keep what was recorded: the job completes with the file (cancel throws it away).',
    positionals: 1,
    options: { json },
  },
  top: { usage: 'top ID [--json]', summary: 'Move a queued job to the front of the queue.', positionals: 1, options: { json } },
  rm: {
    usage: 'rm ID [--delete-file] [--json]',
    summary: 'Remove a finished job from the history.',
    positionals: 1,
    options: { 'delete-file': { type: 'boolean', help: 'delete its downloaded file too' }, json },
  },
  clear: { usage: 'clear [--json]', summary: 'Remove every finished job from the history (files stay).', positionals: 0, options: { json } },
  settings: {
    usage: 'settings [KEY [VALUE]] [--json]',
    summary:
      'Show the settings, one of them, or change one: downloadDir, concurrency (1–16), defaultPreset (best, 1080p, 720p, audio), historyRetentionDays (0 keeps forever), idleExitSeconds (0 never), probeCacheMinutes (0 keeps nothing), probeTimeoutSeconds (1–300).',
    positionals: 2,
    options: { json },
  },
  daemon: {
    usage: 'daemon [--foreground]',
    summary: 'Start the daemon in the background (it starts by itself when needed).',
    positionals: 0,
    options: {
      foreground: { type: 'boolean', help: 'run it in this terminal instead, logging to stderr' },
      'no-stderr-log': { type: 'boolean', help: 'log to the log file only', hidden: true },
    },
  },
  stop: { usage: 'stop', summary: 'Stop the daemon; running downloads resume at its next start.', positionals: 0, options: {} },
  tools: {
    usage: 'tools [update [--channel stable|nightly] | use-system] [--json]',
    summary:
      'Show the tools VidQueue runs (yt-dlp, its JavaScript runtime, ffmpeg, aria2c): which copy, version, age. `tools update` fetches the newest yt-dlp now (VidQueue keeps its own copy, checked once a day); `tools use-system` goes back to the yt-dlp on PATH.',
    positionals: 1,
    options: {
      channel: { type: 'string', value: 'C', help: 'with update: stable (default) or nightly; the channel is kept for the daily checks' },
      json,
    },
  },
  install: {
    usage: 'install [--extension-id ID]... [--dev] [--browser B]... [--user-data-dir DIR] [--system] [--as-root] [--json]',
    summary:
      'Register VidQueue with your browsers: a launcher and a native-messaging manifest for each (and registry keys on Windows). Chromium-family browsers let in only the extensions the manifest names: give the id chrome://extensions shows for VidQueue with --extension-id. Firefox needs nothing more.',
    positionals: 0,
    options: installOptions,
  },
  uninstall: {
    usage: 'uninstall [--browser B]... [--user-data-dir DIR] [--system] [--as-root] [--json]',
    summary: "Remove what `install` wrote: the manifests (only VidQueue's), the registry keys and the launcher.",
    positionals: 0,
    options: {
      ...installOptions,
      'extension-id': { ...installOptions['extension-id'], hidden: true },
      dev: { ...installOptions.dev, hidden: true },
    },
  },
  doctor: {
    usage: 'doctor [--extension-id ID]... [--dev] [--json]',
    summary: 'Check everything VidQueue needs; each problem comes with the command that fixes it (exit 7 when something must be fixed).',
    positionals: 0,
    options: {
      'extension-id': { type: 'string', multiple: true, value: 'ID', help: 'check that the browsers allow this extension id; repeatable' },
      dev: { type: 'boolean', help: 'you use the development build: check that it is allowed, and do not warn that it is' },
      json,
    },
  },
  host: {
    usage: 'host',
    summary: 'The native-messaging host the browser starts (frames on stdin and stdout); not for typing. Browsers pass arguments of their own: ignored.',
    positionals: 0,
    options: {},
  },
  help: { usage: 'help [COMMAND]', summary: 'Show the commands, or what one command takes (`vidqueue COMMAND --help` too).', positionals: 1, options: {} },
  version: { usage: 'version', summary: 'Print the version of VidQueue.', positionals: 0, options: {} },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;
const ALIASES: Record<string, CommandName> = { list: 'ls' };

/** The command a name means (`list` is `ls`), or null. */
export function commandNamed(name: string): CommandName | null {
  if (Object.hasOwn(COMMANDS, name)) return name as CommandName;
  return ALIASES[name] ?? null;
}

/** `--help` or `-h` among the flags (not after `--`, where it would be an argument). */
export function asksForHelp(args: string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/** What `vidqueue COMMAND --help` prints: usage, what it does, and its options. */
export function commandHelp(name: CommandName): string {
  const spec: CommandSpec = COMMANDS[name];
  const rows: [string, string][] = Object.entries(spec.options)
    .filter(([, o]) => !o.hidden)
    .map(([flag, o]) => [`--${flag}${o.value ? ` ${o.value}` : ''}${o.multiple ? '...' : ''}`, o.help]);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([f]) => f.length));
  return [`Usage: vidqueue ${spec.usage}`, '', spec.summary, '', 'Options:', ...rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`), ''].join('\n');
}

/** What `vidqueue help` prints: every command, one line each, and the exit codes. */
export function overview(): string {
  return [
    'vidqueue: download the videos you find while browsing',
    '',
    'Usage:',
    ...Object.values(COMMANDS).map((c) => `  vidqueue ${c.usage}`),
    '',
    'Run `vidqueue help COMMAND` (or `vidqueue COMMAND --help`) for what a command does and its options.',
    '',
    'Exit codes: 0 ok, 1 error, 2 usage, 3 refused by the daemon, 4 daemon unavailable,',
    '5 download failed, 6 job cancelled, 7 doctor found a problem, 130 interrupted (add --wait;',
    'the job was cancelled).',
    '',
  ].join('\n');
}
