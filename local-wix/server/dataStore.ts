// SQLite storage for the local Wix Data: collections (their REST `DataCollection` JSON) and items
// (`data` in wire form, dates as {"$date"}). One row per item, keyed (collection, id).
import type Database from 'better-sqlite3';
import type { Data, FieldScan, IdScan } from './dataQuery.js';

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
  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS wix_data_collections (id TEXT PRIMARY KEY, json TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS wix_data_items (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        collection TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL);
      CREATE UNIQUE INDEX IF NOT EXISTS wix_data_items_key ON wix_data_items (collection, id);
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
    };
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
    this.collections.delete(id);
  }

  /** Runs `fn` in one SQLite transaction (one commit). */
  atomically<T>(fn: () => T): T { return this.db.transaction(fn)(); }

  get(collection: string, id: string): Data | null {
    const row = this.q.get.get(collection, id);
    return row ? (JSON.parse(row.data) as Data) : null;
  }
  /**
   * The rows of `collection` that pass every one of `ids` (the unique index on (collection, id)) and
   * `fields` (`json_extract` on the stored JSON), one at a time as `[seq, data JSON]`, in no particular
   * order: SQLite filters, and only candidates reach JavaScript, never the whole collection at once.
   * A superset of the matches (the caller's `matches` decides).
   */
  *scan(collection: string, ids: IdScan[], fields: FieldScan[]): IterableIterator<[number, string]> {
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
    const sql = `SELECT seq, data FROM wix_data_items WHERE ${where.join(' AND ')}`;
    let stmt = this.scans.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql).raw(true);
      if (this.scans.size < 200) this.scans.set(sql, stmt); // IN lists of many lengths: keep a few
    }
    yield* stmt.iterate(...args) as IterableIterator<[number, string]>;
  }
  private readonly scans = new Map<string, Database.Statement>();

  /** Items by row number (`seq`), for the rows a streamed query kept. */
  bySeq(seqs: number[]): Map<number, Data> {
    const out = new Map<number, Data>();
    if (!seqs.length) return out;
    for (const [seq, data] of this.q.bySeq.all(JSON.stringify(seqs))) out.set(seq, JSON.parse(data) as Data);
    return out;
  }

  count(collection: string): number { return this.q.count.get(collection)?.n ?? 0; }
  /** false when an item with that id exists (the unique index decides, atomically). */
  insert(collection: string, item: Data): boolean {
    return this.q.insert.run(collection, String(item._id), JSON.stringify(item)).changes > 0;
  }
  /** false when the item does not exist. */
  update(collection: string, item: Data): boolean {
    return this.q.update.run(JSON.stringify(item), collection, String(item._id)).changes > 0;
  }
  remove(collection: string, id: string): boolean { return this.q.remove.run(collection, id).changes > 0; }
  truncate(collection: string) { this.q.truncate.run(collection); }
}

function freeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) freeze(x);
    Object.freeze(v);
  }
  return v;
}
