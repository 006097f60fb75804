/**
 * The messages between the views (popup, options, content scripts) and the background,
 * over runtime ports. The background validates everything a view sends.
 */
import * as v from 'valibot';
import { MAX_MESSAGE_DEPTH, MAX_MESSAGE_NODES, findShapeProblem } from '../../shared/envelope';
import type { ProtocolError } from '../../shared/errors';
import { type JobStatus, PRESETS } from '../../shared/job';
import { type Event, type Notice, issueError } from '../../shared/protocol';
import type { MediaRequest } from './media-requests';
import type { DownloadCandidate } from './video-url';
import type { HostStatus } from './host-connection';

export { VIEW_PORT } from './view-port-name';

const Id = v.pipe(v.number(), v.integer());

/** A video a view wants downloaded; the background picks the URL (it knows the tab's media requests). */
const DownloadTargetSchema = v.strictObject({
  pageUrl: v.nullable(v.pipe(v.string(), v.maxLength(8192))),
  pageTitle: v.nullable(v.pipe(v.string(), v.maxLength(1000))),
  videoSrc: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(8192)))),
  /** A URL the user picked among the candidates. */
  url: v.optional(v.pipe(v.string(), v.maxLength(8192))),
  preset: v.optional(v.picklist(PRESETS)),
  tabId: v.optional(v.nullable(Id)),
});
export type DownloadTarget = v.InferOutput<typeof DownloadTargetSchema>;

const ViewRequestSchema = v.variant('kind', [
  v.strictObject({ kind: v.literal('request'), id: Id, type: v.string(), params: v.unknown() }),
  v.strictObject({ kind: v.literal('download'), id: Id, target: DownloadTargetSchema }),
  v.strictObject({ kind: v.literal('candidates'), id: Id, target: DownloadTargetSchema }),
  v.strictObject({ kind: v.literal('retry-host') }),
  v.strictObject({ kind: v.literal('doctor'), id: Id }),
  /** The user dismissed a notice: no view shows it again. */
  v.strictObject({ kind: v.literal('dismiss-notice'), id: Id, noticeId: Id }),
]);
export type ViewRequest = v.InferOutput<typeof ViewRequestSchema>;

export type ViewRequestCheck = { ok: true; request: ViewRequest } | { ok: false; id: number | null; error: ProtocolError };

/**
 * Checks what a view sent. Its depth and size are bounded first, by an iterative walk,
 * so the schema (and the quoting of a refused value) only ever sees a small message.
 * The error names the field; the id is recovered when there is one, so it can be answered.
 */
export function checkViewRequest(raw: unknown): ViewRequestCheck {
  const rawId = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as { id?: unknown }).id : undefined;
  const id = typeof rawId === 'number' && Number.isSafeInteger(rawId) ? rawId : null;
  const shape = findShapeProblem(raw);
  if (shape) {
    const field = shape.path ? `message.${shape.path}` : 'message';
    const message =
      shape.reason === 'depth'
        ? `Invalid \`${field}\`: nested more than ${MAX_MESSAGE_DEPTH} levels deep (arrays or objects inside each other); no message needs that`
        : `Invalid message: it holds more than ${MAX_MESSAGE_NODES} values; no message needs that`;
    return { ok: false, id, error: { code: 'INVALID_MESSAGE', message, field } };
  }
  const parsed = v.safeParse(ViewRequestSchema, raw);
  if (!parsed.success) return { ok: false, id, error: issueError('INVALID_MESSAGE', parsed.issues, 'message') };
  return { ok: true, request: parsed.output };
}

/**
 * What a content script hears of a job it started (and all it hears): what its button
 * shows. Replies to its download, retry, cancel and get are `{job: PageJob}`.
 */
export interface PageJob {
  id: number;
  status: JobStatus;
  /** Whole percent, null when unknown. */
  percent: number | null;
}

export type ViewMessage =
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; error: ProtocolError }
  /** To extension pages only. */
  | { kind: 'status'; status: HostStatus }
  | { kind: 'event'; event: Event }
  /** To extension pages only: the daemon's notices not dismissed yet. */
  | { kind: 'notices'; notices: Notice[] }
  /** To a content script: a job it started changed. */
  | { kind: 'page-job'; job: PageJob };

export type CandidatesResult = { candidates: DownloadCandidate[]; mediaRequests: MediaRequest[] };
