import { useState } from 'preact/hooks';
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
export function fixCommand(kind: string, extensionId: string): string {
  const idFlag = extensionId && extensionId !== DEV_EXTENSION_ID && /^[a-p]{32}$/.test(extensionId) ? ` --extension-id ${extensionId}` : '';
  if (kind === 'protocol-mismatch') return 'npx vidqueue stop';
  if (kind === 'exited' || kind === 'unknown') return 'npx vidqueue daemon --foreground';
  return `npx vidqueue install${idFlag}`;
}

/** Shown in every view when the native host is missing or broken: what is wrong, and the fix. */
export function HostProblem({ status, extensionId, onRetry }: { status: HostStatus; extensionId: string; onRetry: () => void }) {
  const [copied, setCopied] = useState(false);
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
      <button type="button" onClick={onRetry}>
        {t('hostRetry')}
      </button>
      {status.retryInMs !== null && <span class="retry-in">{t('hostRetryIn', Math.round(status.retryInMs / 1000))}</span>}
    </section>
  );
}
