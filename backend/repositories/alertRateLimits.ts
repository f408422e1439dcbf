// SaleAlertRateLimits: what limits sign-ups, each row with its `updatedAt` (pruned once its window has
// passed): an address's recent subscribe calls, the confirmation-email claims (one per mailbox a day,
// numbered slots per site an hour) and the memo of made-up event IDs, with numbered slots per window.
// Key formats: core/alerts/alertKeys.ts and confirmationLimits.ts. Rows are checked on read.
import { z } from 'zod';
import { COLLECTIONS } from '../collections.js';
import type { EventDetails } from '../core/alerts/alertEmail.js';
import { getRow, idsBefore, insertOnce, rowSchema, type RepositoryDeps } from './storedRows.js';

const ID = COLLECTIONS.SaleAlertRateLimits.id;

const historyRows = rowSchema(ID, z.looseObject({ _id: z.string(), attempts: z.array(z.string()) }));
const counterRows = rowSchema(ID, z.looseObject({ _id: z.string(), count: z.number().int() }));
const eventDetailsSchema: z.ZodType<EventDetails> = z.looseObject({
  eventId: z.string(), title: z.string(), timeZone: z.string().nullish().transform((v) => v ?? null), url: z.string(),
});
export interface EventMemo { _id: string; at: string; event: EventDetails | null; updatedAt?: string }
const memoRows = rowSchema<EventMemo>(ID, z.looseObject({ _id: z.string(), at: z.string(), event: eventDetailsSchema.nullish().transform((v) => v ?? null) }));
export const RATE_LIMIT_ROWS = { history: historyRows, counter: counterRows, memo: memoRows };

export function alertRateLimits(deps: RepositoryDeps) {
  const c = deps.collections;
  const claim = (id: string, at: string) => insertOnce(c, ID, { _id: id, updatedAt: at });
  /** How many numbered slots the counter row says are taken (only where a search for a free one starts). */
  const slotsTaken = async (counterId: string) => (await getRow(deps, counterRows, counterId))?.count ?? 0;
  return {
    /** The times of an address's recent subscribe calls. */
    history: async (id: string) => (await getRow(deps, historyRows, id))?.attempts ?? [],
    saveHistory: async (id: string, attempts: string[], at: string) => { await c.save(ID, { _id: id, attempts, updatedAt: at }); },

    /** Claims `id` (insert-once); false when it is taken. */
    claim,
    /** Gives a claim back (nothing was sent on it). */
    release: (id: string) => c.remove(ID, id),
    slotsTaken,
    /**
     * Claims the next free numbered slot below `cap` (insert-once, so two callers never share one);
     * the counter row only tells where to start looking. The slot's ID, or null when all are taken.
     */
    async claimNextSlot(counterId: string, slotId: (n: number) => string, cap: number, at: string): Promise<string | null> {
      for (let n = Math.max(0, await slotsTaken(counterId)); n < cap; n++) {
        const id = slotId(n);
        if (await claim(id, at)) {
          await c.save(ID, { _id: counterId, count: n + 1, updatedAt: at });
          return id;
        }
      }
      return null;
    },

    /** What the site knew of an event ID when last asked (null event: there is no such event). */
    eventMemo: (id: string) => getRow(deps, memoRows, id),
    saveEventMemo: async (id: string, event: EventDetails | null, at: string) => { await c.save(ID, { _id: id, at, event, updatedAt: at } satisfies EventMemo); },

    /** The oldest rows last updated before `cutoff`, for pruning. */
    prunable: (cutoff: string, limit: number) => idsBefore(c, ID, 'updatedAt', cutoff, limit),
    remove: (id: string) => c.remove(ID, id),
  };
}
