// In-memory fakes of the ports the counter flow uses, typed against the same interfaces.
import type { TicketDef } from '../../backend/core/ticketDefinition.js';
import type { ClockPort, Page, TicketDefinitionsPort } from '../../backend/ports.js';

export { MemoryCollections } from '../support/memoryCollections.js';

/** Definitions with sales counts; `gets` counts reads (one per call) so tests can bound them. */
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
  async getMany(ids: readonly string[], opts: { salesDetails?: boolean } = {}) {
    this.gets++;
    const found = structuredClone(ids.flatMap((id) => this.defs.get(id) ?? []));
    if (this.readDelayMs) await new Promise((r) => setTimeout(r, this.readDelayMs));
    if (!opts.salesDetails) for (const d of found) delete d.salesDetails;
    return found;
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
