// TicketDefinitionsPort over the genuine SDK (`ticketDefinitionsV2` in @wix/events serves the V3 API),
// elevated: visitors' invocations (web methods) must still be able to read sales details.
import { ticketDefinitionsV2 } from '@wix/events';
import { auth } from '@wix/essentials';
import type { TicketDef } from '../core/ticketDefinition.js';
import type { Page, TicketDefinitionsPort } from '../ports.js';
import { sdkErrorStatus } from './sdkErrors.js';

type SdkDefinition = ticketDefinitionsV2.TicketDefinition;

const iso = (d: unknown): string | null => (d instanceof Date ? d.toISOString() : typeof d === 'string' ? d : null);

/** SDK entity → core shape: Dates become ISO strings, absent booleans become false. */
export function toTicketDef(d: SdkDefinition): TicketDef {
  const sp = d.salePeriod;
  return {
    ...(d as unknown as TicketDef),
    _id: d._id!,
    eventId: d.eventId!,
    revision: d.revision ?? '0',
    name: d.name ?? '',
    hidden: d.hidden === true,
    limited: d.limited === true,
    salePeriod: sp ? { startDate: iso(sp.startDate), endDate: iso(sp.endDate), displayNotOnSale: sp.displayNotOnSale === true } : null,
    _createdDate: iso(d._createdDate),
    _updatedDate: iso(d._updatedDate),
    salesDetails: d.salesDetails
      ? { unsoldCount: d.salesDetails.unsoldCount ?? null, soldCount: d.salesDetails.soldCount ?? 0, reservedCount: d.salesDetails.reservedCount ?? 0, soldOut: d.salesDetails.soldOut === true }
      : undefined,
  } as TicketDef;
}

export function wixTicketDefinitions(): TicketDefinitionsPort {
  const get = auth.elevate(ticketDefinitionsV2.getTicketDefinition);
  const query = auth.elevate(ticketDefinitionsV2.queryTicketDefinitions);
  async function page(filter: Record<string, unknown>, opts: { cursor?: string | null; limit?: number; salesDetails?: boolean }): Promise<Page<TicketDef>> {
    const limit = Math.min(opts.limit ?? 100, 100);
    // The query-object form takes a cursor string, so a paged read can resume in a later invocation.
    const res = await query(
      opts.cursor ? { cursorPaging: { limit, cursor: opts.cursor } } : { filter, cursorPaging: { limit } },
      opts.salesDetails ? { fields: ['SALES_DETAILS'] } : undefined,
    );
    // Cursor paging: a next cursor is present exactly when there is a next page.
    return { items: (res.ticketDefinitions ?? []).map(toTicketDef), nextCursor: res.metadata?.cursors?.next ?? null };
  }
  return {
    async get(id, opts = {}) {
      try {
        return toTicketDef(await get(id, opts.salesDetails ? { fields: ['SALES_DETAILS'] } : undefined));
      } catch (e) {
        if (sdkErrorStatus(e) === 404) return null;
        throw e;
      }
    },
    async getMany(ids, opts = {}) {
      if (ids.length > 100) throw new RangeError(`getMany takes at most 100 IDs (got ${ids.length})`);
      if (!ids.length) return [];
      return (await page({ _id: { $in: [...ids] } }, { ...opts, limit: 100 })).items;
    },
    queryByEvent: (eventId, opts = {}) => page({ eventId }, opts),
    querySaleStarted: (opts = {}) => page({ saleStatus: 'SALE_STARTED' }, { ...opts, salesDetails: true }),
  };
}
