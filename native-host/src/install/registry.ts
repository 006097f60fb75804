import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Registry } from './install';

const run = promisify(execFile);

/** The Windows registry through reg.exe (no native module needed). */
export const windowsRegistry: Registry = {
  async setDefault(key, value) {
    await run('reg.exe', ['add', key, '/ve', '/t', 'REG_SZ', '/d', value, '/f'], { windowsHide: true });
  },
  async deleteKey(key) {
    await run('reg.exe', ['delete', key, '/f'], { windowsHide: true });
  },
};
