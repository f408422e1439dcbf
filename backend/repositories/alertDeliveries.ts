// SaleAlertDeliveries: the exactly-once log of sale alerts, one row per (subscription, definition,
// channel) (`_id` = deliveryKey, core/alerts/alertKeys.ts), claimed in bulk *before* the send and
// updated with its outcome. Rows are checked on read against the schema below.
import { z } from 'zod';
import { COLLECTIONS } from '../collections.js';
import type { DeliveryStatus, SaleAlertDelivery } from '../core/alerts/saleAlertTypes.js';
import { channelSchema, nullableText } from './alertSubscriptions.js';
import type { BulkUpdatePort, ClaimsPort, CollectionsPort, Item } from '../ports.js';
import { claimAll, countOf, getRow, idsBefore, inBulkChunks, rowSchema, validRows, type RepositoryDeps } from './storedRows.js';

const ID = COLLECTIONS.SaleAlertDeliveries.id;

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'skipped', 'unknown'] as const satisfies readonly DeliveryStatus[];

export const deliverySchema: z.ZodType<SaleAlertDelivery> = z.looseObject({
  _id: z.string().min(1),
  subscriptionId: z.string().min(1),
  definitionId: z.string().min(1),
  eventId: z.string().min(1),
  channel: channelSchema,
  status: z.enum(DELIVERY_STATUSES),
  saleStart: z.string(),
  claimedAt: z.string(),
  finishedAt: nullableText,
  error: nullableText,
  // Rows from before retries have no attempts (one) and no next attempt (not retried).
  attempts: z.number().int().positive().optional(),
  lastAttemptAt: z.string().nullish(),
  nextAttemptAt: z.string().nullish(),
});
export const DELIVERY_ROWS = rowSchema(ID, deliverySchema);

type DeliveryPort = CollectionsPort & ClaimsPort & BulkUpdatePort;

export function alertDeliveries(deps: RepositoryDeps<DeliveryPort>) {
  const c = deps.collections;
  return {
    get: (id: string) => getRow(deps, DELIVERY_ROWS, id),
    save: async (row: SaleAlertDelivery) => { await c.save(ID, row); },
    saveAll: (rows: SaleAlertDelivery[]) => c.bulkSave(ID, rows),
    remove: (id: string) => c.remove(ID, id),

    /** Inserts each new delivery row (bulk, ≤1,000 a request); the keys this invocation won, whose sends it owns. */
    claimNew: (rows: readonly SaleAlertDelivery[]) => claimAll(c, ID, rows),
    /** Writes the outcomes on rows that exist (bulk updates of ≤1,000). */
    recordOutcomes: (rows: readonly SaleAlertDelivery[]) => inBulkChunks(rows, (chunk) => c.bulkUpdate(ID, chunk)),

    /**
     * One page of failed deliveries whose next attempt has come, soonest first. `read` counts the rows
     * the page held (bad ones included), so a caller stepping over rows it cannot take pages right.
     */
    async dueForRetry(now: Date, limit: number, skip: number): Promise<{ rows: SaleAlertDelivery[]; read: number }> {
      const { items } = await c.query<Item>(ID, {
        filter: { status: 'failed', nextAttemptAt: { $lte: now.toISOString() } },
        sort: [{ field: 'nextAttemptAt', order: 'ASC' }, { field: '_id', order: 'ASC' }],
        limit, skip,
      });
      return { rows: validRows(deps, DELIVERY_ROWS, items), read: items.length };
    },
    /** The oldest sends still marked `pending`. */
    async oldestPending(limit: number): Promise<SaleAlertDelivery[]> {
      return validRows(deps, DELIVERY_ROWS, (await c.query<Item>(ID, { filter: { status: 'pending' }, sort: [{ field: 'claimedAt', order: 'ASC' }], limit })).items);
    },

    /** An event's deliveries with this status (failed: only those with a retry planned, when asked). */
    countForEvent: (eventId: string, status: DeliveryStatus, opts: { retryPlanned?: boolean } = {}) =>
      countOf(c, ID, { eventId, status, ...(opts.retryPlanned ? { nextAttemptAt: { $gt: '0' } } : {}) }),
    /** The oldest rows claimed before `cutoff`, for pruning. */
    prunable: (cutoff: string, limit: number) => idsBefore(c, ID, 'claimedAt', cutoff, limit),
  };
}
