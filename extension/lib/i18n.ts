import { browser } from 'wxt/browser';
import messages from '../public/_locales/en/messages.json';

export type MessageKey = keyof typeof messages;

/**
 * A string from `_locales`, in the browser's language. Falls back to English where the
 * browser has no i18n (unit tests), so keys are never shown to a user.
 */
export function t(key: MessageKey, ...substitutions: (string | number)[]): string {
  const subs = substitutions.map(String);
  let text = '';
  try {
    text = browser.i18n?.getMessage?.(key, subs) ?? '';
  } catch {
    text = '';
  }
  if (text) return text;
  const entry = messages[key] as { message: string };
  return entry.message.replace(/\$P(\d)\$/gi, (_, n: string) => subs[Number(n) - 1] ?? '');
}

/** A page's language and title follow the translation the browser picked (its HTML says English). */
export function localizePage(doc: Document, title: MessageKey): void {
  doc.documentElement.lang = t('htmlLang');
  doc.title = t(title);
}
