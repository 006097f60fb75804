import type { Notice } from '../../../shared/protocol';
import type { HostConnection } from '../host-connection';
import { t } from '../i18n';
import type { StatusChange } from './job-statuses';

/** The part of `browser.notifications` used (absent on some browsers and in unit tests' fakes). */
export interface NotificationsApi {
  create(id: string, options: { type: 'basic'; iconUrl: string; title: string; message: string }): Promise<string>;
  clear(id: string): Promise<boolean>;
  onClicked: { addListener(fn: (id: string) => void): void };
}

export interface NotificationsDeps {
  api?: NotificationsApi;
  iconUrl: string;
  /** The user's option: notify when a download ends. */
  enabled: () => Promise<boolean>;
  host: Pick<HostConnection, 'request'>;
}

const JOB_ID = /^vidqueue-job-(\d+)$/;

/** Desktop notifications: a download completed or failed, a right-click that could not start one. */
export function createNotifications(d: NotificationsDeps) {
  const show = async (id: string, title: string, message: string) => {
    await d.api?.create(id, { type: 'basic', iconUrl: d.iconUrl, title, message });
  };

  return {
    /** A job that just completed or failed is worth a notification (if the user wants them). */
    async jobChanged({ job }: StatusChange): Promise<void> {
      if (!d.api || (job.status !== 'completed' && job.status !== 'failed') || !(await d.enabled())) return;
      const name = job.title ?? job.url;
      if (job.status === 'completed') await show(`vidqueue-job-${job.id}`, t('notifyCompletedTitle'), t('notifyCompletedBody', name));
      else await show(`vidqueue-job-${job.id}`, t('notifyFailedTitle'), t('notifyFailedBody', name, job.error?.message ?? ''));
    },

    /** Something the daemon must tell the user once; shown whatever the download option says. */
    async notice(notice: Notice): Promise<void> {
      await show(`vidqueue-notice-${notice.id}`, t('noticeTitle'), notice.message);
    },

    /** A right-click has no view to show an error in: say it here. */
    async error(message: string): Promise<void> {
      await show(`vidqueue-error-${Date.now()}`, t('notifyErrorTitle'), message);
    },

    /** Clicking a job's notification opens its file, or its folder when the file cannot open. */
    listen(): void {
      d.api?.onClicked.addListener((id) => {
        const m = id.match(JOB_ID);
        if (!m) return;
        const jobId = Number(m[1]);
        void d.host
          .request('jobs.open', { jobId })
          .catch(() => d.host.request('jobs.open', { jobId, reveal: true }))
          .catch(() => {});
        void d.api?.clear(id);
      });
    },
  };
}
