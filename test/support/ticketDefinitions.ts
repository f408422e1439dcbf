// Ticket Definitions V3 in memory, answering the way the local Wix (local-wix/server/ticketDefinitions.ts)
// answers the site's adapter (backend/wix/ticketDefinitions.ts): creation order, cursor pages of at most
// 100, `salesDetails` only when asked for, and the sale status worked out at read time from the sale
// period and the clock. `definition()` is the one builder of a definition for tests.
import type { TicketDef } from '../../backend/core/ticketDefinition.js';
import type { ClockPort, Page, TicketDefinitionsPort } from '../../backend/ports.js';
import { saleStatusAt } from '../../local-wix/server/ticketDefinitionModel.js';
import { MAX_PAGE } from '../../local-wix/server/ticketDefinitionPaging.js';
import { guid } from './guids.js';

/** getMany's limit (the adapter's, one query of `_id $in`). */
const MAX_IDS = 100;
const wallClock: Pick<ClockPort, 'now'> = { now: () => new Date() };

/**
 * A ticket definition as an owner creates it: five tickets at 25.00 USD for the event `guid('ev1')`,
 * none sold, no sale period (so on sale). `actualLimit`, `limited` and `salesDetails` follow
 * `initialLimit` unless given. The status is SALE_SCHEDULED when a sale start is given (a definition
 * made before its sale), otherwise SALE_STARTED; MemoryDefinitions recomputes it on every read.
 */
export function definition(over: Partial<TicketDef> & { _id: string }): TicketDef {
  const limit = over.initialLimit !== undefined ? over.initialLimit : 5;
  return {
    eventId: guid('ev1'), revision: '1', name: 'General Admission', hidden: false,
    limited: limit !== null, initialLimit: limit, actualLimit: limit,
    pricingMethod: { fixedPrice: { value: '25.00', currency: 'USD' } },
    saleStatus: over.salePeriod?.startDate ? 'SALE_SCHEDULED' : 'SALE_STARTED',
    salesDetails: { unsoldCount: limit, soldCount: 0, reservedCount: 0, soldOut: limit === 0 },
    ...over,
  };
}

interface Stored { seq: number; def: TicketDef }
interface Query { cursor?: string | null; limit?: number; salesDetails?: boolean }

/**
 * The definitions Wix holds. Arrange them with `put`, `delete` and `sell` (as an owner and buyers
 * would); `defs` is for reading. `calls` counts every Wix call; `latencyMs` is awaited after each
 * call has read its answer (0 still yields), so an answer can arrive after a later change.
 * A definition put without `salesDetails` is answered without them even when asked: a broken read,
 * for tests of what a flow does with one.
 */
export class MemoryDefinitions implements TicketDefinitionsPort {
  private readonly stored = new Map<string, Stored>();
  private seq = 0;
  calls = 0;
  latencyMs = 0;

  constructor(private readonly clock: Pick<ClockPort, 'now'> = wallClock) {}

  /** What Wix holds, by ID, in creation order (read-only; use put/delete/sell to change it). */
  get defs(): ReadonlyMap<string, TicketDef> {
    return new Map([...this.stored].map(([id, s]) => [id, s.def]));
  }

  /** An owner's create or update: an update raises the revision by one, as Wix does. */
  put(def: TicketDef): TicketDef {
    const prev = this.stored.get(def._id);
    const revision = prev ? String(Number(prev.def.revision) + 1) : def.revision;
    const stored = { seq: prev?.seq ?? ++this.seq, def: { ...structuredClone(def), revision } };
    this.stored.set(def._id, stored);
    return structuredClone(stored.def);
  }

  delete(id: string) { this.stored.delete(id); }

  /** Buyers take `n` tickets (a negative `n` gives them back). */
  sell(id: string, n: number) {
    const sd = this.stored.get(id)?.def.salesDetails;
    if (!sd) throw new Error(`no sales details for ${id}`);
    sd.soldCount += n;
    if (sd.unsoldCount !== null) sd.unsoldCount -= n;
    sd.soldOut = sd.unsoldCount === 0;
  }

  async get(id: string, opts: { salesDetails?: boolean } = {}) {
    const s = this.stored.get(id);
    return this.answer(s ? this.wire(s, opts.salesDetails) : null);
  }

  async getMany(ids: readonly string[], opts: { salesDetails?: boolean } = {}) {
    if (ids.length > MAX_IDS) throw new RangeError(`getMany takes at most ${MAX_IDS} IDs (got ${ids.length})`);
    if (!ids.length) return []; // the adapter makes no call
    const wanted = new Set(ids);
    return this.answer(this.inOrder().filter((s) => wanted.has(s.def._id)).map((s) => this.wire(s, opts.salesDetails)));
  }

  async queryByEvent(eventId: string, opts: Query = {}): Promise<Page<TicketDef>> {
    return this.answer(this.page((s) => s.def.eventId === eventId, opts));
  }

  /** The adapter always reads these with sales details. */
  async querySaleStarted(opts: Omit<Query, 'salesDetails'> = {}): Promise<Page<TicketDef>> {
    return this.answer(this.page((s) => this.statusOf(s.def) === 'SALE_STARTED', { ...opts, salesDetails: true }));
  }

  private inOrder(): Stored[] {
    return [...this.stored.values()].sort((a, b) => a.seq - b.seq);
  }

  /** A cursor page: the cursor says after which definition (by creation) the next page starts. */
  private page(match: (s: Stored) => boolean, opts: Query): Page<TicketDef> {
    const limit = Math.min(opts.limit ?? MAX_PAGE, MAX_PAGE);
    const after = opts.cursor ? Number(opts.cursor) : 0;
    if (!Number.isInteger(after) || after < 0) throw new Error(`cursor is invalid or expired: ${opts.cursor}`);
    const rest = this.inOrder().filter((s) => s.seq > after && match(s));
    const page = rest.slice(0, limit);
    const hasNext = page.length > 0 && rest.length > page.length;
    return { items: page.map((s) => this.wire(s, opts.salesDetails)), nextCursor: hasNext ? String(page[page.length - 1]!.seq) : null };
  }

  private statusOf(def: TicketDef) {
    const p = def.salePeriod;
    const iso = (d: string | null | undefined) => (d ? new Date(d).toISOString() : null);
    return saleStatusAt(p ? { startDate: iso(p.startDate), endDate: iso(p.endDate), displayNotOnSale: p.displayNotOnSale === true } : null, this.clock.now());
  }

  /** The definition as a read answers it (a copy, so later changes do not reach an answer). */
  private wire(s: Stored, withSales = false): TicketDef {
    const d = structuredClone(s.def);
    d.saleStatus = this.statusOf(d);
    if (!withSales) delete d.salesDetails;
    return d;
  }

  private async answer<T>(value: T): Promise<T> {
    this.calls++;
    await new Promise((r) => (this.latencyMs ? setTimeout(r, this.latencyMs) : setImmediate(r)));
    return value;
  }
}
