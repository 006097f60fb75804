import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What became of a key `uninstall` deleted: only `deleted` may be reported as removed. */
export type DeleteOutcome = { status: 'deleted' } | { status: 'absent' } | { status: 'failed'; message: string };

/** Windows' registry, as `reg.exe` offers it: injected so the logic is tested anywhere. */
export interface Registry {
  setDefault(key: string, value: string): Promise<void>;
  /** Deletes `key` and says whether it did, found nothing to delete, or failed (and why). Never throws. */
  deleteKey(key: string): Promise<DeleteOutcome>;
}

/** reg.exe's own words (its first line on stderr), else how the run failed. */
function why(err: unknown): string {
  const stderr = String((err as { stderr?: unknown }).stderr ?? '')
    .trim()
    .split(/\r?\n/)[0];
  return stderr || (err as Error).message;
}

/** The Windows registry through reg.exe (no native module needed). */
export const windowsRegistry: Registry = {
  async setDefault(key, value) {
    await run('reg.exe', ['add', key, '/ve', '/t', 'REG_SZ', '/d', value, '/f'], { windowsHide: true });
  },
  async deleteKey(key) {
    // `reg delete` fails alike for a missing key and a refused one: ask first whether it is there.
    try {
      await run('reg.exe', ['query', key], { windowsHide: true });
    } catch (err) {
      // Exit code 1: no such key. Anything else (reg.exe not found…) is a failure.
      return (err as { code?: unknown }).code === 1 ? { status: 'absent' } : { status: 'failed', message: why(err) };
    }
    try {
      await run('reg.exe', ['delete', key, '/f'], { windowsHide: true });
      return { status: 'deleted' };
    } catch (err) {
      return { status: 'failed', message: why(err) };
    }
  },
};
