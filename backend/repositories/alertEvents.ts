// SaleAlertEvents: the events somebody confirmed a subscription to (`_id` = eventId), recorded once:
// what a sweep reads definitions for, and what a sign-up over the made-up-event budget still accepts.
import { z } from 'zod';
import { COLLECTIONS } from '../collections.js';
import type { SaleAlertEvent } from '../core/alerts/saleAlertTypes.js';
import { readAllPages } from '../lib/readAllPages.js';
import type { Item } from '../ports.js';
import { insertOnce, rowSchema, validRows, type RepositoryDeps } from './storedRows.js';

const ID = COLLECTIONS.SaleAlertEvents.id;

export const alertEventSchema: z.ZodType<SaleAlertEvent> = z.looseObject({ _id: z.string().min(1), firstSubscribedAt: z.string() });
export const ALERT_EVENT_ROWS = rowSchema(ID, alertEventSchema);

export function alertEvents(deps: RepositoryDeps) {
  const c = deps.collections;
  const query = (skip: number, limit: number) => c.query<Item>(ID, { sort: [{ field: '_id', order: 'ASC' }], limit, skip });
  return {
    /** Whether the event has subscribers (its row exists). */
    has: async (eventId: string) => !!(await c.get(ID, eventId)),
    /** Records the event's first confirmed subscription; a later one changes nothing. */
    recordFirst: (eventId: string, at: string) => insertOnce(c, ID, { _id: eventId, firstSubscribedAt: at } satisfies SaleAlertEvent),
    /** Every event with subscribers, in `_id` order (pages of 100). */
    async all(): Promise<SaleAlertEvent[]> {
      return validRows(deps, ALERT_EVENT_ROWS, await readAllPages({ pageSize: 100, skip: async (skip, limit) => (await query(skip, limit)).items }));
    },
    /** One page of them, with the total. */
    async page(skip: number, limit: number): Promise<{ rows: SaleAlertEvent[]; total: number }> {
      const r = await query(skip, limit);
      return { rows: validRows(deps, ALERT_EVENT_ROWS, r.items), total: r.total ?? r.items.length };
    },
  };
}
