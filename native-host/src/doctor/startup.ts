import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { DoctorCheck } from '../../../shared/doctor';
import { formatBytes } from '../../../shared/format';
import { privateDirProblem } from '../daemon/private-dir';
import { freeSpace } from '../faults/disk';
import type { Paths } from '../paths';
import { damage, isCorruption } from '../store/db';
import { SCHEMA_VERSION } from '../store/migrate';

/** Below this the daemon cannot keep its queue (or start a download); below LOW it soon will not. */
const CRITICAL = 1024 * 1024;
const LOW = 64 * 1024 * 1024;

/**
 * What the daemon needs to start, checked without starting it or changing anything: its
 * folders (real, ours), room on their disk, and a database it can open. `doctor` reports
 * these; the daemon's own start-up fails on the same problems.
 */
export function startupChecks(paths: Paths, o: { inspectDatabase: boolean }): DoctorCheck[] {
  return [dataDirCheck(paths), ...(o.inspectDatabase ? [databaseCheck(paths.database)] : [])];
}

function dataDirCheck(paths: Paths): DoctorCheck {
  const title = "VidQueue's folder";
  for (const dir of [paths.dataDir, paths.runDir, paths.logDir]) {
    const problem = privateDirProblem(dir);
    if (problem) return { id: 'data-dir', title, status: 'fail', detail: `${problem.detail}: the daemon cannot start`, fix: problem.fix };
  }
  const free = freeSpace(paths.dataDir);
  const fix = `Free some space on the disk of ${paths.dataDir}, or move VidQueue's data elsewhere (VIDQUEUE_HOME)`;
  if (free !== null && free < CRITICAL)
    return { id: 'data-dir', title, status: 'fail', detail: `${paths.dataDir}: only ${formatBytes(free)} free; the queue cannot be saved`, fix };
  if (free !== null && free < LOW) return { id: 'data-dir', title, status: 'warn', detail: `${paths.dataDir}: only ${formatBytes(free)} free`, fix };
  return { id: 'data-dir', title, status: 'ok', detail: `${paths.dataDir}${free === null ? '' : `, ${formatBytes(free)} free`}` };
}

function databaseCheck(file: string): DoctorCheck {
  const title = 'Queue database';
  if (!existsSync(file)) return { id: 'database', title, status: 'ok', detail: `${file} (made at the first start)` };
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      return {
        id: 'database',
        title,
        status: 'fail',
        detail: `${file} was written by a newer VidQueue (schema ${version}; this one knows ${SCHEMA_VERSION})`,
        fix: 'Update VidQueue (npx vidqueue@latest install)',
      };
    }
    const found = damage(db);
    if (found) return damaged(file, found);
    return { id: 'database', title, status: 'ok', detail: file };
  } catch (err) {
    if (isCorruption(err)) return damaged(file, (err as Error).message);
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY'))
      return {
        id: 'database',
        title,
        status: 'warn',
        detail: `${file} is in use by a daemon that does not answer`,
        fix: 'Stop it (`npx vidqueue stop`, or kill the `vidqueue daemon` process), then try again',
      };
    return {
      id: 'database',
      title,
      status: 'fail',
      detail: `${file} cannot be opened (${(err as Error).message})`,
      fix: `Check that ${file} and its folder are yours and writable`,
    };
  } finally {
    db?.close();
  }
}

function damaged(file: string, reason: string): DoctorCheck {
  return {
    id: 'database',
    title: 'Queue database',
    status: 'warn',
    detail: `${file} is damaged (${reason}): at its next start the daemon sets it aside and starts an empty queue (history and waiting downloads are no longer listed; downloaded files stay)`,
    fix: `To keep a copy first: cp '${file}' ~/vidqueue-damaged.db; then any vidqueue command starts afresh`,
  };
}
