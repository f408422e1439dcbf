// In-memory fakes of the ports the counter flow uses, typed against the same interfaces.
import type { TicketDef } from '../../backend/core/ticketDefinition.js';
import { DuplicateItemError, type ClaimsPort, type ClockPort, type CollectionsPort, type Filter, type Item, type Page, type TicketDefinitionsPort } from '../../backend/ports.js';

export class MemoryCollections implements CollectionsPort, ClaimsPort {
  readonly data = new Map<string, Map<string, Item>>();
  writes = 0;
  private coll(c: string) {
    let m = this.data.get(c);
    if (!m) this.data.set(c, (m = new Map()));
    return m;
  }
  async get<T extends Item>(c: string, id: string): Promise<T | null> { const v = this.coll(c).get(id); return v ? (structuredClone(v) as T) : null; }
  async insert<T extends Item>(c: string, item: T) {
    if (this.coll(c).has(item._id)) throw new DuplicateItemError(c, item._id);
    this.writes++;
    this.coll(c).set(item._id, structuredClone(item));
    return item;
  }
  async save<T extends Item>(c: string, item: T) { this.writes++; this.coll(c).set(item._id, structuredClone(item)); return item; }
  async remove(c: string, id: string) { this.writes++; this.coll(c).delete(id); }
  async bulkSave<T extends Item>(c: string, items: T[]) { for (const i of items) await this.save(c, i); }
  async claim<T extends Item>(c: string, items: T[]) {
    const won = new Set<string>();
    for (const i of items) if (!this.coll(c).has(i._id)) { this.writes++; this.coll(c).set(i._id, structuredClone(i)); won.add(i._id); }
    return won;
  }
  async query<T extends Item>(c: string, opts: { filter?: Filter; limit?: number } = {}) {
    const all = [...this.coll(c).values()].filter((it) => matches(it as any, opts.filter ?? {}));
    return { items: structuredClone(all.slice(0, opts.limit ?? 50)) as T[], total: all.length };
  }
}

function matches(item: Record<string, unknown>, filter: Filter): boolean {
  return Object.entries(filter).every(([k, cond]) => {
    const v = item[k] as any;
    if (cond && typeof cond === 'object' && !Array.isArray(cond)) {
      const c = cond as Record<string, any>;
      if ('$lt' in c && !(v < c.$lt)) return false;
      if ('$gt' in c && !(v > c.$gt)) return false;
      if ('$in' in c && !c.$in.includes(v)) return false;
      return true;
    }
    return v === cond;
  });
}

/** Definitions with sales counts; `gets` counts reads so tests can bound them. */
export class MemoryDefinitions implements TicketDefinitionsPort {
  readonly defs = new Map<string, TicketDef>();
  gets = 0;
  /** Added to every read, to let reads overlap. */
  readDelayMs = 0;
  async get(id: string, opts: { salesDetails?: boolean } = {}) {
    this.gets++;
    const snapshotNow = structuredClone(this.defs.get(id) ?? null);
    if (this.readDelayMs) await new Promise((r) => setTimeout(r, this.readDelayMs));
    if (snapshotNow && !opts.salesDetails) delete snapshotNow.salesDetails;
    return snapshotNow;
  }
  async queryByEvent(eventId: string): Promise<Page<TicketDef>> {
    return { items: [...this.defs.values()].filter((d) => d.eventId === eventId), nextCursor: null };
  }
  async querySaleStarted(): Promise<Page<TicketDef>> {
    return { items: [...this.defs.values()].filter((d) => d.saleStatus === 'SALE_STARTED'), nextCursor: null };
  }
  sell(id: string, n: number) {
    const d = this.defs.get(id)!;
    const sd = d.salesDetails!;
    sd.soldCount += n;
    if (sd.unsoldCount !== null) sd.unsoldCount -= n;
    sd.soldOut = sd.unsoldCount === 0;
  }
}

export const realClock: ClockPort = { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

export function definition(over: Partial<TicketDef> & { _id: string }): TicketDef {
  return {
    eventId: 'ev1', revision: '1', name: 'General Admission', hidden: false, limited: true, initialLimit: 5, actualLimit: 5,
    pricingMethod: { fixedPrice: { value: '25.00', currency: 'USD' } }, saleStatus: 'SALE_STARTED',
    salesDetails: { unsoldCount: 5, soldCount: 0, reservedCount: 0, soldOut: false },
    ...over,
  };
}
