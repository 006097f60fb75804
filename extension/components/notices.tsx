import type { Notice } from '../../shared/protocol';
import { t } from '../lib/i18n';

/** What the daemon had to tell the user (a damaged database set aside…): a banner until dismissed. */
export function Notices({ notices, onDismiss }: { notices: Notice[]; onDismiss: (id: number) => void }) {
  if (notices.length === 0) return null;
  return (
    <section class="notices" aria-label={t('noticesLabel')}>
      {notices.map((n) => (
        <div class="notice" key={n.id} role="status">
          <p>{n.message}</p>
          <button type="button" aria-label={t('noticeDismissLabel', n.message)} onClick={() => onDismiss(n.id)}>
            {t('noticeDismiss')}
          </button>
        </div>
      ))}
    </section>
  );
}
