import { memo } from 'preact/compat';
import type { Group } from '../../shared/group';
import type { Job } from '../../shared/job';
import { groupSummary } from '../lib/group-rows';
import { t } from '../lib/i18n';
import { CancelIcon, ListIcon, PauseIcon, RetryIcon } from './icons';

export type GroupAction = 'cancel' | 'pause' | 'retryFailed';

interface Props {
  groupId: number;
  group: Group | undefined;
  entries: Job[];
  open: boolean;
  onToggle: (groupId: number) => void;
  onAction: (groupId: number, action: GroupAction) => void;
  style?: Record<string, string>;
}

/** A playlist's entries as one row: how many are done, failed and to go, their bytes, and actions on all of them. */
export const GroupRow = memo(function GroupRow({ groupId, group, entries, open, onToggle, onAction, style }: Props) {
  const title = group?.title || entries[0]?.title || t('playlistDefault');
  const s = groupSummary(group, entries);
  const actions: { action: GroupAction; label: string; Icon: () => preact.JSX.Element; danger?: boolean }[] = [];
  if (s.remaining > 0) actions.push({ action: 'pause', label: t('groupPauseAll', title), Icon: PauseIcon });
  if (s.failed > 0) actions.push({ action: 'retryFailed', label: t('groupRetryFailed', title), Icon: RetryIcon });
  if (s.remaining > 0) actions.push({ action: 'cancel', label: t('groupCancelAll', title), Icon: CancelIcon, danger: true });
  const counts = t('groupCounts', s.done, s.failed, s.remaining);
  return (
    <li class={`job group${s.remaining === 0 ? ' job-completed' : ''}`} style={style} data-group-id={groupId}>
      <div class="job-head">
        <span class="job-title">
          <button
            type="button"
            class="icon toggle"
            aria-expanded={open}
            aria-label={t(open ? 'groupCollapse' : 'groupExpand', title)}
            title={t(open ? 'groupCollapse' : 'groupExpand', title)}
            onClick={() => onToggle(groupId)}
          >
            <ListIcon />
          </button>
          {title}
        </span>
        <span class="job-status">{counts}</span>
      </div>
      <div class="progress">
        <div
          class="bar"
          role="progressbar"
          aria-label={t('progressLabel', title)}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={s.percent === null ? undefined : Math.round(s.percent * 10) / 10}
          aria-valuetext={counts}
        >
          <div class="fill" style={{ width: `${s.percent ?? 0}%` }} />
        </div>
        <div class="progress-text">{s.skipped > 0 && <span>{t('groupSkipped', s.skipped)}</span>}</div>
      </div>
      <div class="job-actions">
        {actions.map(({ action, label, Icon, danger }) => (
          <button
            key={action}
            type="button"
            class={`icon action${danger ? ' danger' : ''}`}
            title={label}
            aria-label={label}
            onClick={() => onAction(groupId, action)}
          >
            <Icon />
          </button>
        ))}
      </div>
    </li>
  );
});
