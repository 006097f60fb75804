import { join } from 'node:path';

export const BROWSERS = ['chrome', 'chromium', 'brave', 'edge', 'vivaldi', 'firefox'] as const;
export type Browser = (typeof BROWSERS)[number];

export interface BrowserLayout {
  browser: Browser;
  /** The browser's own config folder: present when the browser has run for this user. */
  configDir: string;
  /** Where the browser looks for user-level native-messaging manifests. */
  manifestDir: string;
  family: 'chromium' | 'firefox';
}

const LINUX: Record<Browser, [string, string]> = {
  chrome: ['.config/google-chrome', 'NativeMessagingHosts'],
  chromium: ['.config/chromium', 'NativeMessagingHosts'],
  brave: ['.config/BraveSoftware/Brave-Browser', 'NativeMessagingHosts'],
  edge: ['.config/microsoft-edge', 'NativeMessagingHosts'],
  vivaldi: ['.config/vivaldi', 'NativeMessagingHosts'],
  firefox: ['.mozilla', 'native-messaging-hosts'],
};

const MAC: Record<Browser, [string, string]> = {
  chrome: ['Library/Application Support/Google/Chrome', 'NativeMessagingHosts'],
  chromium: ['Library/Application Support/Chromium', 'NativeMessagingHosts'],
  brave: ['Library/Application Support/BraveSoftware/Brave-Browser', 'NativeMessagingHosts'],
  edge: ['Library/Application Support/Microsoft Edge', 'NativeMessagingHosts'],
  vivaldi: ['Library/Application Support/Vivaldi', 'NativeMessagingHosts'],
  firefox: ['Library/Application Support/Mozilla', 'NativeMessagingHosts'],
};

/** The user-level manifest locations of each browser on Linux and macOS. */
export function browserLayout(browser: Browser, home: string, platform: NodeJS.Platform): BrowserLayout {
  const table = platform === 'darwin' ? MAC : LINUX;
  const [config, sub] = table[browser];
  const configDir = join(home, config);
  return { browser, configDir, manifestDir: join(configDir, sub), family: browser === 'firefox' ? 'firefox' : 'chromium' };
}
