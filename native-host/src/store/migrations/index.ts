import type { Database } from 'better-sqlite3';
import * as m001 from './001-initial';
import * as m002 from './002-file-identity';
import * as m003 from './003-notes-and-notices';
import * as m004 from './004-recordings-and-referer';
import * as m005 from './005-choices-and-playlists';
import * as m006 from './006-list-order-and-thumbnails';

export interface Migration {
  version: number;
  up(db: Database): void;
}

/** Numbered steps, applied in order; `user_version` records the last one applied. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, up: m001.up },
  { version: 2, up: m002.up },
  { version: 3, up: m003.up },
  { version: 4, up: m004.up },
  { version: 5, up: m005.up },
  { version: 6, up: m006.up },
];
