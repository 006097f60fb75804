import type { Database } from 'better-sqlite3';
import * as m001 from './001-initial';

export interface Migration {
  version: number;
  up(db: Database): void;
}

/** Numbered steps, applied in order; `user_version` records the last one applied. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, up: m001.up }];
