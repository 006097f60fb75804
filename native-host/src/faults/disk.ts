import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { VidQueueError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';

/** A write failed because the disk (or the user's quota) is full. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
}

/** Bytes free for this user on the disk holding `path` (or its nearest existing parent); null if unknown. */
export function freeSpace(path: string): number | null {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  try {
    const st = statfsSync(p);
    return st.bavail * st.bsize;
  } catch {
    return null;
  }
}

/** The error a full disk earns: where, how much is left, what to do. */
export function diskFullError(path: string, what = 'VidQueue could not write'): VidQueueError {
  const free = freeSpace(path);
  return new VidQueueError(
    'DISK_FULL',
    `${what}: the disk holding ${path} is full (${free === null ? 'free space unknown' : `${formatBytes(free)} free`}). Free some space, then try again.`,
  );
}

/**
 * Runs a database write; if the disk is full, frees what `free` can (a staging folder that
 * goes anyway) and tries once more. The second failure is thrown.
 */
export async function writeOrFreeSpace<T>(write: () => T, free: (() => Promise<void>) | null): Promise<T> {
  try {
    return write();
  } catch (err) {
    if (!isDiskFull(err) || !free) throw err;
  }
  await free().catch(() => {});
  return write();
}
