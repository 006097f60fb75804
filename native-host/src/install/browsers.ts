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

/** System-wide manifest folders (`--system`): every user of the machine gets VidQueue. */
const LINUX_SYSTEM: Record<Browser, string[]> = {
  chrome: ['/etc/opt/chrome/native-messaging-hosts'],
  chromium: ['/etc/chromium/native-messaging-hosts'],
  brave: ['/etc/opt/brave.com/brave/native-messaging-hosts'],
  edge: ['/etc/opt/edge/native-messaging-hosts'],
  vivaldi: ['/etc/opt/vivaldi/native-messaging-hosts'],
  firefox: ['/usr/lib/mozilla/native-messaging-hosts', '/usr/lib64/mozilla/native-messaging-hosts'],
};

const MAC_SYSTEM: Record<Browser, string[]> = {
  chrome: ['/Library/Google/Chrome/NativeMessagingHosts'],
  chromium: ['/Library/Application Support/Chromium/NativeMessagingHosts'],
  brave: ['/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts'],
  edge: ['/Library/Microsoft/Edge/NativeMessagingHosts'],
  vivaldi: ['/Library/Application Support/Vivaldi/NativeMessagingHosts'],
  firefox: ['/Library/Application Support/Mozilla/NativeMessagingHosts'],
};

export function systemManifestDirs(browser: Browser, platform: NodeJS.Platform, root = '/'): string[] {
  const dirs = (platform === 'darwin' ? MAC_SYSTEM : LINUX_SYSTEM)[browser];
  return dirs.map((d) => join(root, d));
}

/** Windows: the registry key (under HKCU, or HKLM with --system) whose default value names the manifest. */
export const WINDOWS_REGISTRY_KEYS: Record<Browser, string> = {
  chrome: 'Software\\Google\\Chrome\\NativeMessagingHosts',
  chromium: 'Software\\Chromium\\NativeMessagingHosts',
  brave: 'Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts',
  edge: 'Software\\Microsoft\\Edge\\NativeMessagingHosts',
  vivaldi: 'Software\\Vivaldi\\NativeMessagingHosts',
  firefox: 'Software\\Mozilla\\NativeMessagingHosts',
};

/** Sandboxed packagings of each browser on Linux: their manifests cannot start a host outside. */
export const SANDBOXED: Record<Browser, { snap?: string; flatpak?: string; flatpakConfig?: string }> = {
  chrome: { flatpak: 'com.google.Chrome', flatpakConfig: 'google-chrome' },
  chromium: { snap: 'chromium', flatpak: 'org.chromium.Chromium', flatpakConfig: 'chromium' },
  brave: { snap: 'brave', flatpak: 'com.brave.Browser', flatpakConfig: 'BraveSoftware/Brave-Browser' },
  edge: { flatpak: 'com.microsoft.Edge', flatpakConfig: 'microsoft-edge' },
  vivaldi: { snap: 'vivaldi', flatpak: 'com.vivaldi.Vivaldi', flatpakConfig: 'vivaldi' },
  firefox: { snap: 'firefox', flatpak: 'org.mozilla.firefox' },
};
