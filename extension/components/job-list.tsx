import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Group } from '../../shared/group';
import type { Job } from '../../shared/job';
import { listRows } from '../lib/group-rows';
import { t } from '../lib/i18n';
import type { LoginMode } from '../lib/login';
import { type GroupAction, GroupRow } from './group-row';
import { JobRow, type RowAction } from './job-row';

const ROW_HEIGHT = 76;
const OVERSCAN = 4;

interface Props {
  jobs: Map<number, Job>;
  order: number[];
  pending: Map<number, RowAction>;
  confirmAbove: number;
  login?: { mode: LoginMode; sites: readonly string[] } | undefined;
  onAction: (job: Job, action: RowAction) => void;
  hasMore: boolean;
  onLoadMore: () => void;
  height: number;
  /** Playlist groups' aggregates, by id (entries of a group show as one row until opened). */
  groups?: ReadonlyMap<number, Group>;
  onGroupAction?: (groupId: number, action: GroupAction) => void;
}

/**
 * The queue, virtualised: only the rows in view (and a few around) are in the DOM, so a
 * history of 10,000 jobs costs what 10 cost. Near the end, the next page is asked for.
 */
export function JobList({ jobs, order, pending, confirmAbove, onAction, hasMore, onLoadMore, height, login, groups, onGroupAction }: Props) {
  const [scrollTop, setScrollTop] = useState(0);
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const rows = useMemo(() => listRows(order, jobs, open), [order, jobs, open]);
  const toggle = useCallback((groupId: number) => {
    setOpen((now) => {
      const next = new Set(now);
      if (!next.delete(groupId)) next.add(groupId);
      return next;
    });
  }, []);
  const ref = useRef<HTMLUListElement>(null);
  // The list may have shrunk (cleared, removed) under a scrolled view: never start past its end.
  const top = Math.min(scrollTop, Math.max(0, rows.length * ROW_HEIGHT - height));
  const last = Math.min(rows.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
  const first = Math.min(last, Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN));
  useEffect(() => {
    if (hasMore && last >= rows.length - OVERSCAN) onLoadMore();
  }, [hasMore, last, rows.length]);
  const marked = useRef(false);
  useEffect(() => {
    // For `npm run bench`: when the popup first showed jobs.
    if (!marked.current && order.length > 0) {
      marked.current = true;
      performance.mark('vidqueue:first-jobs');
    }
  }, [order.length]);
  if (order.length === 0) return <p class="empty">{t('queueEmptyHint')}</p>;
  return (
    <ul
      ref={ref}
      class="job-list"
      aria-label={t('queue')}
      style={{ height: `${Math.min(height, rows.length * ROW_HEIGHT)}px` }}
      onScroll={(e) => setScrollTop((e.currentTarget as HTMLElement).scrollTop)}
    >
      <li aria-hidden="true" class="spacer" style={{ height: `${first * ROW_HEIGHT}px` }} />
      {rows.slice(first, last).map((row) => {
        if (row.kind === 'group') {
          return (
            <GroupRow
              key={`g${row.groupId}`}
              groupId={row.groupId}
              group={groups?.get(row.groupId)}
              entries={row.jobIds.map((id) => jobs.get(id)!)}
              open={open.has(row.groupId)}
              onToggle={toggle}
              onAction={(groupId, action) => onGroupAction?.(groupId, action)}
              style={{ height: `${ROW_HEIGHT}px` }}
            />
          );
        }
        const id = row.id;
        const job = jobs.get(id)!;
        return (
          <JobRow
            key={id}
            job={job}
            pending={pending.get(id) ?? null}
            confirmAbove={confirmAbove}
            onAction={onAction}
            login={login}
            style={{ height: `${ROW_HEIGHT}px` }}
          />
        );
      })}
      <li aria-hidden="true" class="spacer" style={{ height: `${(rows.length - last) * ROW_HEIGHT}px` }} />
    </ul>
  );
}
