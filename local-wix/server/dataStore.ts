// SQLite storage for the local Wix Data: collections (their REST `DataCollection` JSON) and items
// (`data` in wire form, dates as {"$date"}). One row per item, keyed (collection, id).
import type Database from 'better-sqlite3';
import type { Data, FieldScan, IdScan } from './dataQuery.js';
import { DataMirror, MIRROR_TABLE } from './dataMirror.js';

/** Where a read goes: the primary, or (Wix's default, without `consistentRead`) a mirror that lags it (dataMirror.ts). */
export type ReadFrom = 'primary' | 'mirror';

export interface StoredCollection {
  id: string;
  collectionType: string;
  displayName?: string;
  fields: Array<{ key: string; type: string; displayName?: string | null; systemField?: boolean; [k: string]: unknown }>;
  permissions: { read: string; insert: string; update: string; remove: string };
  revision: string;
  createdDate: string;
  updatedDate: string;
  [k: string]: unknown;
}

export class DataStore {
  private q;
  /** null when mirror reads are off (a lag of 0): every read then sees the primary. */
  private readonly mirror: DataMirror | null;
  constructor(private readonly db: Database.Database, mirrorLagMs = 0) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS wix_data_collections (id TEXT PRIMARY KEY, json TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS wix_data_items (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        collection TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL);
      CREATE UNIQUE INDEX IF NOT EXISTS wix_data_items_key ON wix_data_items (collection, id);
      CREATE TABLE IF NOT EXISTS ${MIRROR_TABLE} (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        collection TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL);
      CREATE UNIQUE INDEX IF NOT EXISTS ${MIRROR_TABLE}_key ON ${MIRROR_TABLE} (collection, id);
    `);
    this.q = {
      getCollection: db.prepare<[string], { json: string }>('SELECT json FROM wix_data_collections WHERE id = ?'),
      listCollections: db.prepare<[], { json: string }>('SELECT json FROM wix_data_collections ORDER BY id'),
      putCollection: db.prepare('INSERT INTO wix_data_collections (id, json) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET json = excluded.json'),
      deleteCollection: db.prepare('DELETE FROM wix_data_collections WHERE id = ?'),
      get: db.prepare<[string, string], { data: string }>('SELECT data FROM wix_data_items WHERE collection = ? AND id = ?'),
      bySeq: db.prepare<[string], [number, string]>('SELECT seq, data FROM wix_data_items WHERE seq IN (SELECT value FROM json_each(?))').raw(true),
      count: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM wix_data_items WHERE collection = ?'),
      insert: db.prepare('INSERT INTO wix_data_items (collection, id, data) VALUES (?, ?, ?) ON CONFLICT (collection, id) DO NOTHING'),
      update: db.prepare('UPDATE wix_data_items SET data = ? WHERE collection = ? AND id = ?'),
      remove: db.prepare('DELETE FROM wix_data_items WHERE collection = ? AND id = ?'),
      truncate: db.prepare('DELETE FROM wix_data_items WHERE collection = ?'),
      mirrorGet: db.prepare<[string, string], { data: string }>(`SELECT data FROM ${MIRROR_TABLE} WHERE collection = ? AND id = ?`),
      mirrorBySeq: db.prepare<[string], [number, string]>(`SELECT seq, data FROM ${MIRROR_TABLE} WHERE seq IN (SELECT value FROM json_each(?))`).raw(true),
    };
    this.mirror = mirrorLagMs > 0 ? new DataMirror(db, mirrorLagMs) : null;
  }

  /** The table a read of `from` uses, brought up to date first when it is the mirror. */
  private table(from: ReadFrom): string {
    if (from === 'primary' || !this.mirror) return 'wix_data_items';
    this.mirror.catchUp();
    return MIRROR_TABLE;
  }

  /** Collections are read on every item call: parsed once, dropped when written. Callers must not mutate. */
  private collections = new Map<string, StoredCollection | null>();

  getCollection(id: string): StoredCollection | null {
    if (this.collections.has(id)) return this.collections.get(id)!;
    const row = this.q.getCollection.get(id);
    const c = row ? freeze(JSON.parse(row.json) as StoredCollection) : null;
    this.collections.set(id, c);
    return c;
  }
  listCollections(): StoredCollection[] {
    return this.q.listCollections.all().map((r) => JSON.parse(r.json) as StoredCollection);
  }
  putCollection(c: StoredCollection) {
    this.q.putCollection.run(c.id, JSON.stringify(c));
    this.collections.delete(c.id);
  }
  deleteCollection(id: string) {
    this.db.transaction(() => { this.q.deleteCollection.run(id); this.q.truncate.run(id); })();
    this.mirror?.truncate(id);
    this.collections.delete(id);
  }

  /** Runs `fn` in one SQLite transaction (one commit). */
  atomically<T>(fn: () => T): T {
    const mark = this.mirror?.mark();
    try {
      return this.db.transaction(fn)();
    } catch (e) {
      // Rolled back: what it sent towards the mirror never happened.
      if (mark !== undefined) this.mirror!.dropSince(mark);
      throw e;
    }
  }

  get(collection: string, id: string, from: ReadFrom = 'primary'): Data | null {
    const row = (this.table(from) === MIRROR_TABLE ? this.q.mirrorGet : this.q.get).get(collection, id);
    return row ? (JSON.parse(row.data) as Data) : null;
  }
  /**
   * The rows of `collection` that pass every one of `ids` (the unique index on (collection, id)) and
   * `fields` (`json_extract` on the stored JSON), one at a time as `[seq, data JSON]`, in no particular
   * order: SQLite filters, and only candidates reach JavaScript, never the whole collection at once.
   * A superset of the matches (the caller's `matches` decides).
   */
  *scan(collection: string, ids: IdScan[], fields: FieldScan[], from: ReadFrom = 'primary'): IterableIterator<[number, string]> {
    const table = this.table(from);
    const where: string[] = ['collection = ?'];
    const args: unknown[] = [collection];
    const bounds = [['gt', '>'], ['gte', '>='], ['lt', '<'], ['lte', '<=']] as const;
    for (const scan of ids) {
      if (scan.in) { where.push(`id IN (${scan.in.map(() => '?').join(',') || 'NULL'})`); args.push(...scan.in); }
      for (const [op, sql] of bounds) if (scan[op] !== undefined) { where.push(`id ${sql} ?`); args.push(scan[op]); }
    }
    for (const f of fields) {
      const path = `$.${f.path}`;
      // An array field matches when one of its elements does: such rows go to JavaScript.
      if (f.in) { where.push(`(json_extract(data, ?) IN (SELECT value FROM json_each(?)) OR json_type(data, ?) = 'array')`); args.push(path, JSON.stringify(f.in), path); }
      for (const [op, sql] of bounds) if (f[op] !== undefined) { where.push(`(json_type(data, ?) = 'text' AND json_extract(data, ?) ${sql} ?)`); args.push(path, path, f[op]); }
    }
    const sql = `SELECT seq, data FROM ${table} WHERE ${where.join(' AND ')}`;
    let stmt = this.scans.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql).raw(true);
      if (this.scans.size < 200) this.scans.set(sql, stmt); // IN lists of many lengths: keep a few
    }
    yield* stmt.iterate(...args) as IterableIterator<[number, string]>;
  }
  private readonly scans = new Map<string, Database.Statement>();

  /** Items by row number (`seq`), for the rows a streamed query kept (from the table it scanned). */
  bySeq(seqs: number[], from: ReadFrom = 'primary'): Map<number, Data> {
    const out = new Map<number, Data>();
    if (!seqs.length) return out;
    // No catch-up here: the rows are those the scan just read, from the same state of the mirror.
    const stmt = from === 'mirror' && this.mirror ? this.q.mirrorBySeq : this.q.bySeq;
    for (const [seq, data] of stmt.all(JSON.stringify(seqs))) out.set(seq, JSON.parse(data) as Data);
    return out;
  }

  count(collection: string): number { return this.q.count.get(collection)?.n ?? 0; }
  /** false when an item with that id exists (the unique index decides, atomically). */
  insert(collection: string, item: Data): boolean {
    const json = JSON.stringify(item);
    const done = this.q.insert.run(collection, String(item._id), json).changes > 0;
    if (done) this.mirror?.put(collection, String(item._id), json);
    return done;
  }
  /** false when the item does not exist. */
  update(collection: string, item: Data): boolean {
    const json = JSON.stringify(item);
    const done = this.q.update.run(json, collection, String(item._id)).changes > 0;
    if (done) this.mirror?.put(collection, String(item._id), json);
    return done;
  }
  remove(collection: string, id: string): boolean {
    const done = this.q.remove.run(collection, id).changes > 0;
    if (done) this.mirror?.remove(collection, id);
    return done;
  }
  truncate(collection: string) {
    this.q.truncate.run(collection);
    this.mirror?.truncate(collection);
  }
}

function freeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) freeze(x);
    Object.freeze(v);
  }
  return v;
}
