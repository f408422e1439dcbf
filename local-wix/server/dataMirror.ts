// Wix Data's eventual consistency (https://dev.wix.com/docs/sdk/backend-modules/data/eventual-consistency):
// Wix writes to a primary database and copies each change to mirrors "with a short delay (typically a
// few seconds)"; a read goes to a mirror unless it asks for `consistentRead`. Here the mirror is a
// second table in the same SQLite file, and every change reaches it exactly `lagMs` after it was
// made: a read without consistentRead never sees a change younger than that (the strict side of
// "typically"). Changes are copied when a mirror read comes, and by a timer when they are due. The
// mirror is rebuilt from the primary at each start (what was still on its way is there).
import type Database from 'better-sqlite3';

export const MIRROR_TABLE = 'wix_data_mirror';

type Change =
  | { due: number; kind: 'put'; collection: string; id: string; data: string }
  | { due: number; kind: 'remove'; collection: string; id: string }
  | { due: number; kind: 'truncate'; collection: string };

export class DataMirror {
  private readonly changes: Change[] = [];
  private readonly q;

  constructor(private readonly db: Database.Database, readonly lagMs: number, private readonly now: () => number = Date.now) {
    // The table itself is created with the primary's (dataStore.ts).
    db.exec(`
      DELETE FROM ${MIRROR_TABLE};
      INSERT INTO ${MIRROR_TABLE} (collection, id, data) SELECT collection, id, data FROM wix_data_items ORDER BY seq;
    `);
    this.q = {
      put: db.prepare(`INSERT INTO ${MIRROR_TABLE} (collection, id, data) VALUES (?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET data = excluded.data`),
      remove: db.prepare(`DELETE FROM ${MIRROR_TABLE} WHERE collection = ? AND id = ?`),
      truncate: db.prepare(`DELETE FROM ${MIRROR_TABLE} WHERE collection = ?`),
    };
  }

  /** A change the primary has just committed; the mirror gets it `lagMs` from now. */
  put(collection: string, id: string, data: string) { this.queue({ due: this.now() + this.lagMs, kind: 'put', collection, id, data }); }
  remove(collection: string, id: string) { this.queue({ due: this.now() + this.lagMs, kind: 'remove', collection, id }); }
  truncate(collection: string) { this.queue({ due: this.now() + this.lagMs, kind: 'truncate', collection }); }

  private timer: NodeJS.Timeout | null = null;
  private queue(change: Change) {
    this.changes.push(change);
    this.wake();
  }
  /**
   * A timer also applies due changes when no mirror read comes, so the queue holds at most `lagMs` of
   * changes. It runs outside any transaction (better-sqlite3's are synchronous) and never keeps the
   * process alive; after the database is closed it does nothing.
   */
  private wake() {
    if (this.timer || !this.changes.length) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.db.open) return;
      this.catchUp();
      this.wake();
    }, Math.max(0, this.changes[0]!.due - this.now()));
    this.timer.unref();
  }

  /** Applies, in order, every change whose time has come (before each mirror read, and on the timer). */
  catchUp() {
    const now = this.now();
    let n = 0;
    while (n < this.changes.length && this.changes[n]!.due <= now) n++;
    if (!n) return;
    const due = this.changes.splice(0, n);
    this.db.transaction(() => {
      for (const c of due) {
        if (c.kind === 'put') this.q.put.run(c.collection, c.id, c.data);
        else if (c.kind === 'remove') this.q.remove.run(c.collection, c.id);
        else this.q.truncate.run(c.collection);
      }
    })();
  }

  /** For a transaction: the point to go back to if it rolls back (no mirror read runs inside one). */
  mark(): number { return this.changes.length; }
  dropSince(mark: number) { this.changes.splice(mark); }

  /** Changes not yet in the mirror. */
  get pending(): number { return this.changes.length; }
}
