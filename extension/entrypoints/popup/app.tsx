import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Job, Preset } from '../../../shared/job';
import type { Notice, ResultOf } from '../../../shared/protocol';
import type { EntrySelection, Group } from '../../../shared/group';
import type { ProbeResult } from '../../../shared/probe';
import { CurrentPage, type DownloadChoice, type PageInfo } from '../../components/current-page';
import { SettingsIcon } from '../../components/icons';
import type { ProbeState, Selection } from '../../components/video-card';
import { HostProblem } from '../../components/host-problem';
import { ToolsBanner } from '../../components/tools';
import { JobList } from '../../components/job-list';
import { Notices } from '../../components/notices';
import type { RowAction } from '../../components/job-row';
import type { HostStatus } from '../../lib/host-connection';
import { t } from '../../lib/i18n';
import { applyEvent, applyPage, emptyQueue, finishedCount, unfinishedCount } from '../../lib/queue-model';
import type { DownloadCandidate } from '../../lib/sources/candidates';
import type { PageVideosResult } from '../../lib/view-messages';
import type { LoginMode } from '../../lib/login';
import type { ViewClient } from '../../lib/view-port';

export interface PopupProps {
  client: ViewClient;
  /** Reads the current tab (its videos come from the background). */
  loadPage: () => Promise<PageInfo>;
  confirmAboveBytes: number;
  extensionId: string;
  /** Opens the options page (`runtime.openOptionsPage`). */
  openOptions?: () => void;
  listHeight?: number;
  /** "Use my browser login for downloads" and the sites allowed, as they change: a failed job may offer a retry with it. */
  loginPrefs?: { get(): Promise<LoginPrefs>; watch(fn: (prefs: LoginPrefs) => void): () => void };
  /**
   * The queue's first page, asked for before the popup first rendered (`firstJobsPage`):
   * already here (shown by the first render), or on its way.
   */
  firstPage?: JobsPage | Promise<JobsPage>;
}

export type LoginPrefs = { mode: LoginMode; sites: readonly string[] };

/** Entries of a playlist asked for at a time. */
const ENTRY_PAGE = 200;

/** The first page fills the view quickly; later pages, fetched while scrolling, are bigger. */
const FIRST_PAGE = 40;
const PAGE_SIZE = 200;

/**
 * Asks for the queue's first page at once: the popup's entry point calls it before anything
 * else (reading settings, the first render), so the answer is on its way meanwhile.
 */
export const firstJobsPage = (client: Pick<ViewClient, 'request'>) => client.request('jobs.list', { cursor: 0, limit: FIRST_PAGE });

type JobsPage = ResultOf['jobs.list'];
const isPromise = <T,>(x: T | Promise<T>): x is Promise<T> => typeof (x as { then?: unknown }).then === 'function';

export function PopupApp({ client, loadPage, confirmAboveBytes, extensionId, openOptions, listHeight = 380, loginPrefs, firstPage }: PopupProps) {
  const [login, setLogin] = useState<LoginPrefs | undefined>(undefined);
  useEffect(() => {
    if (!loginPrefs) return undefined;
    void loginPrefs.get().then(setLogin);
    return loginPrefs.watch(setLogin);
  }, [loginPrefs]);
  const [status, setStatus] = useState<HostStatus>({ state: 'connecting' });
  const [model, setModel] = useState(() => (firstPage && !isPromise(firstPage) ? applyPage(emptyQueue(), firstPage, true) : emptyQueue()));
  const [pending, setPending] = useState<Map<number, RowAction>>(new Map());
  const [page, setPage] = useState<PageInfo | null>(null);
  const [listing, setListing] = useState<PageVideosResult | null>(null);
  const [defaultPreset, setDefaultPreset] = useState<Preset>('best');
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [notices, setNotices] = useState<Notice[]>([]);
  const [groups, setGroups] = useState<ReadonlyMap<number, Group>>(new Map());
  const [probes, setProbes] = useState<Map<string, ProbeState>>(new Map());
  /** URLs probed or being probed: each once while the popup is open. */
  const probed = useRef(new Map<string, Promise<ProbeResult | null>>());
  const loading = useRef(false);
  /** Bumped by each fresh fetch: a page asked for before it is dropped, not merged. */
  const generation = useRef(0);

  const fail = (err: unknown) => setError(t('errorPrefix', err instanceof Error ? err.message : String(err)));
  /** The page asked for before the first render: used once, by the first fetch. */
  const prefetched = useRef(firstPage);

  const fetchFirstPage = useCallback(() => {
    const gen = ++generation.current;
    const given = prefetched.current;
    prefetched.current = undefined;
    // Shown by the first render already: nothing to ask.
    if (given === undefined || isPromise(given)) {
      loading.current = true;
      (given ?? firstJobsPage(client))
        .then((p) => gen === generation.current && setModel((m) => applyPage(m, p, true)))
        .catch(() => {})
        .finally(() => {
          if (gen === generation.current) loading.current = false;
        });
    }
    client
      .request('settings.get', {})
      .then((r) => setDefaultPreset(r.settings.defaultPreset))
      .catch(() => {});
  }, [client]);

  // The loaded jobs are always a prefix of the daemon's order (active first, then the newest
  // history), and events keep them so: their count is the offset of the next page.
  const loadMore = useCallback(() => {
    if (loading.current || model.order.length >= model.total) return;
    const gen = generation.current;
    loading.current = true;
    client
      .request('jobs.list', { cursor: model.order.length, limit: PAGE_SIZE })
      .then((p) => gen === generation.current && setModel((m) => applyPage(m, p, false)))
      .catch(fail)
      .finally(() => {
        if (gen === generation.current) loading.current = false;
      });
  }, [client, model.order.length, model.total]);

  useEffect(() => {
    // The first page is asked for below; fetch again only when a lost connection comes back.
    let previous: HostStatus['state'] | null = null;
    const offStatus = client.onStatus((s) => {
      setStatus(s);
      if (s.state === 'connected' && previous !== null && previous !== 'connected') fetchFirstPage();
      previous = s.state;
    });
    const offEvent = client.onEvent((e) => {
      if (e.event === 'daemon.reconnected') {
        fetchFirstPage();
        void fetchGroups();
      } else if (e.event === 'group.updated') setGroups((g) => new Map(g).set(e.data.group.id, e.data.group));
      else setModel((m) => applyEvent(m, e));
    });
    // Playlist groups' aggregates (the newest; a group not among them counts its loaded entries).
    const fetchGroups = () =>
      client
        .request('groups.list', { limit: 100 })
        .then((p) => setGroups(new Map((p?.groups ?? []).map((g) => [g.id, g]))))
        .catch(() => {});
    void fetchGroups();
    const offNotices = client.onNotices(setNotices);
    fetchFirstPage();
    // The tab's videos, every frame's; asked again whenever a frame reports a change.
    let shown: PageInfo | null = null;
    let asking = false;
    let again = false;
    let first = true;
    const listVideos = () => {
      const p = shown;
      if (!p || p.tabId === null) return;
      if (asking) {
        again = true;
        return;
      }
      asking = true;
      // Only the first look asks the frames to report again; later ones follow their changes.
      const refresh = first;
      first = false;
      client
        .pageVideos({ tabId: p.tabId, pageUrl: p.url, pageTitle: p.title, refresh })
        .then(setListing, () => {})
        .finally(() => {
          asking = false;
          if (again) {
            again = false;
            listVideos();
          }
        });
    };
    const offVideos = client.onPageVideosChanged((tabId) => tabId === shown?.tabId && listVideos());
    loadPage()
      .then((p) => {
        shown = p;
        setPage(p);
        if (p.tabId === null) setListing({ videos: [], others: [], page: null });
        // The page's own address is probed first: where yt-dlp knows the site, the background
        // then offers the page URL first for its videos, so the list is asked for again.
        if (p.url && /^https?:/i.test(p.url)) {
          void probe({ url: p.url, pageUrl: null, referer: null }).then((r) => {
            if (r && !r.generic) listVideos();
          });
        }
        listVideos();
      })
      .catch(() => {
        setPage({ tabId: null, url: null, title: null });
        setListing({ videos: [], others: [], page: null });
      });
    return () => {
      offStatus();
      offEvent();
      offNotices();
      offVideos();
    };
  }, [client]);

  /**
   * What a URL offers, asked of the daemon through the background (which sends the popup's
   * probes a few at once, each in its own slot, and cancels them when the popup closes). Each URL once.
   */
  const probe = useCallback(
    (c: Pick<DownloadCandidate, 'url' | 'pageUrl' | 'referer'>) => {
      const known = probed.current.get(c.url);
      if (known !== undefined) return known;
      const set = (state: ProbeState) => setProbes((m) => new Map(m).set(c.url, state));
      set({ state: 'pending' });
      const asked: Promise<ProbeResult | null> = client.request('probe', { url: c.url, pageUrl: c.pageUrl, referer: c.referer, limit: ENTRY_PAGE }).then(
        (result) => {
          set({ state: 'ready', probe: result });
          return result;
        },
        (err: unknown) => {
          set({ state: 'failed', message: err instanceof Error ? err.message : String(err) });
          return null;
        },
      );
      probed.current.set(c.url, asked);
      return asked;
    },
    [client],
  );
  const loadEntries = (c: DownloadCandidate, cursor: number) =>
    client.request('probe', { url: c.url, pageUrl: c.pageUrl, referer: c.referer, cursor, limit: ENTRY_PAGE });

  const onAction = useCallback(
    (job: Job, action: RowAction) => {
      setError(null);
      setPending((p) => new Map(p).set(job.id, action));
      const done = () =>
        setPending((p) => {
          const next = new Map(p);
          next.delete(job.id);
          return next;
        });
      const requests: Record<RowAction, () => Promise<unknown>> = {
        cancel: () => client.request('jobs.cancel', { jobId: job.id }),
        pause: () => client.request('jobs.pause', { jobId: job.id }),
        resume: () => client.request('jobs.resume', { jobId: job.id }),
        retry: () => client.request('jobs.retry', { jobId: job.id }),
        'retry-login': () => client.retryWithLogin(job.id),
        stop: () => client.request('jobs.stopRecording', { jobId: job.id }),
        remove: () => client.request('jobs.remove', { jobId: job.id }),
        open: () => client.request('jobs.open', { jobId: job.id }),
        reveal: () => client.request('jobs.open', { jobId: job.id, reveal: true }),
      };
      requests[action]().catch(fail).finally(done);
    },
    [client],
  );

  const add = (choice: DownloadChoice, selection: Selection) =>
    client.download({
      pageUrl: page?.url ?? null,
      pageTitle: page?.title ?? null,
      tabId: page?.tabId ?? null,
      url: choice.url,
      ...(choice.videoKey === undefined ? {} : { frameId: choice.frameId ?? 0, videoKey: choice.videoKey }),
      ...selection,
    });
  const busyWhile = (work: Promise<unknown>) => {
    setError(null);
    setAdding(true);
    work.catch(fail).finally(() => setAdding(false));
  };
  const download = (choice: DownloadChoice, selection: Selection) => busyWhile(add(choice, selection));
  /** One job a video, in the page's order. */
  const downloadAll = (items: { choice: DownloadChoice; selection: Selection }[]) =>
    busyWhile(items.reduce<Promise<unknown>>((done, i) => done.then(() => add(i.choice, i.selection).catch(fail)), Promise.resolve()));
  /** A playlist's entries, each its own job, in one group. */
  const addPlaylist = (c: DownloadCandidate, entries: EntrySelection, preset: Preset) =>
    busyWhile(client.request('jobs.addPlaylist', { url: c.url, pageUrl: c.pageUrl, referer: c.referer, entries, preset }));

  const unfinished = unfinishedCount(model);
  const finished = finishedCount(model);
  return (
    <main class="popup">
      <header class="popup-head">
        <img class="logo" src="/icon/32.png" alt="" width="20" height="20" />
        <h1>{t('popupTitle')}</h1>
        {status.state === 'connecting' && <span class="connecting">{t('hostConnecting')}</span>}
        {openOptions && (
          <button type="button" class="icon settings" title={t('openSettings')} aria-label={t('openSettings')} onClick={openOptions}>
            <SettingsIcon />
          </button>
        )}
      </header>
      <Notices
        notices={notices}
        onDismiss={(id) => {
          setNotices((list) => list.filter((n) => n.id !== id));
          client.dismissNotice(id).catch(fail);
        }}
      />
      <HostProblem status={status} extensionId={extensionId} onRetry={() => client.retryHost()} loadReport={() => client.doctor()} />
      <ToolsBanner client={client} />
      <CurrentPage
        page={page}
        listing={listing}
        probes={probes}
        probe={probe}
        loadEntries={loadEntries}
        defaultPreset={defaultPreset}
        busy={adding || status.state === 'problem'}
        onDownload={download}
        onDownloadAll={downloadAll}
        onAddPlaylist={addPlaylist}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <section class="queue" aria-labelledby="queue-title">
        <div class="queue-head">
          <h2 id="queue-title">{t('queue')}</h2>
          <div class="queue-actions">
            {unfinished > 0 && (
              <button type="button" class="danger" onClick={() => client.request('jobs.cancelAll', {}).catch(fail)}>
                {t('cancelAll')}
              </button>
            )}
            {finished > 0 && (
              <button type="button" onClick={() => client.request('jobs.clear', {}).catch(fail)}>
                {t('clearFinished')}
              </button>
            )}
          </div>
        </div>
        <JobList
          jobs={model.jobs}
          order={model.order}
          pending={pending}
          confirmAbove={confirmAboveBytes}
          onAction={onAction}
          login={login}
          groups={groups}
          onGroupAction={(groupId, action) => {
            setError(null);
            const type = ({ cancel: 'groups.cancel', pause: 'groups.pause', retryFailed: 'groups.retryFailed' } as const)[action];
            client.request(type, { groupId }).catch(fail);
          }}
          hasMore={model.order.length > 0 && model.order.length < model.total}
          onLoadMore={loadMore}
          height={listHeight}
        />
      </section>
    </main>
  );
}
