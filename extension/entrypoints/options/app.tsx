import { useEffect, useState } from 'preact/hooks';
import type { Settings } from '../../../shared/settings';
import { HostProblem } from '../../components/host-problem';
import { PresetSelect } from '../../components/preset-select';
import type { HostStatus } from '../../lib/host-connection';
import { t } from '../../lib/i18n';
import { confirmCancelAboveMiB, notifyOnFinish, showPageButton } from '../../lib/preferences';
import type { ViewClient } from '../../lib/view-port';


/** Download settings live in the daemon (every browser shares them); the rest in this browser. */
export function OptionsApp({ client, extensionId }: { client: ViewClient; extensionId: string }) {
  const [status, setStatus] = useState<HostStatus>({ state: 'connecting' });
  const [settings, setSettings] = useState<Settings | null>(null);
  const [pageButton, setPageButton] = useState(true);
  const [notify, setNotify] = useState(true);
  const [threshold, setThreshold] = useState(100);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    const load = () => client.request('settings.get', {}).then((r) => setSettings(r.settings)).catch(() => {});
    // Asked again when the host comes back (after Retry, or once it is installed).
    let previous: HostStatus['state'] | null = null;
    const off = client.onStatus((s) => {
      setStatus(s);
      if (s.state === 'connected' && previous !== null && previous !== 'connected') void load();
      previous = s.state;
    });
    void load();
    void showPageButton.getValue().then(setPageButton);
    void notifyOnFinish.getValue().then(setNotify);
    void confirmCancelAboveMiB.getValue().then(setThreshold);
    return off;
  }, [client]);

  const save = async (e: Event) => {
    e.preventDefault();
    setMessage(null);
    // Checked before anything is written: a refused value leaves every setting as it was.
    if (settings && (!Number.isInteger(settings.concurrency) || settings.concurrency < 1 || settings.concurrency > 16)) {
      setMessage({ ok: false, text: t('errorPrefix', `Expected downloads at the same time to be a whole number from 1 to 16, got ${JSON.stringify(settings.concurrency)}`) });
      return;
    }
    if (!Number.isFinite(threshold) || threshold < 0) {
      setMessage({ ok: false, text: t('errorPrefix', `Expected the confirmation size to be 0 or more MiB, got ${JSON.stringify(threshold)}`) });
      return;
    }
    try {
      if (settings) setSettings((await client.request('settings.set', { settings })).settings);
      await showPageButton.setValue(pageButton);
      await notifyOnFinish.setValue(notify);
      await confirmCancelAboveMiB.setValue(Math.floor(threshold));
      setMessage({ ok: true, text: t('optionsSaved') });
    } catch (err) {
      setMessage({ ok: false, text: t('errorPrefix', err instanceof Error ? err.message : String(err)) });
    }
  };

  return (
    <main class="options">
      <h1>{t('optionsTitle')}</h1>
      <HostProblem status={status} extensionId={extensionId} onRetry={() => client.retryHost()} loadReport={() => client.doctor()} />
      <form onSubmit={save}>
        <fieldset disabled={!settings}>
          <legend>{t('optionsDaemon')}</legend>
          <label>
            {t('optionsDownloadDir')}
            <input name="downloadDir" value={settings?.downloadDir ?? ''} onInput={(e) => settings && setSettings({ ...settings, downloadDir: (e.currentTarget as HTMLInputElement).value })} />
          </label>
          <label>
            {t('optionsConcurrency')}
            <input
              name="concurrency"
              type="number"
              min={1}
              max={16}
              value={settings?.concurrency ?? 3}
              onInput={(e) => settings && setSettings({ ...settings, concurrency: Number((e.currentTarget as HTMLInputElement).value) })}
            />
          </label>
          <label>
            {t('optionsDefaultPreset')}
            <PresetSelect name="defaultPreset" value={settings?.defaultPreset ?? 'best'} onChange={(p) => settings && setSettings({ ...settings, defaultPreset: p })} />
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('optionsExtension')}</legend>
          <label class="check">
            <input name="pageButton" type="checkbox" checked={pageButton} onChange={(e) => setPageButton((e.currentTarget as HTMLInputElement).checked)} />
            {t('optionsPageButton')}
          </label>
          <label class="check">
            <input name="notifications" type="checkbox" checked={notify} onChange={(e) => setNotify((e.currentTarget as HTMLInputElement).checked)} />
            {t('optionsNotifications')}
          </label>
          <label>
            {t('optionsConfirmThreshold')}
            <input name="confirmThreshold" type="number" min={0} value={threshold} onInput={(e) => setThreshold(Number((e.currentTarget as HTMLInputElement).value))} />
          </label>
        </fieldset>
        <p>
          <button type="submit" class="primary">
            {t('optionsSave')}
          </button>{' '}
          {message && (
            <span class={message.ok ? 'saved' : 'error'} role={message.ok ? 'status' : 'alert'}>
              {message.text}
            </span>
          )}
        </p>
      </form>
    </main>
  );
}
