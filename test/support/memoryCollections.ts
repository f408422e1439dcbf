// CollectionsPort (and ClaimsPort) in memory, with the query features the flows use (operators,
// sort, skip). Shared by the flow tests; typed against the same interfaces as the Wix adapter.
// Filters and sorts are the local Wix's own (local-wix/server/dataQuery.ts), given the port's filter
// as the adapter hands it to the SDK. Optional per-call latency lets tests interleave concurrent invocations.
import { DuplicateItemError, type BulkUpdatePort, type ClaimsPort, type CollectionsPort, type Filter, type Item } from '../../backend/ports.js';
import { compareSortKeys, matches, sortKeys, validateFilter } from '../../local-wix/server/dataQuery.js';

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
    const filter = wixFilter(opts.filter ?? {});
    validateFilter(filter);
    let all = [...this.coll(c).values()].map((it) => ({ it, wire: wireForm(it as unknown as Record<string, unknown>) })).filter((r) => matches(r.wire, filter));
    if (opts.sort?.length) {
      const spec = opts.sort.map((s) => ({ fieldName: s.field, order: s.order }));
      const byKeys = compareSortKeys(spec);
      all = all.sort((a, b) => byKeys(sortKeys(a.wire, spec), sortKeys(b.wire, spec)));
    }
    const skip = opts.skip ?? 0;
    return { items: structuredClone(all.slice(skip, skip + (opts.limit ?? 50)).map((r) => r.it)) as T[], total: all.length };
  }
}

/** An item's fields as the SDK sends them to Wix Data: dates as `{$date}`. */
function wireForm(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) out[k] = v instanceof Date ? { $date: v.toISOString() } : v;
  return out;
}

/** The operators the port (and the Wix adapter) take. */
const PORT_OPS = new Set(['$lt', '$lte', '$gt', '$gte', '$in', '$ne', '$eq']);

/**
 * The port's filter as the adapter builds it with the SDK (backend/wix/collections.ts applyFilter):
 * `$in` is `hasSome`; an operator the adapter does not take is refused, as the adapter refuses it.
 */
function wixFilter(filter: Filter): Record<string, unknown> {
  const operand = (v: unknown) => (v instanceof Date ? { $date: v.toISOString() } : v);
  return Object.fromEntries(Object.entries(filter).map(([field, cond]) => {
    const isOps = !!cond && typeof cond === 'object' && !Array.isArray(cond) && !(cond instanceof Date) && Object.keys(cond).every((k) => k.startsWith('$'));
    if (!isOps) return [field, { $eq: operand(cond) }];
    return [field, Object.fromEntries(Object.entries(cond as Record<string, unknown>).map(([op, v]) => {
      if (!PORT_OPS.has(op)) throw new Error(`Unsupported filter operator ${op} on ${field}`);
      return op === '$in' ? ['$hasSome', v] : [op, operand(v)];
    }))];
  }));
}

/** Whether an item satisfies a port filter, as Wix Data decides it. */
export function matchesFilter(item: Record<string, unknown>, filter: Filter): boolean {
  return matches(wireForm(item), wixFilter(filter));
}
