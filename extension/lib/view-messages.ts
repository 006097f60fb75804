/**
 * The messages between the views (popup, options, content scripts) and the background,
 * over runtime ports. The background validates everything a view sends.
 */
import * as v from 'valibot';
import { ChoiceSchema } from '../../shared/choice';
import { MAX_MESSAGE_DEPTH, MAX_MESSAGE_NODES, findShapeProblem } from '../../shared/envelope';
import type { ProtocolError } from '../../shared/errors';
import { type JobStatus, PRESETS } from '../../shared/job';
import { type Event, type Notice, issueError } from '../../shared/protocol';
import { checkDownloadUrl } from '../../shared/url';
import type { DownloadCandidate } from './sources/candidates';
import type { HostStatus } from './host-connection';

export { VIEW_PORT } from './view-port-name';

const Id = v.pipe(v.number(), v.integer());
const Text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const HttpUrl = v.pipe(
  Text(8192),
  v.check((u) => checkDownloadUrl(u).ok, 'must be an http(s) URL'),
);
const Size = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(100_000));

/** A stream or file found for a video (see `Source` in sources/attribute). */
const SourceSchema = v.strictObject({
  url: HttpUrl,
  kind: v.picklist(['file', 'hls', 'dash']),
  live: v.boolean(),
  height: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000))),
  parts: v.pipe(v.array(Text(8192)), v.maxLength(60)),
});

/** A media element of a frame, as its content script found it. */
const ReportedVideoSchema = v.strictObject({
  /** Stable for the element's life in its frame. */
  key: Text(40),
  media: v.picklist(['video', 'audio']),
  /** Its own label (title, aria-label, caption, heading), null when it has none. */
  label: v.nullable(Text(300)),
  /** What it plays now (`currentSrc`, maybe `blob:`): to recognise a right-clicked video. */
  src: Text(8192),
  width: Size,
  height: Size,
  /** Best first; empty when nothing is known yet (a player that loads on first play). */
  sources: v.pipe(v.array(SourceSchema), v.maxLength(10)),
  /** A script feeds it (`blob:`, or no source yet): the frame's network requests may be its. */
  fed: v.boolean(),
  /** Its poster image (http or https), the job's thumbnail; absent from older content scripts. */
  poster: v.optional(v.nullable(Text(8192))),
});
export type ReportedVideo = v.InferOutput<typeof ReportedVideoSchema>;

/** What a frame's content script reports: its videos, and streams it could match with none. */
const FrameReportSchema = v.strictObject({
  videos: v.pipe(v.array(ReportedVideoSchema), v.maxLength(50)),
  others: v.pipe(v.array(SourceSchema), v.maxLength(20)),
});
export type FrameReport = v.InferOutput<typeof FrameReportSchema>;

/**
 * A video a view wants downloaded; the background picks the URL. From the popup: a video
 * it listed (`frameId`, `videoKey`) or the page itself, with the tab's page. From a
 * content script: the `video` as it is now; its page and frame come from the browser.
 */
const DownloadTargetSchema = v.strictObject({
  pageUrl: v.optional(v.nullable(Text(8192))),
  pageTitle: v.optional(v.nullable(Text(1000))),
  /** A direct video source (a right-clicked or scripted video). */
  videoSrc: v.optional(v.nullable(Text(8192))),
  frameId: v.optional(v.nullable(Id)),
  videoKey: v.optional(Text(40)),
  video: v.optional(ReportedVideoSchema),
  /** A URL the user picked among the candidates. */
  url: v.optional(Text(8192)),
  preset: v.optional(v.picklist(PRESETS)),
  /** Instead of a preset: an exact choice the popup made from a probe of `url`. */
  choice: v.optional(ChoiceSchema),
  tabId: v.optional(v.nullable(Id)),
});
export type DownloadTarget = v.InferOutput<typeof DownloadTargetSchema>;

const ViewRequestSchema = v.variant('kind', [
  v.strictObject({ kind: v.literal('request'), id: Id, type: v.string(), params: v.unknown() }),
  v.strictObject({ kind: v.literal('download'), id: Id, target: DownloadTargetSchema }),
  /** The popup: the videos of a tab, every frame's. */
  v.strictObject({
    kind: v.literal('page-videos'),
    id: Id,
    tabId: Id,
    pageUrl: v.nullable(Text(8192)),
    pageTitle: v.nullable(Text(1000)),
    /** Ask the tab's frames to report again first (the popup opening, not a change it heard of). */
    refresh: v.optional(v.boolean()),
  }),
  /** A content script: the videos of its frame, whenever they change. */
  v.strictObject({ kind: v.literal('report-videos'), report: FrameReportSchema }),
  v.strictObject({ kind: v.literal('retry-host') }),
  v.strictObject({ kind: v.literal('doctor'), id: Id }),
  /** "Retry with my login for <site>" (the popup asked first under "Ask for each site"): the site is allowed from now on. */
  v.strictObject({ kind: v.literal('retry-with-login'), id: Id, jobId: Id }),
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
  | { kind: 'page-job'; job: PageJob }
  /** To extension pages: the videos found in a tab changed (ask again with `page-videos`). */
  | { kind: 'page-videos-changed'; tabId: number };

/** A video of the tab, as the popup lists it. */
export interface ListedVideo {
  frameId: number;
  key: string;
  media: 'video' | 'audio';
  /** Its own label, or null (the popup says "Video 2"). */
  label: string | null;
  /** The job's title: its label, else the page's title (numbered when the page has several). */
  title: string | null;
  /** Its poster image (http or https), or null. */
  poster: string | null;
  /** Best first; empty: nothing known yet (a player that loads on first play). */
  candidates: DownloadCandidate[];
}

export interface PageVideosResult {
  videos: ListedVideo[];
  /** Streams and files the tab loaded that no video could be matched with. */
  others: DownloadCandidate[];
  /** The page's own address (yt-dlp reads the page), when it is http(s). */
  page: DownloadCandidate | null;
}
