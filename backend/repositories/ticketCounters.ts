// TicketCounters: one snapshot per (definition, price point) (`_id` = counterId), what visitors are
// shown; a refresh pushes its writes, the data hooks every other change (core/counter/counterPush.ts). Rows are checked on read against the schema below.
import { z } from 'zod';
import { COLLECTIONS } from '../collections.js';
import type { CounterSnapshot } from '../core/counter/counterSnapshot.js';
import { readAllPages } from '../lib/readAllPages.js';
import type { Filter, Item } from '../ports.js';
import { inBulkChunks, rowSchema, validRows, type RepositoryDeps } from './storedRows.js';

const ID = COLLECTIONS.TicketCounters.id;
const MAX_PAGE = 1000;
const nullable = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? null);

export const counterSnapshotSchema: z.ZodType<CounterSnapshot> = z.looseObject({
  _id: z.string().min(1),
  definitionId: z.string().min(1),
  eventId: z.string(),
  pricePointKey: z.string(),
  label: z.string(),
  price: nullable(z.string()),
  currency: nullable(z.string()),
  unsold: nullable(z.number()),
  sold: z.number(),
  limit: nullable(z.number()),
  soldOut: z.boolean(),
  saleStatus: z.enum(['SALE_SCHEDULED', 'SALE_STARTED', 'SALE_ENDED']),
  saleStart: nullable(z.string()),
  saleEnd: nullable(z.string()),
  hidden: z.boolean(),
  readAt: z.string(),
  answeredAt: z.string().nullish(),
  revision: z.string(),
  pushedOver: z.string().nullish(),
});
export const COUNTER_ROWS = rowSchema(ID, counterSnapshotSchema);

/** Live: the sale has not ended (orders and cancellations can still move the counter). */
const LIVE: Filter = { saleStatus: { $ne: 'SALE_ENDED' } };

export function ticketCounters(deps: RepositoryDeps) {
  const c = deps.collections;
  /** Stored snapshots matching `filter`, read page by page. */
  const matching = async (filter: Filter) => validRows(deps, COUNTER_ROWS, await readAllPages({
    pageSize: MAX_PAGE, skip: async (skip, limit) => (await c.query<Item>(ID, { filter, limit, skip })).items,
  }));
  return {
    /** The stored snapshots of these definitions. */
    ofDefinitions: (definitionIds: readonly string[]) => matching(definitionIds.length === 1 ? { definitionId: definitionIds[0] } : { definitionId: { $in: [...definitionIds] } }),
    /** Every live counter's snapshots. */
    live: () => matching(LIVE),
    /** Writes snapshots (bulk saves of ≤1,000). */
    saveAll: (snapshots: readonly CounterSnapshot[]) => inBulkChunks(snapshots, (chunk) => c.bulkSave(ID, chunk)),
    remove: (id: string) => c.remove(ID, id),
    /** One page of live counters by definition, with the total. */
    async livePage(skip: number, limit: number): Promise<{ rows: CounterSnapshot[]; total: number }> {
      const r = await c.query<Item>(ID, { filter: LIVE, sort: [{ field: 'definitionId', order: 'ASC' }, { field: '_id', order: 'ASC' }], limit, skip });
      return { rows: validRows(deps, COUNTER_ROWS, r.items), total: r.total ?? r.items.length };
    },
  };
}
