import type { Notice } from '../../../shared/protocol';
import type { DB } from './db';

/** What the daemon must tell the user once (a damaged database set aside, say). */
export class NoticeStore {
  constructor(private readonly db: DB) {}

  add(code: string, message: string, now = Date.now()): void {
    this.db.prepare('INSERT INTO notices (code, message, created_at) VALUES (?, ?, ?)').run(code, message, now);
  }

  /** The notices nobody has taken yet, marked as taken: whoever asks first tells the user. */
  take(now = Date.now()): Notice[] {
    return this.db
      .transaction(() => {
        const rows = this.db
          .prepare<[], { id: number; code: string; message: string; created_at: number }>(
            'SELECT id, code, message, created_at FROM notices WHERE delivered_at IS NULL ORDER BY id',
          )
          .all();
        if (rows.length > 0) this.db.prepare('UPDATE notices SET delivered_at = ? WHERE delivered_at IS NULL').run(now);
        return rows.map((r) => ({ id: r.id, code: r.code, message: r.message, createdAt: r.created_at }));
      })
      .immediate();
  }
}
