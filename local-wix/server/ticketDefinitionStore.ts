// SQLite persistence for ticket definitions: the writable fields as JSON, plus the columns the
// local Wix itself keeps (revision, sold/reserved counts, whether sale-started was announced).
// The checkout changes sold counts through `addSold`, inside its own transaction.
import type Database from 'better-sqlite3';
import type { DefinitionFields, StoredDefinition } from './ticketDefinitionModel.js';

interface Row {
  seq: number;
  id: string;
  event_id: string;
  revision: number;
  created_date: string;
  updated_date: string;
  fields: string;
  sold_count: number;
  reserved_count: number;
}

const fromRow = (r: Row): StoredDefinition => ({
  id: r.id,
  seq: r.seq,
  eventId: r.event_id,
  revision: r.revision,
  createdDate: r.created_date,
  updatedDate: r.updated_date,
  fields: JSON.parse(r.fields) as DefinitionFields,
  soldCount: r.sold_count,
  reservedCount: r.reserved_count,
});

export class TicketDefinitionStore {
  private readonly stmts;

  constructor(readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ticket_definitions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        event_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        created_date TEXT NOT NULL,
        updated_date TEXT NOT NULL,
        fields TEXT NOT NULL,
        sold_count INTEGER NOT NULL DEFAULT 0 CHECK (sold_count >= 0),
        reserved_count INTEGER NOT NULL DEFAULT 0 CHECK (reserved_count >= 0),
        sale_start_announced INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX IF NOT EXISTS ticket_definitions_event ON ticket_definitions (event_id, seq);
      CREATE TABLE IF NOT EXISTS ticket_query_cursors (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `);
    this.stmts = {
      insert: db.prepare(`INSERT INTO ticket_definitions (id, event_id, revision, created_date, updated_date, fields, sale_start_announced)
        VALUES (@id, @eventId, 1, @now, @now, @fields, @announced)`),
      get: db.prepare<[string], Row>('SELECT * FROM ticket_definitions WHERE id = ?'),
      all: db.prepare<[], Row>('SELECT * FROM ticket_definitions ORDER BY seq'),
      byEvent: db.prepare<[string], Row>('SELECT * FROM ticket_definitions WHERE event_id = ? ORDER BY seq'),
      update: db.prepare(`UPDATE ticket_definitions SET fields = @fields, revision = revision + 1, updated_date = @now,
        sale_start_announced = CASE WHEN @rearm THEN 0 ELSE sale_start_announced END WHERE id = @id AND revision = @revision`),
      remove: db.prepare('DELETE FROM ticket_definitions WHERE id = ?'),
      addSold: db.prepare('UPDATE ticket_definitions SET sold_count = sold_count + @n WHERE id = @id'),
      pendingStarts: db.prepare<[], Row>('SELECT * FROM ticket_definitions WHERE sale_start_announced = 0'),
      markAnnounced: db.prepare('UPDATE ticket_definitions SET sale_start_announced = 1 WHERE id = ? AND sale_start_announced = 0'),
      putCursor: db.prepare('INSERT INTO ticket_query_cursors (id, state, created_at) VALUES (?, ?, ?)'),
      getCursor: db.prepare<[string], { state: string }>('SELECT state FROM ticket_query_cursors WHERE id = ?'),
      pruneCursors: db.prepare('DELETE FROM ticket_query_cursors WHERE created_at < ?'),
    };
  }

  insert(d: { id: string; eventId: string; fields: DefinitionFields; now: string; saleAlreadyStarted: boolean }): StoredDefinition {
    this.stmts.insert.run({ id: d.id, eventId: d.eventId, now: d.now, fields: JSON.stringify(d.fields), announced: d.saleAlreadyStarted ? 1 : 0 });
    return this.get(d.id)!;
  }

  get(id: string): StoredDefinition | null {
    const r = this.stmts.get.get(id);
    return r ? fromRow(r) : null;
  }

  /** All definitions (of one event when given), in creation order. */
  list(eventId?: string): StoredDefinition[] {
    return (eventId === undefined ? this.stmts.all.all() : this.stmts.byEvent.all(eventId)).map(fromRow);
  }

  /** Compare-and-set on revision; false when someone else updated first. `rearm` re-enables the sale-started announcement. */
  update(id: string, revision: number, fields: DefinitionFields, now: string, rearm: boolean): boolean {
    return this.stmts.update.run({ id, revision, fields: JSON.stringify(fields), now, rearm: rearm ? 1 : 0 }).changes === 1;
  }

  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes === 1;
  }

  /** Changes the sold count by `n` (negative to give tickets back). Call inside a transaction. */
  addSold(id: string, n: number) {
    this.stmts.addSold.run({ id, n });
  }

  pendingSaleStarts(): StoredDefinition[] {
    return this.stmts.pendingStarts.all().map(fromRow);
  }

  /** True for exactly one caller per definition. */
  markSaleStartAnnounced(id: string): boolean {
    return this.stmts.markAnnounced.run(id).changes === 1;
  }

  putCursor(id: string, state: unknown, now: string) {
    this.stmts.putCursor.run(id, JSON.stringify(state), now);
  }

  getCursor<T>(id: string): T | null {
    const r = this.stmts.getCursor.get(id);
    return r ? (JSON.parse(r.state) as T) : null;
  }

  pruneCursors(olderThan: string) {
    this.stmts.pruneCursors.run(olderThan);
  }
}
