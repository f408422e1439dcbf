// SaleAlertSweeps: the sweep's cursor (SWEEP_CURSOR_ID) and the sale alerts' unique-ID claims, each
// `{_id, at}`: "sale done" markers, trigger and message claims, retry attempts and their write-offs
// (key formats: core/alerts/dueDefinitions.ts, alertKeys.ts, deliveryRetry.ts). Of invocations racing on
// one claim, exactly one gets it. Rows are checked on read against the schemas below.
import { z } from 'zod';
import { COLLECTIONS } from '../collections.js';
import { SWEEP_CURSOR_ID, type SweepCursor } from '../core/alerts/sweepChunks.js';
import type { ClaimsPort, CollectionsPort } from '../ports.js';
import { claimAll, getRow, idsBefore, insertOnce, rowSchema, takenIds, type RepositoryDeps } from './storedRows.js';

const ID = COLLECTIONS.SaleAlertSweeps.id;

const sweepCursorSchema: z.ZodType<SweepCursor> = z.looseObject({
  runId: z.string().min(1),
  startedAt: z.string(),
  targets: z.array(z.looseObject({ eventId: z.string().min(1), definitionIds: z.array(z.string()) })),
  targetIndex: z.number().int().nonnegative(),
  afterSubscriptionId: z.string().nullish().transform((v) => v ?? null),
  pageSize: z.number().int().positive(),
});
export interface SweepCursorRow { _id: string; cursor: SweepCursor | null; at: string }
export const cursorRowSchema: z.ZodType<SweepCursorRow> = z.looseObject({ _id: z.literal(SWEEP_CURSOR_ID), cursor: sweepCursorSchema.nullable(), at: z.string() });
export const CURSOR_ROWS = rowSchema(ID, cursorRowSchema);

export interface SweepClaim { _id: string; at?: string }
export const claimRowSchema: z.ZodType<SweepClaim> = z.looseObject({ _id: z.string().min(1), at: z.string().optional() });
export const SWEEP_CLAIM_ROWS = rowSchema(ID, claimRowSchema);

export function alertSweeps(deps: RepositoryDeps<CollectionsPort & ClaimsPort>) {
  const c = deps.collections;
  return {
    /** The stored cursor row (the run in progress or the last one); null when none or bad (reported). */
    cursorRow: () => getRow(deps, CURSOR_ROWS, SWEEP_CURSOR_ID),
    saveCursor: async (cursor: SweepCursor, at: string) => { await c.save(ID, { _id: SWEEP_CURSOR_ID, cursor, at } satisfies SweepCursorRow); },

    /** Claims `key` at `at`; false when another invocation holds it. */
    claim: (key: string, at: string) => insertOnce(c, ID, { _id: key, at } satisfies SweepClaim),
    /** Claims many keys in bulk (≤1,000 a request); the keys this invocation won. */
    claimAll: (keys: readonly string[], at: string) => claimAll(c, ID, keys.map((k) => ({ _id: k, at } satisfies SweepClaim))),
    /** The claim on `key`, or null when nobody holds it. */
    claimOn: (key: string) => getRow(deps, SWEEP_CLAIM_ROWS, key),
    /** Which of these keys are claimed (one read). */
    claimed: (keys: readonly string[]) => takenIds(c, ID, keys),

    /** The oldest claims and markers from before `cutoff`, for pruning; never the cursor. */
    prunable: (cutoff: string, limit: number) => idsBefore(c, ID, 'at', cutoff, limit, { _id: { $ne: SWEEP_CURSOR_ID } }),
    remove: (id: string) => c.remove(ID, id),
  };
}
