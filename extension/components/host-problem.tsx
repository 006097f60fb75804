import { useEffect, useState } from 'preact/hooks';
import type { DoctorReport } from '../../shared/doctor';
import { DEV_EXTENSION_ID } from '../../shared/identity';
import type { HostStatus } from '../lib/host-connection';
import { type MessageKey, t } from '../lib/i18n';

const TEXT: Record<string, MessageKey> = {
  'not-installed': 'hostNotInstalled',
  exited: 'hostExited',
  forbidden: 'hostForbidden',
  'protocol-mismatch': 'hostMismatch',
  unknown: 'hostUnknown',
};

/** The exact command that fixes each problem. */
function fixCommand(kind: string, extensionId: string): string {
  const idFlag = extensionId && extensionId !== DEV_EXTENSION_ID && /^[a-p]{32}$/.test(extensionId) ? ` --extension-id ${extensionId}` : '';
  if (kind === 'protocol-mismatch') return 'npx vidqueue stop';
  if (kind === 'exited' || kind === 'unknown') return 'npx vidqueue daemon --foreground';
  return `npx vidqueue install${idFlag}`;
}

/**
 * Shown in every view when the native host is missing or broken: what is wrong, and the
 * fix. When the host runs but something behind it fails, its doctor report says what.
 */
export function HostProblem({
  status,
  extensionId,
  onRetry,
  loadReport,
}: {
  status: HostStatus;
  extensionId: string;
  onRetry: () => void;
  loadReport?: () => Promise<DoctorReport>;
}) {
  const [copied, setCopied] = useState(false);
  const [report, setReport] = useState<DoctorReport | null>(null);
  const kindNow = status.state === 'problem' ? status.problem.kind : null;
  useEffect(() => {
    setReport(null);
    // A missing or forbidden host cannot be asked; one that runs can say what is wrong.
    if (!loadReport || kindNow === null || kindNow === 'not-installed' || kindNow === 'forbidden') return;
    loadReport().then(setReport, () => {});
  }, [kindNow]);
  if (status.state !== 'problem') return null;
  const { kind, detail } = status.problem;
  const command = fixCommand(kind, extensionId);
  return (
    <section class="host-problem" role="alert" aria-labelledby="host-problem-title">
      <h2 id="host-problem-title">{t(TEXT[kind] ?? 'hostUnknown')}</h2>
      <p class="detail">{detail}</p>
      <p>{kind === 'protocol-mismatch' ? t('hostFixMismatch') : t('hostFixIntro')}</p>
      <div class="command">
        <code>{command}</code>
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(command).then(() => setCopied(true));
          }}
        >
          {copied ? t('copied') : t('copy')}
        </button>
      </div>
      {report && (
        <ul class="doctor" aria-label={t('doctorTitle')}>
          {report.checks
            .filter((c) => c.status !== 'ok')
            .map((c) => (
              <li key={c.id} class={`check check-${c.status}`}>
                <strong>{c.title}</strong>: {c.detail}
                {c.fix && (
                  <div class="fix">
                    <code>{c.fix}</code>
                  </div>
                )}
              </li>
            ))}
        </ul>
      )}
      <button type="button" onClick={onRetry}>
        {t('hostRetry')}
      </button>
      {status.retryInMs !== null && <span class="retry-in">{t('hostRetryIn', Math.round(status.retryInMs / 1000))}</span>}
    </section>
  );
}
