// SQLite storage for the local Wix Data: collections (their REST `DataCollection` JSON) and items
// (`data` in wire form, dates as {"$date"}). One row per item, keyed (collection, id).
import type Database from 'better-sqlite3';
import type { Data, IdScan } from './dataQuery.js';

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
      all: db.prepare<[string], { data: string }>('SELECT data FROM wix_data_items WHERE collection = ? ORDER BY seq DESC'),
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
  /** All items, newest row first (the tie-break under the default `_createdDate` descending order). */
  all(collection: string): Data[] {
    return this.q.all.all(collection).map((r) => JSON.parse(r.data) as Data);
  }
  /** Items whose id passes every one of `scans` (the unique index on (collection, id)), newest row first. */
  byId(collection: string, scans: IdScan[]): Data[] {
    const where: string[] = [];
    const args: unknown[] = [collection];
    for (const scan of scans) {
      if (scan.in) { where.push(`id IN (${scan.in.map(() => '?').join(',') || 'NULL'})`); args.push(...scan.in); }
      for (const [op, sql] of [['gt', '>'], ['gte', '>='], ['lt', '<'], ['lte', '<=']] as const) {
        if (scan[op] !== undefined) { where.push(`id ${sql} ?`); args.push(scan[op]); }
      }
    }
    const sql = `SELECT data FROM wix_data_items WHERE collection = ? AND ${where.join(' AND ')} ORDER BY seq DESC`;
    let stmt = this.scans.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (this.scans.size < 200) this.scans.set(sql, stmt); // IN lists of many lengths: keep a few
    }
    return (stmt.all(...args) as { data: string }[]).map((r) => JSON.parse(r.data) as Data);
  }
  private readonly scans = new Map<string, Database.Statement>();

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
