// CounterClaims: the counter flows' read schedule and memory (kinds and key formats:
// core/counter/counterClaims.ts and readBudget.ts): read marks claimed by the one invocation that will
// read, markers of definition IDs found missing, and the repair job's last run. Rows are checked on read.
import { z } from 'zod';
import { COLLECTIONS } from '../collections.js';
import { CLAIM_KINDS, missingMarkId, REPAIR_RUN_ID } from '../core/counter/counterClaims.js';
import { readMarkId, readMarkTime, recentReadMarks } from '../core/counter/readBudget.js';
import type { ClaimsPort, Item } from '../ports.js';
import { countOf, getRow, rowSchema, validRows, type RepositoryDeps } from './storedRows.js';

const ID = COLLECTIONS.CounterClaims.id;

export interface CounterClaim { _id: string; kind?: (typeof CLAIM_KINDS)[number]; definitionId?: string; at?: string }
export const claimSchema: z.ZodType<CounterClaim> = z.looseObject({ _id: z.string().min(1), kind: z.enum(CLAIM_KINDS).optional(), definitionId: z.string().optional(), at: z.string().optional() });
export const COUNTER_CLAIM_ROWS = rowSchema(ID, claimSchema);

/** The repair's last run as recorded (fields the control room shows; missing ones shown as none). */
export interface RepairRunRow { _id: string; at: string; by?: string | null; refreshed?: number | null; failed?: number | null; pruned?: number | null; complete?: boolean | null }
export const repairRunSchema: z.ZodType<RepairRunRow> = z.looseObject({
  _id: z.literal(REPAIR_RUN_ID), at: z.string(), by: z.string().nullish(),
  refreshed: z.number().nullish(), failed: z.number().nullish(), pruned: z.number().nullish(), complete: z.boolean().nullish(),
});
export const REPAIR_RUN_ROWS = rowSchema(ID, repairRunSchema);

export function counterClaims(deps: RepositoryDeps & { claims?: ClaimsPort }) {
  const c = deps.collections;
  return {
    /** The latest read mark since `now − windowMs` (epoch ms; null: none) and how many there are (one read). */
    async latestRead(now: Date, windowMs: number): Promise<{ latest: number | null; recent: number }> {
      const r = await c.query<Item>(ID, { filter: recentReadMarks(now, windowMs), sort: [{ field: '_id', order: 'DESC' }], limit: 1 });
      return { latest: r.items[0] ? readMarkTime(r.items[0]._id) : null, recent: r.total ?? r.items.length };
    },
    /** Claims the read at `at`; false when another invocation claimed the same time (its read covers the caller too). */
    async claimRead(at: Date): Promise<boolean> {
      if (!deps.claims) throw new Error('Claiming a counter read needs the ClaimsPort (CounterDeps.claims)');
      const mark = readMarkId(at);
      return (await deps.claims.claim(ID, [{ _id: mark, kind: 'read', at: at.toISOString() } satisfies CounterClaim])).has(mark);
    },
    /** Read marks since `now − windowMs` (one read). */
    readsSince: (now: Date, windowMs: number) => countOf(c, ID, recentReadMarks(now, windowMs)),

    /** The "does not exist" markers of these definitions, by definition ID. */
    async missingMarks(definitionIds: readonly string[]): Promise<Map<string, CounterClaim>> {
      const { items } = await c.query<Item>(ID, { filter: { _id: { $in: definitionIds.map(missingMarkId) } }, limit: definitionIds.length });
      const byId = new Map(validRows(deps, COUNTER_CLAIM_ROWS, items).map((m) => [m._id, m]));
      return new Map(definitionIds.flatMap((id) => { const m = byId.get(missingMarkId(id)); return m ? [[id, m] as const] : []; }));
    },
    /** How many definition IDs were found missing after `since` (ISO; one read). */
    missingSince: (since: string) => countOf(c, ID, { kind: 'missing', at: { $gt: since } }),
    /** Remembers that these definition IDs do not exist, as of `at`. */
    markMissing: (definitionIds: readonly string[], at: string) => c.bulkSave(ID, definitionIds.map((id) => ({ _id: missingMarkId(id), kind: 'missing', definitionId: id, at } satisfies CounterClaim))),

    repairRun: () => getRow(deps, REPAIR_RUN_ROWS, REPAIR_RUN_ID),
    /** Records the repair's run (`result`: its counts and whether it finished). */
    recordRepairRun: async (at: string, by: 'job' | 'dashboard', result: Record<string, number | boolean>) => {
      await c.save(ID, { _id: REPAIR_RUN_ID, kind: 'job', definitionId: '', at, by, ...result });
    },

    /** Removes up to `limit` items older than `cutoff` (by `at`, one read and a remove each); how many it removed. */
    async removeOlderThan(cutoff: string, limit: number): Promise<number> {
      const { items } = await c.query<Item>(ID, { filter: { at: { $lt: cutoff } }, limit });
      for (const it of items) await c.remove(ID, it._id);
      return items.length;
    },
  };
}
