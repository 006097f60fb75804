/**
 * The messages between the extension, the CLI and the daemon: one definition,
 * validated at run time on every boundary.
 *
 *  request  {id, type, params?}          client → daemon, answered once
 *  reply    {id, ok: true, result}       daemon → client
 *           {id, ok: false, error}
 *  event    {event, data}                daemon → every subscribed client, unasked
 */
import * as v from 'valibot';
import type { DoctorReport } from './doctor';
import { ChoiceSchema } from './choice';
import { CookiesSchema, SECRET_FIELDS } from './cookies';
import type { ToolsReport } from './tools';
import { checkEnvelope } from './envelope';
import { type ErrorCode, type ProtocolError, VidQueueError } from './errors';
import { EntrySelectionSchema, type Group } from './group';
import { type Job, PRESETS } from './job';
import type { ProbeResult } from './probe';
import { quote } from './quote';
import { type Settings, SettingsPatchSchema } from './settings';
import { MAX_URL_LENGTH, checkDownloadUrl } from './url';

import { MAX_PAGE_SIZE, MAX_TITLE_LENGTH } from './limits';

export * from './limits';

const JobId = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER));
const HttpUrl = v.pipe(
  v.string(),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const check = checkDownloadUrl(dataset.value);
    if (!check.ok) addIssue({ message: check.reason });
  }),
  v.transform((s) => new URL(s).href),
);
/** Which of a client's probes: a short name of the client's own making. */
const ProbeSlot = v.pipe(v.string(), v.regex(/^[A-Za-z0-9._:-]{1,64}$/, 'a probe slot is 1 to 64 letters, digits or . _ : -'));
const JobRef = v.strictObject({ jobId: JobId });
const GroupRef = v.strictObject({ groupId: JobId });
const PageParams = {
  /** Offset into the list, from a previous reply's `nextCursor`. */
  cursor: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_PAGE_SIZE))),
};
/** A job's format comes from a preset (a shortcut) or from an exact choice made from a probe, not both. */
const presetOrChoice = <T extends { preset?: unknown; choice?: unknown }>() =>
  v.check<T, string>((p) => p.preset === undefined || p.choice === undefined, 'give `preset` or `choice`, not both');

/** Parameters of each request type. */
const RequestParams = {
  hello: v.strictObject({
    protocolVersion: v.pipe(v.number(), v.integer()),
    client: v.optional(v.pipe(v.string(), v.maxLength(200))),
  }),
  subscribe: v.strictObject({}),
  'jobs.add': v.pipe(
    v.strictObject({
      url: HttpUrl,
      /** The tab's page. */
      pageUrl: v.optional(v.nullable(HttpUrl)),
      /** The frame the video plays in, sent as Referer, when it is not the page itself. */
      referer: v.optional(v.nullable(HttpUrl)),
      title: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(MAX_TITLE_LENGTH)))),
      /** An image of the video (a probe's thumbnail, a `<video>`'s poster), shown on its row: http(s) only. */
      thumbnail: v.optional(v.nullable(HttpUrl)),
      preset: v.optional(v.picklist(PRESETS)),
      /** Instead of a preset: an exact choice made from a probe of `url`. */
      choice: v.optional(ChoiceSchema),
      /** The browser's cookies for the hosts of this download ("Use my browser login"); kept in memory only. */
      cookies: v.optional(CookiesSchema),
    }),
    presetOrChoice(),
  ),
  /**
   * Reads what `url` offers without downloading it: formats, sizes, subtitles, or a
   * playlist's entries (paged: `cursor`, `limit`). Remembered for `probeCacheMinutes` and
   * shared between clients; a newer probe from the same client in the same `slot`,
   * `probe.cancel`, or the client going away stops it. Probes in different slots run side
   * by side (a client serving several views names one slot a probe).
   */
  probe: v.strictObject({
    url: HttpUrl,
    pageUrl: v.optional(v.nullable(HttpUrl)),
    referer: v.optional(v.nullable(HttpUrl)),
    ...PageParams,
    /** Read it again even if it is remembered. */
    fresh: v.optional(v.boolean()),
    slot: v.optional(ProbeSlot),
  }),
  /** Stops this client's probe in `slot`, or all its probes (a popup closed, but its port stays open). */
  'probe.cancel': v.strictObject({ slot: v.optional(ProbeSlot) }),
  /**
   * Downloads entries of a playlist, each as its own job, in one new group: all, the
   * first N, or those ticked. Entries downloaded before (same site and video id) are
   * skipped unless `again`. Answers at once; the entries are added in the background
   * (`group.updated` events say how far).
   */
  'jobs.addPlaylist': v.pipe(
    v.strictObject({
      url: HttpUrl,
      pageUrl: v.optional(v.nullable(HttpUrl)),
      referer: v.optional(v.nullable(HttpUrl)),
      entries: EntrySelectionSchema,
      preset: v.optional(v.picklist(PRESETS)),
      choice: v.optional(ChoiceSchema),
      again: v.optional(v.boolean()),
    }),
    presetOrChoice(),
  ),
  'jobs.list': v.strictObject({
    ...PageParams,
    /** Only the jobs of this playlist group. */
    groupId: v.optional(JobId),
  }),
  'jobs.get': JobRef,
  'jobs.cancel': JobRef,
  'jobs.cancelAll': v.strictObject({}),
  'jobs.pause': JobRef,
  'jobs.resume': JobRef,
  /**
   * Queues a failed or cancelled job again. A job that failed before any byte came may be
   * given a new `url` (and `referer`): what a page button found once the player had loaded.
   */
  /** `cookies`: retry with the browser's login (kept in memory only, like `jobs.add`'s). */
  'jobs.retry': v.strictObject({ jobId: JobId, url: v.optional(HttpUrl), referer: v.optional(v.nullable(HttpUrl)), cookies: v.optional(CookiesSchema) }),
  /** Ends a recording of a live stream and keeps what was recorded (the job completes with it). */
  'jobs.stopRecording': JobRef,
  'jobs.moveToTop': JobRef,
  'jobs.remove': v.strictObject({ jobId: JobId, deleteFile: v.optional(v.boolean()) }),
  'jobs.clear': v.strictObject({}),
  /** Opens a completed job's file, or shows it in its folder (`reveal`), on the user's desktop. */
  'jobs.open': v.strictObject({ jobId: JobId, reveal: v.optional(v.boolean()) }),
  /** Playlist groups, newest first, each with its aggregate. */
  'groups.list': v.strictObject(PageParams),
  'groups.get': GroupRef,
  /** Cancels every unfinished job of the group, and stops adding its entries. */
  'groups.cancel': GroupRef,
  /** Pauses the group's queued and running jobs. */
  'groups.pause': GroupRef,
  'groups.resume': GroupRef,
  /** Queues the group's failed jobs again. */
  'groups.retryFailed': GroupRef,
  'settings.get': v.strictObject({}),
  'settings.set': v.strictObject({ settings: SettingsPatchSchema }),
  /** The tools VidQueue runs (yt-dlp, its JavaScript runtime, ffmpeg, aria2c): which copy, version, age. */
  'tools.status': v.strictObject({}),
  /** Fetches the newest yt-dlp of a channel now (VidQueue's managed copy), and keeps that channel. */
  'tools.update': v.strictObject({ channel: v.optional(v.picklist(['stable', 'nightly'])) }),
  /** Goes back to the yt-dlp on PATH (the managed copy stays, unused, and is not updated). */
  'tools.useSystem': v.strictObject({}),
  /** Notices the daemon has for the user (a damaged database was set aside…); each is handed out once. */
  'notices.take': v.strictObject({}),
  'daemon.stop': v.strictObject({}),
  /** The checks of `vidqueue doctor`. The bridge answers it itself, so it works when the daemon does not. */
  doctor: v.strictObject({}),
} as const;

export type RequestType = keyof typeof RequestParams;
const REQUEST_TYPES = Object.keys(RequestParams) as RequestType[];
export type ParamsOf<T extends RequestType> = v.InferInput<(typeof RequestParams)[T]>;
type ParsedParamsOf<T extends RequestType> = v.InferOutput<(typeof RequestParams)[T]>;

/** Something the user must be told once, by whichever client (CLI, browser) connects first. */
export interface Notice {
  id: number;
  code: string;
  message: string;
  createdAt: number;
}

export interface JobPage {
  jobs: Job[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: number | null;
  total: number;
}

export interface GroupPage {
  groups: Group[];
  nextCursor: number | null;
  total: number;
}

/** What a group action did: the group after it, and the jobs it changed (their new state arrives as events). */
export interface GroupActionResult {
  group: Group;
  jobIds: number[];
}

/** What each request type answers with. */
export interface ResultOf {
  hello: { protocolVersion: number; daemonVersion: string; pid: number };
  subscribe: Record<string, never>;
  'jobs.add': { job: Job };
  probe: ProbeResult;
  /** Whether a probe of this client was running (or waiting) and was stopped. */
  'probe.cancel': { cancelled: boolean };
  'jobs.addPlaylist': { group: Group };
  'jobs.list': JobPage;
  'jobs.get': { job: Job };
  'jobs.cancel': { job: Job };
  /** The ids of the jobs cancelled (their new state arrives as events). */
  'jobs.cancelAll': { jobIds: number[] };
  'jobs.pause': { job: Job };
  'jobs.resume': { job: Job };
  'jobs.retry': { job: Job };
  'jobs.stopRecording': { job: Job };
  'jobs.moveToTop': { job: Job };
  'jobs.remove': { jobId: number; fileDeleted: boolean };
  'jobs.clear': { jobIds: number[] };
  'jobs.open': { opened: string };
  'groups.list': GroupPage;
  'groups.get': { group: Group };
  'groups.cancel': GroupActionResult;
  'groups.pause': GroupActionResult;
  'groups.resume': GroupActionResult;
  'groups.retryFailed': GroupActionResult;
  'settings.get': { settings: Settings };
  'settings.set': { settings: Settings };
  'notices.take': { notices: Notice[] };
  'tools.status': ToolsReport;
  'tools.update': ToolsReport & { updated: boolean };
  'tools.useSystem': ToolsReport;
  'daemon.stop': Record<string, never>;
  doctor: DoctorReport;
}

type SuccessReply<T extends RequestType = RequestType> = { id: string | number; ok: true; result: ResultOf[T] };
export type ErrorReply = { id: string | number | null; ok: false; error: ProtocolError };
export type Reply<T extends RequestType = RequestType> = SuccessReply<T> | ErrorReply;

export interface EventData {
  /** A job was added or changed (status, progress, title…): the whole job. */
  'job.updated': { job: Job };
  /** Jobs left the history. */
  'jobs.removed': { jobIds: number[] };
  /** A playlist group changed (a job of it, its adding): the whole group with its aggregate. */
  'group.updated': { group: Group };
  /** Groups whose every job left the history. */
  'groups.removed': { groupIds: number[] };
  'settings.updated': { settings: Settings };
  /** The daemon is going away (stop, idle exit); the bridge reconnects when asked again. */
  'daemon.stopping': { reason: string };
  /** Sent by the bridge when it had to reconnect to a new daemon: views should fetch again. */
  'daemon.reconnected': Record<string, never>;
}
export type EventType = keyof EventData;
export type Event<E extends EventType = EventType> = { [K in E]: { event: K; data: EventData[K] } }[E];
export type Message = Reply | Event;

export type ParsedRequest = { [T in RequestType]: { id: string | number; type: T; params: ParsedParamsOf<T> } }[RequestType];

export type RequestCheck = { ok: true; request: ParsedRequest } | { ok: false; id: string | number | null; error: ProtocolError };

/**
 * Validates a decoded JSON value as a request; the error names the refused field and value.
 * The envelope check comes first and bounds the message's depth and size, so nothing after
 * it (valibot, quoting, logging) walks an unbounded value.
 */
export function parseRequest(input: unknown): RequestCheck {
  const env = checkEnvelope(input);
  if (!env.ok) return env;
  const { id, type } = env;
  if (!Object.hasOwn(RequestParams, type)) {
    return {
      ok: false,
      id,
      error: { code: 'UNKNOWN_TYPE', field: 'type', message: `Unknown message type ${quote(type)}; expected one of ${REQUEST_TYPES.join(', ')}` },
    };
  }
  const schema = RequestParams[type as RequestType];
  const params = v.safeParse(schema, env.params ?? {});
  if (!params.success) {
    return { ok: false, id, error: issueError(codeFor(type as RequestType, params.issues), params.issues, 'params') };
  }
  return { ok: true, request: { id, type, params: params.output } as ParsedRequest };
}

function codeFor(type: RequestType, issues: v.BaseIssue<unknown>[]): ErrorCode {
  const first = issues[0];
  const path = first ? v.getDotPath(first) : null;
  if (
    (type === 'jobs.add' || type === 'jobs.addPlaylist' || type === 'probe') &&
    (path === 'url' || path === 'pageUrl' || path === 'referer' || path === 'thumbnail')
  ) {
    return String(first?.input ?? '').length > MAX_URL_LENGTH ? 'URL_TOO_LONG' : 'INVALID_URL';
  }
  if (type === 'settings.set') return 'INVALID_SETTING';
  return 'INVALID_MESSAGE';
}

/** Turns valibot issues into one error that names the field, what was expected and the value given. */
export function issueError(code: ErrorCode, issues: v.BaseIssue<unknown>[], prefix: string): ProtocolError {
  const first = issues[0];
  if (!first) return { code, message: 'Invalid message' };
  const path = v.getDotPath(first);
  const field = path ? `${prefix}.${path}` : prefix;
  // A secret (a cookie) is named by its field, never repeated: errors reach logs and other screens.
  if (path && (SECRET_FIELDS as readonly string[]).includes(path.split('.')[0]!)) {
    const why = first.type === 'regex' || first.type === 'check' || first.type === 'starts_with' ? first.message : `expected ${first.expected ?? first.type}`;
    return { code, message: `Invalid \`${field}\`: ${why} (the value is not shown: it is a cookie)`, field };
  }
  const message =
    first.type === 'strict_object' && first.kind === 'schema' && first.expected === 'never'
      ? `Unexpected field \`${field}\` with value ${quote(first.input)}`
      : first.type === 'raw_check' || first.type === 'check'
        ? `Invalid \`${field}\`: ${first.message}`
        : first.type === 'regex'
          ? `Invalid \`${field}\`: ${first.message}, got ${quote(first.input)}`
          : `Invalid \`${field}\`: expected ${first.expected ?? first.type}, got ${quote(first.input)}`;
  return { code, message, field };
}

/** Builds the error reply for a thrown error; unknown errors become INTERNAL with their message. */
export function errorReply(id: string | number | null, err: unknown): ErrorReply {
  if (err instanceof VidQueueError) return { id, ok: false, error: err.toJSON() };
  const message = err instanceof Error ? err.message : String(err);
  return { id, ok: false, error: { code: 'INTERNAL', message } };
}
