import { type BigIntStats, constants, promises as fs } from 'node:fs';
import { basename } from 'node:path';
import type { DoctorReport } from '../../../shared/doctor';
import { VidQueueError } from '../../../shared/errors';
import { PROTOCOL_VERSION, type ParsedRequest, type ResultOf } from '../../../shared/protocol';
import type { Settings } from '../../../shared/settings';
import { openOnDesktop } from '../desktop/open';
import { assertSafeMediaName } from '../downloader/file-types';
import { ensureDir } from '../downloader/files';
import type { Queue } from '../queue/queue';
import { sizeForChoice } from '../probe/choice-size';
import { pageOf } from '../probe/reduce';
import type { ProbeService } from '../probe/service';
import { cleanTitle } from '../../../shared/title';
import { presetOf } from '../../../shared/choice';
import type { NoticeStore } from '../store/notices';
import type { ToolsService } from '../tools/service';
import type { SettingsStore } from '../store/settings';
import type { Connection } from './connection';

export interface HandlerContext {
  queue: Queue;
  probes: ProbeService;
  settings: SettingsStore;
  notices: NoticeStore;
  tools: ToolsService;
  version: string;
  settingsChanged(settings: Settings): void;
  stop(reason: string): void;
  doctor(): Promise<DoctorReport>;
}

type Handlers = {
  [T in ParsedRequest['type']]: (params: Extract<ParsedRequest, { type: T }>['params'], conn: Connection) => Promise<ResultOf[T]> | ResultOf[T];
};

/** What the daemon does for each request; requests arrive validated. */
export function createHandlers(ctx: HandlerContext): Handlers {
  const { queue, probes } = ctx;
  return {
    hello(p, conn) {
      if (p.protocolVersion !== PROTOCOL_VERSION) {
        throw new VidQueueError(
          'PROTOCOL_MISMATCH',
          `The client speaks protocol ${p.protocolVersion}, this daemon (VidQueue ${ctx.version}) speaks ${PROTOCOL_VERSION}: ` +
            'update the extension and the native host to the same version, then run `vidqueue stop`.',
          'params.protocolVersion',
        );
      }
      if (p.client) conn.client = p.client;
      return { protocolVersion: PROTOCOL_VERSION, daemonVersion: ctx.version, pid: process.pid };
    },
    subscribe(_p, conn) {
      conn.subscribed = true;
      return {};
    },
    'jobs.add': (p) => {
      const preset = p.choice ? presetOf(p.choice) : (p.preset ?? ctx.settings.get().defaultPreset);
      // Probed a moment ago (the popup did): the size it will be is known before any byte comes.
      const probed = probes.cached({ url: p.url, referer: p.referer ?? p.pageUrl ?? null });
      const expectedSize = probed && !probed.playlist ? sizeForChoice(probed, p.choice ? { choice: p.choice } : { preset }) : null;
      return {
        job: queue.add(
          {
            url: p.url,
            pageUrl: p.pageUrl ?? null,
            referer: p.referer ?? null,
            title: p.title ? cleanTitle(p.title) || null : null,
            // The client's (a page's poster, the card's), else the probe's; yt-dlp may tell one later.
            thumbnail: p.thumbnail ?? (probed && !probed.playlist ? probed.thumbnail : null),
            preset,
            choice: p.choice ?? null,
            expectedSize,
          },
          p.cookies,
        ),
      };
    },
    probe: async (p, conn) => {
      const key = { url: p.url, referer: p.referer ?? p.pageUrl ?? null };
      const full = await probes.probe(key, conn, { fresh: p.fresh ?? false, paging: (p.cursor ?? 0) > 0, ...(p.slot === undefined ? {} : { slot: p.slot }) });
      return pageOf(full, p.cursor, p.limit);
    },
    'probe.cancel': (p, conn) => ({ cancelled: probes.cancel(conn, p.slot) }),
    'jobs.addPlaylist': async (p) => {
      const referer = p.referer ?? null;
      const pageUrl = p.pageUrl ?? null;
      // Probed by whoever offered "Download all": this is normally answered from the cache.
      const full = await probes.probe({ url: p.url, referer: referer ?? pageUrl }, null);
      if (!full.playlist) {
        throw new VidQueueError('NOT_A_PLAYLIST', `${p.url} is one video, not a playlist: add it with jobs.add`, 'url');
      }
      const how = { preset: p.choice ? presetOf(p.choice) : (p.preset ?? ctx.settings.get().defaultPreset), choice: p.choice ?? null };
      const title = full.playlist.title ?? full.title;
      return { group: queue.addPlaylist({ url: p.url, pageUrl, referer, title }, full.playlist.entries, p.entries, how, p.again ?? false) };
    },
    'jobs.list': (p) => queue.list(p.cursor, p.limit, p.groupId),
    'jobs.get': (p) => ({ job: queue.get(p.jobId) }),
    'jobs.cancel': async (p) => ({ job: await queue.cancel(p.jobId) }),
    'jobs.cancelAll': async () => ({ jobIds: (await queue.cancelAll()).map((j) => j.id) }),
    'jobs.pause': async (p) => ({ job: await queue.pause(p.jobId) }),
    'jobs.resume': (p) => ({ job: queue.resume(p.jobId) }),
    'jobs.retry': (p) => ({ job: queue.retry(p.jobId, { url: p.url, referer: p.referer, cookies: p.cookies }) }),
    'jobs.stopRecording': async (p) => ({ job: await queue.stopRecording(p.jobId) }),
    'jobs.moveToTop': (p) => ({ job: queue.moveToTop(p.jobId) }),
    'jobs.remove': (p) => queue.remove(p.jobId, p.deleteFile ?? false),
    'jobs.clear': () => ({ jobIds: queue.clear() }),
    'jobs.open': async (p) => {
      const job = queue.fileOf(p.jobId);
      if (!p.reveal) await assertOpenable(job.id, job.filePath, job.fileIdentity);
      await openOnDesktop(job.filePath, p.reveal ?? false);
      return { opened: job.filePath };
    },
    'groups.list': (p) => queue.listGroups(p.cursor, p.limit),
    'groups.get': (p) => ({ group: queue.getGroup(p.groupId) }),
    'groups.cancel': (p) => queue.cancelGroup(p.groupId),
    'groups.pause': (p) => queue.pauseGroup(p.groupId),
    'groups.resume': (p) => queue.resumeGroup(p.groupId),
    'groups.retryFailed': (p) => queue.retryFailedInGroup(p.groupId),
    'settings.get': () => ({ settings: ctx.settings.get() }),
    'settings.set': async (p) => {
      if (p.settings.downloadDir !== undefined) await checkWritableFolder(p.settings.downloadDir);
      const settings = ctx.settings.set(p.settings);
      ctx.settingsChanged(settings);
      return { settings };
    },
    doctor: () => ctx.doctor(),
    'notices.take': () => ({ notices: ctx.notices.take() }),
    'tools.status': () => ctx.tools.status(),
    'tools.update': (p) => ctx.tools.update(p.channel),
    'tools.useSystem': () => ctx.tools.useSystem(),
    'daemon.stop': () => {
      setImmediate(() => ctx.stop('stop requested'));
      return {};
    },
  };
}

/** A download folder must exist (it is created) and be writable, or the setting is refused. */
async function checkWritableFolder(dir: string): Promise<void> {
  try {
    await ensureDir(dir);
    await fs.access(dir, constants.W_OK);
  } catch (err) {
    throw new VidQueueError(
      'INVALID_SETTING',
      `Invalid \`settings.downloadDir\`: \`${dir}\` cannot be used as the download folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      'settings.downloadDir',
    );
  }
}

/**
 * Only a media or subtitle file that is still the one the job downloaded is handed to the
 * desktop's opener: not a file that took its name since, not a link, not a `.desktop`.
 */
async function assertOpenable(jobId: number, file: string, identity: { ino: string; size: number } | null): Promise<void> {
  assertSafeMediaName(basename(file));
  let st: BigIntStats;
  try {
    st = await fs.lstat(file, { bigint: true });
  } catch {
    throw new VidQueueError('NOT_FOUND', `The file of job ${jobId} is no longer there: ${file}`, 'jobId');
  }
  if (!st.isFile() || (identity && (String(st.ino) !== identity.ino || Number(st.size) !== identity.size))) {
    throw new VidQueueError(
      'UNSAFE_FILE_TYPE',
      `${file} is no longer the file job ${jobId} downloaded (it was replaced or changed since); it was not opened`,
      'jobId',
    );
  }
}
