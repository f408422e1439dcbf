// CollectionsPort (and ClaimsPort) in memory, with the query features the flows use (operators,
// sort, skip). Shared by the flow tests; typed against the same interfaces as the Wix adapter.
// Optional per-call latency lets tests interleave concurrent invocations.
import { DuplicateItemError, type BulkUpdatePort, type ClaimsPort, type CollectionsPort, type Filter, type Item } from '../../backend/ports.js';

export class MemoryCollections implements CollectionsPort, ClaimsPort, BulkUpdatePort {
  readonly data = new Map<string, Map<string, Item>>();
  calls = 0;
  /** Wix Data quota units: reads (get, query) and writes (insert, save, remove, bulk save, claim), one per call as Wix counts them. */
  reads = 0;
  writes = 0;
  /** Awaited before every call: 0 still yields to the event loop, so concurrent flows interleave. */
  latencyMs = 0;
  /** The raw store of one collection, for tests that arrange or inspect rows directly. */
  coll(c: string) {
    let m = this.data.get(c);
    if (!m) this.data.set(c, (m = new Map()));
    return m;
  }
  private async tick(kind: 'read' | 'write' = 'write') {
    this.calls++;
    if (kind === 'read') this.reads++; else this.writes++;
    await new Promise((r) => (this.latencyMs ? setTimeout(r, this.latencyMs) : setImmediate(r)));
  }
  all<T extends Item>(c: string): T[] { return [...this.coll(c).values()].map((v) => structuredClone(v) as T); }
  async get<T extends Item>(c: string, id: string): Promise<T | null> {
    await this.tick('read');
    const v = this.coll(c).get(id);
    return v ? (structuredClone(v) as T) : null;
  }
  async insert<T extends Item>(c: string, item: T) {
    await this.tick();
    if (this.coll(c).has(item._id)) throw new DuplicateItemError(c, item._id);
    this.coll(c).set(item._id, structuredClone(item));
    return item;
  }
  async save<T extends Item>(c: string, item: T) { await this.tick(); this.coll(c).set(item._id, structuredClone(item)); return item; }
  async remove(c: string, id: string) { await this.tick(); this.coll(c).delete(id); }
  async bulkSave<T extends Item>(c: string, items: T[]) { await this.tick(); for (const i of items) this.coll(c).set(i._id, structuredClone(i)); }
  /** As Wix's bulkUpdate: every item must exist (checked before any is written). */
  async bulkUpdate<T extends Item>(c: string, items: T[]) {
    await this.tick();
    const missing = items.find((i) => !this.coll(c).has(i._id));
    if (missing) throw new Error(`bulkUpdate in ${c}: item ${missing._id} does not exist`);
    for (const i of items) this.coll(c).set(i._id, structuredClone(i));
  }
  async claim<T extends Item>(c: string, items: T[]) {
    await this.tick();
    const won = new Set<string>();
    for (const i of items) if (!this.coll(c).has(i._id)) { this.coll(c).set(i._id, structuredClone(i)); won.add(i._id); }
    return won;
  }
  async query<T extends Item>(c: string, opts: { filter?: Filter; sort?: { field: string; order: 'ASC' | 'DESC' }[]; limit?: number; skip?: number } = {}) {
    await this.tick('read');
    let all = [...this.coll(c).values()].filter((it) => matchesFilter(it as unknown as Record<string, unknown>, opts.filter ?? {}));
    for (const s of [...(opts.sort ?? [])].reverse()) {
      all = all.sort((a, b) => {
        const x = (a as any)[s.field]; const y = (b as any)[s.field];
        const r = x < y ? -1 : x > y ? 1 : 0;
        return s.order === 'ASC' ? r : -r;
      });
    }
    const skip = opts.skip ?? 0;
    return { items: structuredClone(all.slice(skip, skip + (opts.limit ?? 50))) as T[], total: all.length };
  }
}

export function matchesFilter(item: Record<string, unknown>, filter: Filter): boolean {
  return Object.entries(filter).every(([k, cond]) => {
    const v = item[k] as any;
    if (cond && typeof cond === 'object' && !Array.isArray(cond)) {
      const c = cond as Record<string, any>;
      if ('$lt' in c && !(v < c.$lt)) return false;
      if ('$lte' in c && !(v <= c.$lte)) return false;
      if ('$gt' in c && !(v > c.$gt)) return false;
      if ('$gte' in c && !(v >= c.$gte)) return false;
      if ('$ne' in c && v === c.$ne) return false;
      if ('$in' in c && !c.$in.includes(v)) return false;
      return true;
    }
    return v === cond;
  });
}
