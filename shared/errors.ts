/** Every error code a reply or a job can carry. Stable: clients switch on them. */
export const ERROR_CODES = [
  // framing and messages
  'INVALID_JSON',
  'FRAME_TOO_LARGE',
  'INVALID_MESSAGE',
  'UNKNOWN_TYPE',
  'PROTOCOL_MISMATCH',
  // requests
  'INVALID_URL',
  'URL_TOO_LONG',
  'INVALID_SETTING',
  'NOT_FOUND',
  'INVALID_TRANSITION',
  'FILE_NOT_DELETED',
  // downloads: what went wrong, in terms a person can act on
  'YTDLP_MISSING',
  'FFMPEG_MISSING',
  'DOWNLOAD_FAILED',
  'UNSUPPORTED_URL',
  'NETWORK',
  'HTTP_403',
  'HTTP_404',
  'GEO_BLOCKED',
  'LOGIN_REQUIRED',
  'DISK_FULL',
  'UNSAFE_FILE_TYPE',
  // managed tools
  'TOOLS_UPDATE_FAILED',
  'OUTPUT_FAILED',
  'INTERRUPTED',
  // probes (what a URL offers, asked before downloading)
  'PROBE_TIMEOUT',
  'PROBE_CANCELLED',
  'NOT_A_PLAYLIST',
  // transport
  'DAEMON_UNAVAILABLE',
  'DAEMON_STOPPING',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ProtocolError {
  code: ErrorCode;
  message: string;
  /** The request field that was refused, when one was. */
  field?: string;
  /** Raw text behind the message (a tool's own error output), when there is any. */
  detail?: string;
}

/** An error that crosses the wire as-is: its code and message reach the user. */
export class VidQueueError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly detail?: string;
  constructor(code: ErrorCode, message: string, field?: string, detail?: string) {
    super(message);
    this.name = 'VidQueueError';
    this.code = code;
    if (field !== undefined) this.field = field;
    if (detail !== undefined) this.detail = detail;
  }
  toJSON(): ProtocolError {
    const out: ProtocolError = { code: this.code, message: this.message };
    if (this.field !== undefined) out.field = this.field;
    if (this.detail !== undefined) out.detail = this.detail;
    return out;
  }
}
