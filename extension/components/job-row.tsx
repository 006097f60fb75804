import { memo } from 'preact/compat';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatBytes } from '../../shared/format';
import { type Job, type JobStatus, allowedActions, isFinished } from '../../shared/job';
import { type MessageKey, t } from '../lib/i18n';
import { type LoginMode, loginRetry } from '../lib/login';
import { CancelIcon, FolderIcon, LoginIcon, OpenIcon, PauseIcon, RemoveIcon, ResumeIcon, RetryIcon, StopIcon, VideoIcon } from './icons';
import { JobNote } from './job-note';
import { ProgressBar } from './progress-bar';

export type RowAction = 'cancel' | 'pause' | 'resume' | 'retry' | 'retry-login' | 'stop' | 'remove' | 'open' | 'reveal';

const STATUS_KEY: Record<JobStatus, MessageKey> = {
  queued: 'statusQueued',
  downloading: 'statusDownloading',
  recording: 'statusRecording',
  paused: 'statusPaused',
  completed: 'statusCompleted',
  failed: 'statusFailed',
  cancelled: 'statusCancelled',
};

/** Each action: its tooltip, its accessible name (with the job's title) and its icon. */
const ACTIONS: Record<RowAction, { text: MessageKey; label: MessageKey; Icon: () => preact.JSX.Element }> = {
  cancel: { text: 'actionCancel', label: 'actionCancelLabel', Icon: CancelIcon },
  pause: { text: 'actionPause', label: 'actionPauseLabel', Icon: PauseIcon },
  resume: { text: 'actionResume', label: 'actionResumeLabel', Icon: ResumeIcon },
  retry: { text: 'actionRetry', label: 'actionRetryLabel', Icon: RetryIcon },
  'retry-login': { text: 'actionRetryLogin', label: 'actionRetryLoginLabel', Icon: LoginIcon },
  stop: { text: 'actionStop', label: 'actionStopLabel', Icon: StopIcon },
  remove: { text: 'actionRemove', label: 'actionRemoveLabel', Icon: RemoveIcon },
  open: { text: 'actionOpen', label: 'actionOpenLabel', Icon: OpenIcon },
  reveal: { text: 'actionShowInFolder', label: 'actionShowInFolderLabel', Icon: FolderIcon },
};

/** The buttons a job's state allows, in the order they appear. */
function rowActions(job: Job, withLogin: boolean): RowAction[] {
  const allowed = allowedActions(job.status) as string[];
  const out: RowAction[] = [];
  if (allowed.includes('pause')) out.push('pause');
  if (allowed.includes('resume')) out.push('resume');
  if (allowed.includes('retry')) out.push('retry');
  // Failed for want of a login: the browser's may cure it.
  if (withLogin) out.push('retry-login');
  // A recording: Stop keeps what was recorded, Cancel throws it away.
  if (allowed.includes('stop')) out.push('stop');
  if (job.status === 'completed' && job.filePath) out.push('open', 'reveal');
  if (allowed.includes('cancel')) out.push('cancel');
  if (isFinished(job.status)) out.push('remove');
  return out;
}

/** The job's title, also once it is done (the file's name is a detail, in the tooltip); else the site it comes from. */
function jobName(job: Job): string {
  if (job.title) return job.title;
  try {
    return new URL(job.url).host;
  } catch {
    return job.url;
  }
}

/** The video's image, loaded lazily and never in the way: a plain icon when there is none or it fails. */
function JobThumb({ src }: { src: string | null }) {
  const [failed, setFailed] = useState(false);
  return (
    <div class="job-thumb" aria-hidden="true">
      {src && !failed ? <img src={src} alt="" loading="lazy" decoding="async" referrerpolicy="no-referrer" onError={() => setFailed(true)} /> : <VideoIcon />}
    </div>
  );
}

/** What a finished file is, in a few words: its size and its kind ("976.6 KiB · MP4"). */
function fileSummary(job: Job): string {
  const bytes = job.progress.totalBytes ?? job.progress.downloadedBytes;
  const ext = job.filePath ? /\.([A-Za-z0-9]{1,5})$/.exec(job.filePath)?.[1] : undefined;
  return [bytes > 0 ? formatBytes(bytes) : null, ext ? ext.toUpperCase() : null].filter(Boolean).join(' · ');
}

/** A question in the row, in place of its buttons: Yes does it, No goes back. */
function Confirm(p: { question: string; yes: string; yesClass: 'primary' | 'danger'; onYes: () => void; no: string; onNo: () => void }) {
  return (
    <div class="confirm" role="alertdialog" aria-label={p.question}>
      <span>{p.question}</span>
      <button type="button" class={p.yesClass} onClick={p.onYes}>
        {p.yes}
      </button>
      <button type="button" onClick={p.onNo}>
        {p.no}
      </button>
    </div>
  );
}

interface Props {
  job: Job;
  /** An action sent and not yet confirmed by the daemon ("Cancelling…"). */
  pending: RowAction | null;
  /** Downloads bigger than this (bytes) ask before cancelling; 0 never asks. */
  confirmAbove: number;
  onAction: (job: Job, action: RowAction) => void;
  /** "Use my browser login for downloads" and the sites allowed: whether a failed job offers a retry with it. */
  login?: { mode: LoginMode; sites: readonly string[] };
  style?: Record<string, string>;
}

export const JobRow = memo(function JobRow({ job, pending, confirmAbove, onAction, login, style }: Props) {
  const [confirming, setConfirming] = useState(false);
  const [askingLogin, setAskingLogin] = useState(false);
  const retryLogin = login ? loginRetry(job, login.mode, login.sites) : null;
  const rowRef = useRef<HTMLLIElement>(null);
  // Keyboard focus follows the question: onto "Yes" when it appears, back to Cancel after "No".
  const wasConfirming = useRef(false);
  useEffect(() => {
    const row = rowRef.current;
    if (confirming) row?.querySelector<HTMLButtonElement>('.confirm .danger')?.focus();
    else if (wasConfirming.current) row?.querySelector<HTMLButtonElement>('.action-cancel')?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);
  const name = jobName(job);
  const size = job.progress.totalBytes ?? job.progress.downloadedBytes;
  const act = (action: RowAction) => {
    // Under "Ask for each site", the site gets the login only once the user says so.
    if (action === 'retry-login' && retryLogin?.ask && !askingLogin) {
      setAskingLogin(true);
      return;
    }
    setAskingLogin(false);
    if (action === 'cancel' && confirmAbove > 0 && size > confirmAbove && job.status === 'downloading' && !confirming) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    onAction(job, action);
  };
  const status = pending === 'cancel' ? t('statusCancelling') : t(STATUS_KEY[job.status]);
  return (
    <li ref={rowRef} class={`job job-${job.status}`} style={style} data-job-id={job.id} aria-busy={pending ? 'true' : undefined}>
      <JobThumb key={job.thumbnail ?? ''} src={job.thumbnail ?? null} />
      <div class="job-body">
        <div class="job-head">
          <span class="job-title" title={job.filePath ?? job.url}>
            {job.status === 'recording' && <span class="rec-dot" aria-hidden="true" />}
            {name}
          </span>
          <span class={`job-status status-${pending === 'cancel' ? 'cancelling' : job.status}`} aria-live="polite">
            {status}
          </span>
        </div>
        {job.status === 'completed' ? (
          // Done: no bar to read, only what the file is (and a note, if any).
          <div class="job-meta">
            <span>{fileSummary(job)}</span>
            {job.note && <JobNote note={job.note} />}
          </div>
        ) : job.status !== 'failed' && job.status !== 'cancelled' ? (
          // A note (a fallback format…) shares the line under the bar: every row has the same height.
          <ProgressBar job={job} label={t('progressLabel', name)} note={job.note} />
        ) : (
          job.note && <JobNote note={job.note} />
        )}
        {job.status === 'failed' && job.error && (
          // The sentence for the user; the tool's own output behind a disclosure.
          <div class="job-error" role="alert">
            <span>{job.error.message.split('\n')[0]}</span>
            {job.error.detail && (
              <details>
                <summary>{t('errorDetails')}</summary>
                <pre>{job.error.detail}</pre>
              </details>
            )}
          </div>
        )}
        {askingLogin && retryLogin ? (
          <Confirm
            question={t('confirmLogin', retryLogin.site)}
            yes={t('confirmLoginYes')}
            yesClass="primary"
            onYes={() => act('retry-login')}
            no={t('confirmLoginNo')}
            onNo={() => setAskingLogin(false)}
          />
        ) : confirming ? (
          <Confirm
            question={t('confirmCancel', formatBytes(size))}
            yes={t('confirmYes')}
            yesClass="danger"
            onYes={() => act('cancel')}
            no={t('confirmNo')}
            onNo={() => setConfirming(false)}
          />
        ) : (
          <div class="job-actions">
            {rowActions(job, retryLogin !== null).map((action) => {
              const { text, label, Icon } = ACTIONS[action];
              // "Retry with my login" names the site it gives the login to.
              const accessible = action === 'retry-login' ? t('actionRetryLoginLabel', name, retryLogin?.site ?? '') : t(label, name);
              return (
                <button
                  type="button"
                  key={action}
                  class={`icon action action-${action}${action === 'cancel' ? ' danger' : ''}`}
                  title={action === 'retry-login' ? accessible : t(text)}
                  aria-label={accessible}
                  disabled={pending !== null}
                  onClick={() => act(action)}
                >
                  <Icon />
                </button>
              );
            })}
          </div>
        )}
      </div>
    </li>
  );
});
