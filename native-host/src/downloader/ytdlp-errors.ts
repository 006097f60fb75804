/**
 * yt-dlp's error output, turned into what a person can act on: a code the UI can explain,
 * a sentence, and the raw text kept as detail. Pure: the caller reads stderr and the disk.
 */
import { formatBytes } from '../../../shared/format';
import type { ErrorCode } from '../../../shared/errors';
import type { JobError } from '../../../shared/job';

/**
 * One stderr line as a person would read it. yt-dlp writes `ERROR: \r[download] Got error: …`
 * (a carriage return to overwrite its progress line): every `\r` segment is kept.
 */
export function readableLine(raw: string): string {
  return raw
    .split('\r')
    .map((s) => s.trim())
    .filter(Boolean)
    .join(' ');
}

const BOILERPLATE = [
  /;?\s*please report this issue on\s+\S+.*?(?:using\s+yt-dlp\s+-U|$)/gis,
  /;?\s*Confirm you are on the latest version using\s+yt-dlp\s+-U/gi,
  /\s*\(?\s*To update,? use\s+(?:-U|yt-dlp -U)\s*\)?/gi,
];

/** yt-dlp's own text, without its "please report this issue" boilerplate. */
export function stripBoilerplate(text: string): string {
  let out = text;
  for (const re of BOILERPLATE) out = out.replace(re, '');
  return out.trim();
}

/** Marks aria2c's own reasons among the lines kept (`aria2cReason`). */
export const ARIA2C_PREFIX = 'aria2c: ';

// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are what this removes
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * aria2c's reason for a failure, from one line of its console log (on yt-dlp's stdout, where
 * yt-dlp leaves it: its own `ERROR: aria2c exited with code 9` says only the number):
 * `Exception: [AbstractDiskWriter.cc:453] errNum=28 errorCode=9 Failed to write into the file
 * …, cause: No space left on device` → `aria2c: errorCode=9 Failed to write … No space left
 * on device`. Lines that name only the URL, and every other line, give null.
 */
export function aria2cReason(line: string): string | null {
  const m = /^\s*(?:Exception:|->)\s*\[[\w.]+:\d+\]\s*(?:errNum=\d+\s+)?(errorCode=\d+\s+.*)$/.exec(line.replace(ANSI, ''));
  if (!m || /^errorCode=\d+\s+URI=\S+$/.test(m[1]!.trim())) return null;
  return `${ARIA2C_PREFIX}${m[1]!.trim()}`;
}

/**
 * The error text of a run: its `ERROR:` lines, else the last lines it printed. When aria2c
 * failed, its own reasons come first (the last few, each once): yt-dlp gives only its exit code.
 */
export function errorText(lines: string[]): string {
  const errors = lines.filter((l) => l.startsWith('ERROR:')).map((l) => l.slice(6).trim());
  const aria2c = errors.some((e) => ARIA2C_EXIT.test(e)) ? [...new Set(lines.filter((l) => l.startsWith(ARIA2C_PREFIX)))].slice(-4) : [];
  const others = lines.filter((l) => !l.startsWith(ARIA2C_PREFIX));
  return stripBoilerplate([...aria2c, ...(errors.length > 0 ? errors : others.slice(-5))].join('\n')).slice(0, 4000);
}

/** yt-dlp's line when aria2c failed. */
const ARIA2C_EXIT = /aria2c exited with code (\d+)/;

/**
 * aria2c's exit status (its manual's table), for when its text says no more: 2 timeout,
 * 3 resource not found, 6 network problem, 9 not enough disk space, 19 name resolution
 * failed, 22 bad HTTP response header, 24 HTTP authorization failed, 29 server overloaded.
 */
const ARIA2C_EXIT_CODES: Partial<Record<number, ErrorCode>> = {
  2: 'NETWORK',
  3: 'HTTP_404',
  6: 'NETWORK',
  9: 'DISK_FULL',
  19: 'NETWORK',
  22: 'NETWORK',
  24: 'HTTP_403',
  29: 'NETWORK',
};

export interface ErrorContext {
  exitCode: number | null;
  signal: string | null;
  /** Why ffmpeg was not found when the job started (a single-file format was asked for); null if it was. */
  ffmpegProblem: string | null;
  /** Where the files go, and what is free there now: named by a DISK_FULL error. */
  downloadDir: string;
  freeBytes: () => number | null;
}

type Rule = { code: ErrorCode; test: RegExp; message: (c: ErrorContext, text: string) => string };

const RULES: Rule[] = [
  {
    code: 'DISK_FULL',
    test: /No space left on device|\[Errno 28\]|ENOSPC|Disk quota exceeded|\[Errno 122\]/i,
    message: (c) => {
      const free = c.freeBytes();
      return `The disk is full (${free === null ? 'free space unknown' : `${formatBytes(free)} free`} on the disk of ${c.downloadDir}). Free some space, then Retry.`;
    },
  },
  {
    code: 'FFMPEG_MISSING',
    test: /ffmpeg (?:is )?not (?:found|installed)|ffprobe and ffmpeg not found|merging of multiple formats but ffmpeg/i,
    message: (c) => `This download needs ffmpeg (to merge video and audio, or to convert), and ${ffmpegSentence(c)}`,
  },
  {
    code: 'UNSUPPORTED_URL',
    test: /Unsupported URL/i,
    message: () => 'yt-dlp does not know how to download from this address. Try the video itself (right-click it), or the page of a supported site.',
  },
  {
    code: 'LOGIN_REQUIRED',
    test: /Sign in to confirm|login required|requires? (?:a )?(?:login|authentication|an account)|This video is private|members[- ]only|Use --cookies|--username|confirm your age|age[- ]restricted|inappropriate for some users|Private video/i,
    message: () => 'The site wants you to log in (or to confirm your age) before it gives this video.',
  },
  {
    code: 'GEO_BLOCKED',
    test: /not (?:be )?available (?:in|from) your (?:country|location|region)|geo[- ]?restrict|blocked (?:it )?in your country|geo-?blocked/i,
    message: () => 'The site does not offer this video where you are (it is blocked in your country).',
  },
  {
    code: 'HTTP_403',
    test: /HTTP Error 403|\b403:? Forbidden|status(?: code)?[ =]40[13]\b|Authorization failed/i,
    message: () => 'The site refused the download (HTTP 403). It may need your login, or the link has expired: open the page again, then Retry.',
  },
  {
    code: 'HTTP_404',
    test: /HTTP Error 404|\b404:? Not Found|status(?: code)?[ =]40[04]\b|errorCode=3 Resource not found/i,
    message: () => 'The site says this video is not there (HTTP 404): the link may have expired, or the video was removed.',
  },
  {
    code: 'NETWORK',
    test: /Got error|Connection (?:refused|reset|aborted)|timed out|Temporary failure in name resolution|Name or service not known|No route to host|Network is unreachable|urlopen error|IncompleteRead|giving up after|Remote end closed|Unable to download (?:webpage|video data|API page)|HTTP Error 5\d\d|status=5\d\d|SSL:|EOF occurred|Got EOF from the server|Failed to (?:receive|send) data/i,
    message: (_c, text) => {
      const http = text.match(/(?:HTTP Error |status=)(5\d\d)/i);
      return http
        ? `The site's server failed (HTTP ${http[1]}) and kept failing. Try again later.`
        : `The download kept failing on the network (the connection dropped or timed out) and ${ARIA2C_EXIT.test(text) ? 'aria2c' : 'yt-dlp'} gave up. Check your connection, then Retry.`;
    },
  },
];

/** A failed run, as a job error: the first rule that matches decides the code. */
export function classifyError(text: string, c: ErrorContext): JobError {
  const raw = text.trim();
  if (c.ffmpegProblem !== null && /Requested format is not available/i.test(raw)) {
    return {
      code: 'FFMPEG_MISSING',
      message: `This video has no format that is a single file (video and audio come apart, or only a video holds the audio): that needs ffmpeg, and ${ffmpegSentence(c)}`,
      detail: raw,
    };
  }
  for (const rule of RULES) if (rule.test.test(raw)) return withDetail({ code: rule.code, message: rule.message(c, raw) }, raw);
  const aria2c = ARIA2C_EXIT.exec(raw);
  if (aria2c) {
    const rule = RULES.find((r) => r.code === ARIA2C_EXIT_CODES[Number(aria2c[1])]);
    if (rule) return withDetail({ code: rule.code, message: rule.message(c, raw) }, raw);
    // Not one a person can act on (1: unknown): aria2c's own words, or its status.
    const said = raw
      .split('\n')
      .find((l) => l.startsWith(ARIA2C_PREFIX))
      ?.slice(ARIA2C_PREFIX.length);
    return withDetail(
      { code: 'DOWNLOAD_FAILED', message: `aria2c could not download this video: ${said?.replace(/\.$/, '') ?? `it gave up (its status ${aria2c[1]})`}.` },
      raw,
    );
  }
  if (!raw) {
    const how = c.signal ? `was stopped by ${c.signal}` : `exited with code ${c.exitCode}`;
    return { code: 'DOWNLOAD_FAILED', message: `yt-dlp ${how} without saying why.` };
  }
  const first = raw.split('\n')[0]!;
  return withDetail(
    { code: 'DOWNLOAD_FAILED', message: `yt-dlp could not download this video: ${first.length > 300 ? `${first.slice(0, 300)}…` : first}` },
    raw,
  );
}

function ffmpegSentence(c: ErrorContext): string {
  return c.ffmpegProblem ?? 'ffmpeg is not installed. Install it (sudo apt install ffmpeg, brew install ffmpeg), then Retry.';
}

function withDetail(e: JobError, raw: string): JobError {
  return raw ? { ...e, detail: raw } : e;
}
