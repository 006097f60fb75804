import { isFinished } from '../../../shared/job';
import type { JobPage } from '../../../shared/protocol';
import type { HostConnection } from '../host-connection';
import type { JobStatuses } from './job-statuses';

/** The part of `action` (MV3) or `browserAction` (Firefox's MV2) the badge uses. */
export interface BadgeApi {
  setBadgeText(details: { text: string }): Promise<void> | void;
  setBadgeBackgroundColor(details: { color: string }): Promise<void> | void;
}

export interface BadgeDeps {
  action?: BadgeApi;
  statuses: JobStatuses;
  host: Pick<HostConnection, 'request' | 'setBusy'>;
  /** Remembered for the browser session: a restarted background knows downloads were running. */
  hint: { getValue(): Promise<boolean>; setValue(value: boolean): Promise<void> };
}

/**
 * The badge shows how many downloads are active. While there are some, the host stays
 * connected (to hear them end) and a restarted background knows to look again.
 */
export function createBadge(d: BadgeDeps) {
  let shown: number | null = null;

  const refresh = () => {
    const active = d.statuses.activeCount();
    if (active === shown) return;
    shown = active;
    void d.action?.setBadgeText({ text: active > 0 ? String(active) : '' });
    d.host.setBusy(active > 0);
    void d.hint.setValue(active > 0);
  };

  /** The statuses of the unfinished jobs (they come first in the list). One sync at a time. */
  let syncing: Promise<void> | null = null;
  const sync = (): Promise<void> => (syncing ??= doSync().finally(() => (syncing = null)));
  const doSync = async () => {
    try {
      let cursor: number | null = 0;
      while (cursor !== null) {
        const page: JobPage = await d.host.request('jobs.list', { cursor, limit: 200 });
        d.statuses.learn(page.jobs);
        cursor = page.jobs.some((j) => isFinished(j.status)) ? null : page.nextCursor;
      }
      refresh();
    } catch {
      // The status broadcast already tells the views what went wrong.
    }
  };

  return {
    refresh,
    sync,
    /** At the background's start: the colour, and a look if downloads ran before a restart. */
    async start(): Promise<void> {
      void d.action?.setBadgeBackgroundColor({ color: '#2563eb' });
      if (await d.hint.getValue()) await sync();
    },
  };
}
