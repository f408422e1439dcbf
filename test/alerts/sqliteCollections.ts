// CollectionsPort over SQLite (better-sqlite3): items as JSON, filters through json_extract with an
// expression index created per filtered field. For benchmarks with many items: the data lives in the
// database file, not in the JavaScript heap, so memory shows what the flow itself holds.
import Database from 'better-sqlite3';
import { DuplicateItemError, type CollectionsPort, type Filter, type Item } from '../../backend/ports.js';

export class SqliteCollections implements CollectionsPort {
  readonly db: Database.Database;
  private readonly tables = new Set<string>();
  private readonly indexes = new Set<string>();
  private readonly statements = new Map<string, Database.Statement>();
  calls = 0;
  /** Simulated round trip per call (Wix Data is a remote service). */
  latencyMs = 0;

  /**
   * @param indexFields per collection, the only fields to index (like a site owner's Wix Data
   *   indexes); collections not listed get an index on every filtered field.
   */
  constructor(file = ':memory:', private readonly indexFields: Record<string, string[]> = {}) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('cache_size = -16000');
  }

  private table(c: string): string {
    if (!/^[A-Za-z0-9_]+$/.test(c)) throw new Error(`bad collection ${c}`);
    const t = `c_${c}`;
    if (!this.tables.has(t)) {
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${t} (id TEXT PRIMARY KEY, data TEXT NOT NULL)`);
      this.tables.add(t);
    }
    return t;
  }

  private col(t: string, field: string): string {
    if (field === '_id') return 'id';
    if (!/^[A-Za-z0-9_]+$/.test(field)) throw new Error(`bad field ${field}`);
    const expr = `json_extract(data, '$.${field}')`;
    const ix = `${t}_${field}`;
    const only = this.indexFields[t.slice(2)];
    if (!this.indexes.has(ix) && (!only || only.includes(field))) {
      this.db.exec(`CREATE INDEX IF NOT EXISTS ix_${ix} ON ${t}(${expr})`);
      this.indexes.add(ix);
    }
    return expr;
  }

  private stmt(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  private async tick() {
    this.calls++;
    await new Promise((r) => (this.latencyMs ? setTimeout(r, this.latencyMs) : setImmediate(r)));
  }

  async get<T extends Item>(c: string, id: string): Promise<T | null> {
    await this.tick();
    const row = this.stmt(`SELECT data FROM ${this.table(c)} WHERE id = ?`).get(id) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as T) : null;
  }

  async insert<T extends Item>(c: string, item: T): Promise<T> {
    await this.tick();
    const r = this.stmt(`INSERT OR IGNORE INTO ${this.table(c)} (id, data) VALUES (?, ?)`).run(item._id, JSON.stringify(item));
    if (r.changes === 0) throw new DuplicateItemError(c, item._id);
    return item;
  }

  async save<T extends Item>(c: string, item: T): Promise<T> {
    await this.tick();
    this.stmt(`INSERT OR REPLACE INTO ${this.table(c)} (id, data) VALUES (?, ?)`).run(item._id, JSON.stringify(item));
    return item;
  }

  async remove(c: string, id: string): Promise<void> {
    await this.tick();
    this.stmt(`DELETE FROM ${this.table(c)} WHERE id = ?`).run(id);
  }

  async bulkSave<T extends Item>(c: string, items: T[]): Promise<void> {
    await this.tick();
    this.seed(c, items);
  }

  /** Synchronous bulk write (also for seeding benchmarks). */
  seed(c: string, items: Item[]) {
    const stmt = this.stmt(`INSERT OR REPLACE INTO ${this.table(c)} (id, data) VALUES (?, ?)`);
    this.db.transaction((xs: Item[]) => { for (const i of xs) stmt.run(i._id, JSON.stringify(i)); })(items);
  }

  async query<T extends Item>(c: string, opts: { filter?: Filter; sort?: { field: string; order: 'ASC' | 'DESC' }[]; limit?: number; skip?: number } = {}) {
    await this.tick();
    const t = this.table(c);
    const where: string[] = [];
    const args: unknown[] = [];
    const val = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);
    for (const [k, cond] of Object.entries(opts.filter ?? {})) {
      const col = this.col(t, k);
      if (cond && typeof cond === 'object' && !Array.isArray(cond)) {
        const ops: Record<string, string> = { $lt: '<', $lte: '<=', $gt: '>', $gte: '>=', $ne: '!=' };
        for (const [op, v] of Object.entries(cond as Record<string, unknown>)) {
          if (op === '$in') {
            const list = v as unknown[];
            if (!list.length) { where.push('0'); continue; }
            where.push(`${col} IN (${list.map(() => '?').join(',')})`);
            args.push(...list.map(val));
          } else if (ops[op]) { where.push(`${col} ${ops[op]} ?`); args.push(val(v)); } else throw new Error(`unsupported operator ${op}`);
        }
      } else { where.push(`${col} = ?`); args.push(val(cond)); }
    }
    const order = (opts.sort ?? []).map((s) => `${this.col(t, s.field)} ${s.order === 'DESC' ? 'DESC' : 'ASC'}`);
    const sql = `SELECT data FROM ${t}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}${order.length ? ` ORDER BY ${order.join(', ')}` : ''} LIMIT ? OFFSET ?`;
    const rows = this.stmt(sql).all(...args, opts.limit ?? 50, opts.skip ?? 0) as { data: string }[];
    return { items: rows.map((r) => JSON.parse(r.data) as T) };
  }

  close() { this.statements.clear(); this.db.close(); }
}
