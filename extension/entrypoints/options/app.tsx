import { useEffect, useState } from 'preact/hooks';
import * as v from 'valibot';
import type { Preset } from '../../../shared/job';
import { issueError } from '../../../shared/protocol';
import { type SettingKey, type Settings, SettingsPatchSchema } from '../../../shared/settings';
import { HostProblem } from '../../components/host-problem';
import { PresetSelect } from '../../components/preset-select';
import { ToolsPanel } from '../../components/tools';
import type { HostStatus } from '../../lib/host-connection';
import { t } from '../../lib/i18n';
import { confirmCancelAboveMiB, ConfirmCancelAboveMiBSchema, loginMode, loginSites, notifyOnFinish, showPageButton } from '../../lib/preferences';
import type { LoginMode } from '../../lib/login';
import type { ViewClient } from '../../lib/view-port';

/** What the user typed or chose, by setting; a field not in here shows the daemon's value. */
type Edits = { [K in SettingKey]?: Settings[K] };
type Local = { pageButton: boolean; notify: boolean; threshold: number; login: LoginMode };

/**
 * Download settings live in the daemon (every browser and the CLI share them); the rest in
 * this browser. The form shows the daemon's values as they change (`settings.updated`),
 * except the fields the user is editing, and saves only what the user changed.
 */
export function OptionsApp({ client, extensionId }: { client: ViewClient; extensionId: string }) {
  const [status, setStatus] = useState<HostStatus>({ state: 'connecting' });
  const [settings, setSettings] = useState<Settings | null>(null);
  const [edits, setEdits] = useState<Edits>({});
  const [local, setLocal] = useState<Local>({ pageButton: true, notify: true, threshold: 100, login: 'ask' });
  const [sites, setSites] = useState<string[]>([]);
  const [localEdits, setLocalEdits] = useState<Partial<Local>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string; field?: string } | null>(null);

  useEffect(() => {
    const load = () =>
      client
        .request('settings.get', {})
        .then((r) => setSettings(r.settings))
        .catch(() => {});
    // Asked again when the host comes back (after Retry, or once it is installed).
    let previous: HostStatus['state'] | null = null;
    const offStatus = client.onStatus((s) => {
      setStatus(s);
      if (s.state === 'connected' && previous !== null && previous !== 'connected') void load();
      previous = s.state;
    });
    // Changed meanwhile by the CLI or another browser: the fields not being edited follow.
    const offEvent = client.onEvent((e) => {
      if (e.event === 'settings.updated') setSettings(e.data.settings);
    });
    void load();
    void Promise.all([showPageButton.getValue(), notifyOnFinish.getValue(), confirmCancelAboveMiB.getValue(), loginMode.getValue()]).then(
      ([pageButton, notify, threshold, login]) => setLocal({ pageButton, notify, threshold, login }),
    );
    // Sites are allowed from the popup ("Retry with my login"): the list follows.
    void loginSites.getValue().then(setSites);
    const offSites = loginSites.watch((list) => setSites(list ?? []));
    return () => {
      offStatus();
      offEvent();
      offSites();
    };
  }, [client]);

  const shown = <K extends SettingKey>(key: K): Settings[K] | undefined => (key in edits ? edits[key] : settings?.[key]);
  const edit = <K extends SettingKey>(key: K, value: Settings[K]) => setEdits((e) => ({ ...e, [key]: value }));
  const localShown = <K extends keyof Local>(key: K): Local[K] => (key in localEdits ? localEdits[key]! : local[key]);
  const editLocal = <K extends keyof Local>(key: K, value: Local[K]) => setLocalEdits((e) => ({ ...e, [key]: value }));

  const save = async (e: Event) => {
    e.preventDefault();
    setMessage(null);
    // Everything is checked before anything is written: a refused value leaves every setting as it was.
    const patch = v.safeParse(SettingsPatchSchema, edits);
    if (!patch.success) return fail(issueError('INVALID_SETTING', patch.issues, 'settings'));
    if ('threshold' in localEdits) {
      const threshold = v.safeParse(ConfirmCancelAboveMiBSchema, localEdits.threshold);
      if (!threshold.success) return fail(issueError('INVALID_SETTING', threshold.issues, 'confirmThreshold'));
    }
    try {
      if (Object.keys(patch.output).length > 0) {
        const saved = (await client.request('settings.set', { settings: patch.output })).settings;
        setSettings(saved);
        // Edits made while saving stay; the saved ones now show the daemon's value.
        setEdits((now) => Object.fromEntries(Object.entries(now).filter(([k, value]) => value !== patch.output[k as SettingKey])) as Edits);
      }
      if (localEdits.pageButton !== undefined) await showPageButton.setValue(localEdits.pageButton);
      if (localEdits.notify !== undefined) await notifyOnFinish.setValue(localEdits.notify);
      if (localEdits.threshold !== undefined) await confirmCancelAboveMiB.setValue(localEdits.threshold);
      if (localEdits.login !== undefined) await loginMode.setValue(localEdits.login);
      const written = localEdits;
      setLocal((l) => ({ ...l, ...written }));
      setLocalEdits((now) => Object.fromEntries(Object.entries(now).filter(([k, value]) => value !== written[k as keyof Local])));
      setMessage({ ok: true, text: t('optionsSaved') });
    } catch (err) {
      setMessage({ ok: false, text: t('errorPrefix', err instanceof Error ? err.message : String(err)) });
    }
  };
  const fail = (error: { message: string; field?: string }) => setMessage({ ok: false, text: t('errorPrefix', error.message), field: error.field });
  /** The field a refusal names is marked invalid. */
  const invalid = (field: string) => (message?.field === field ? 'true' : undefined);

  return (
    <main class="options">
      <h1>{t('optionsTitle')}</h1>
      <HostProblem status={status} extensionId={extensionId} onRetry={() => client.retryHost()} loadReport={() => client.doctor()} />
      {/* Checked by the shared schema, whose messages name the bound; not by the browser's bubbles. */}
      <form onSubmit={save} noValidate>
        <fieldset disabled={!settings}>
          <legend>{t('optionsDaemon')}</legend>
          <label>
            {t('optionsDownloadDir')}
            <input
              name="downloadDir"
              value={shown('downloadDir') ?? ''}
              aria-invalid={invalid('settings.downloadDir')}
              onInput={(e) => edit('downloadDir', (e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <label>
            {t('optionsConcurrency')}
            <input
              name="concurrency"
              type="number"
              min={1}
              max={16}
              value={shown('concurrency') ?? 3}
              aria-invalid={invalid('settings.concurrency')}
              onInput={(e) => edit('concurrency', (e.currentTarget as HTMLInputElement).valueAsNumber)}
            />
          </label>
          <label>
            {t('optionsDefaultPreset')}
            <PresetSelect name="defaultPreset" value={shown('defaultPreset') ?? 'best'} onChange={(p: Preset) => edit('defaultPreset', p)} />
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('optionsExtension')}</legend>
          <label class="check">
            <input
              name="pageButton"
              type="checkbox"
              checked={localShown('pageButton')}
              onChange={(e) => editLocal('pageButton', (e.currentTarget as HTMLInputElement).checked)}
            />
            {t('optionsPageButton')}
          </label>
          <label class="check">
            <input
              name="notifications"
              type="checkbox"
              checked={localShown('notify')}
              onChange={(e) => editLocal('notify', (e.currentTarget as HTMLInputElement).checked)}
            />
            {t('optionsNotifications')}
          </label>
          <label>
            {t('optionsConfirmThreshold')}
            <input
              name="confirmThreshold"
              type="number"
              min={0}
              value={localShown('threshold')}
              aria-invalid={invalid('confirmThreshold')}
              onInput={(e) => editLocal('threshold', (e.currentTarget as HTMLInputElement).valueAsNumber)}
            />
          </label>
          <label>
            {t('optionLoginMode')}
            <select
              name="loginMode"
              value={localShown('login')}
              onChange={(e) => editLocal('login', (e.currentTarget as HTMLSelectElement).value as LoginMode)}
            >
              <option value="never">{t('optionLoginNever')}</option>
              <option value="ask">{t('optionLoginAsk')}</option>
              <option value="always">{t('optionLoginAlways')}</option>
            </select>
          </label>
          <p class="hint">{t('optionLoginHelp')}</p>
          {sites.length > 0 && (
            <p class="hint">
              {t('optionLoginSites', sites.join(', '))}{' '}
              <button type="button" onClick={() => void loginSites.setValue([])}>
                {t('optionLoginForget')}
              </button>
            </p>
          )}
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
      <ToolsPanel client={client} />
    </main>
  );
}
