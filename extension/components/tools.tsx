import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ToolStatus, ToolsReport } from '../../shared/tools';
import type { HostStatus } from '../lib/host-connection';
import { type MessageKey, t } from '../lib/i18n';
import { toolsAttention } from '../lib/tools-attention';
import type { ViewClient } from '../lib/view-port';

type Client = Pick<ViewClient, 'request' | 'onStatus'>;

/** The daemon's tools report, asked when the host is connected; `update` fetches the newest yt-dlp now. */
function useTools(client: Client) {
  const [report, setReport] = useState<ToolsReport | null>(null);
  const [updating, setUpdating] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    const load = () =>
      client
        .request('tools.status', {})
        .then(setReport)
        .catch(() => {});
    return client.onStatus((s: HostStatus) => {
      if (s.state === 'connected') void load();
    });
  }, [client]);
  const update = useCallback(async () => {
    setUpdating(true);
    setResult(null);
    try {
      const r = await client.request('tools.update', {});
      setReport(r);
      const ytdlp = r.tools.find((x) => x.id === 'yt-dlp');
      setResult({ ok: true, text: r.updated ? t('toolsUpdated', ytdlp?.version ?? '?') : t('toolsCurrent', ytdlp?.version ?? '?') });
    } catch (err) {
      setResult({ ok: false, text: t('errorPrefix', err instanceof Error ? err.message : String(err)) });
    } finally {
      setUpdating(false);
    }
  }, [client]);
  return { report, updating, result, update };
}

/** The popup: a line only when yt-dlp is missing or old, with "Update now". */
export function ToolsBanner({ client }: { client: Client }) {
  const { report, updating, result, update } = useTools(client);
  const attention = toolsAttention(report);
  if (!attention && !result) return null;
  return (
    <div class={`tools-banner${result?.ok ? ' ok' : ''}`} role="status">
      {attention && <span>{attention.kind === 'missing' ? t('toolsMissing') : t('toolsOld', attention.days)}</span>}
      {result && <span class={result.ok ? 'saved' : 'error'}>{result.text}</span>}
      {attention && (
        <button type="button" class="primary" disabled={updating} onClick={() => void update()}>
          {updating ? t('toolsUpdating') : t('toolsUpdateNow')}
        </button>
      )}
    </div>
  );
}

const SOURCE: Record<ToolStatus['source'], MessageKey> = {
  managed: 'toolsSourceManaged',
  system: 'toolsSourceSystem',
  override: 'toolsSourceOverride',
  bundled: 'toolsSourceBundled',
  missing: 'toolsSourceMissing',
};

/** The options page: every tool, which copy, version and age, what to run when one is missing; "Update now". */
export function ToolsPanel({ client }: { client: Client }) {
  const { report, updating, result, update } = useTools(client);
  return (
    <fieldset class="tools" disabled={!report}>
      <legend>{t('toolsTitle')}</legend>
      <ul>
        {(report?.tools ?? []).map((tool) => (
          <li key={tool.id} data-tool={tool.id}>
            <strong>{tool.name}</strong> {tool.version ?? '—'} · {t(SOURCE[tool.source])}
            {tool.ageDays !== null && ` · ${t('toolsAge', tool.ageDays)}`}
            {tool.path && <div class="hint">{tool.path}</div>}
            {tool.fix && <div class="hint">{tool.fix}</div>}
            {tool.lastError && <div class="hint error">{tool.lastError}</div>}
          </li>
        ))}
      </ul>
      <p>
        <button type="button" disabled={updating} onClick={() => void update()}>
          {updating ? t('toolsUpdating') : t('toolsUpdateNow')}
        </button>{' '}
        {result && (
          <span class={result.ok ? 'saved' : 'error'} role={result.ok ? 'status' : 'alert'}>
            {result.text}
          </span>
        )}
      </p>
    </fieldset>
  );
}
