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
  // downloads
  'YTDLP_MISSING',
  'FFMPEG_MISSING',
  'DOWNLOAD_FAILED',
  'UNSUPPORTED_URL',
  'OUTPUT_FAILED',
  'INTERRUPTED',
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
}

/** An error that crosses the wire as-is: its code and message reach the user. */
export class VidQueueError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'VidQueueError';
    this.code = code;
    if (field !== undefined) this.field = field;
  }
  toJSON(): ProtocolError {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}
