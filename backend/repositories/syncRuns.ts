// SyncRuns: the progress of each initial sync (`_id` = runId(target, event)), where a reconcile pass
// stopped (RECONCILE_RUN_ID) and the last reconcile's findings (RECONCILE_REPORT_ID). Runs are checked
// against `syncRunSchema` (core/sync/syncRows.ts); the findings row has its schema here.
import { z } from 'zod';
import { COLLECTIONS } from '../collections.js';
import { RECONCILE_REPORT_ID, RECONCILE_RUN_ID, runId, syncRunSchema, type SyncRun } from '../core/sync/syncRows.js';
import type { Item } from '../ports.js';
import { getRow, rowSchema, validRows, type RepositoryDeps } from './storedRows.js';

const ID = COLLECTIONS.SyncRuns.id;
export const SYNC_RUN_ROWS = rowSchema<SyncRun>(ID, syncRunSchema);

/** What the control room shows of the last reconcile: a run row plus the findings. */
export const reconcileReportSchema = syncRunSchema.extend({
  complete: z.boolean(),
  findings: z.array(z.string()),
  moreFindings: z.number().int().nonnegative(),
});
export type ReconcileReportRow = z.output<typeof reconcileReportSchema>;
export const RECONCILE_REPORT_ROWS = rowSchema<ReconcileReportRow>(ID, reconcileReportSchema);

export function syncRuns(deps: RepositoryDeps) {
  const c = deps.collections;
  return {
    /** The run of an initial sync of one event to one target. */
    ofEvent: (targetId: string, eventId: string) => getRow(deps, SYNC_RUN_ROWS, runId(targetId, eventId)),
    /** Where a reconcile pass stopped (state `running`), or its end (`done`). */
    reconcilePass: () => getRow(deps, SYNC_RUN_ROWS, RECONCILE_RUN_ID),
    save: async (run: SyncRun | z.input<typeof reconcileReportSchema>) => { await c.save(ID, run); },

    /** The initial-sync runs of a target (at most 100: one per mapped event shown). */
    async ofTarget(targetId: string): Promise<SyncRun[]> {
      return validRows(deps, SYNC_RUN_ROWS, (await c.query<Item>(ID, { filter: { targetId }, limit: 100 })).items);
    },

    /** The reconcile pass and the last findings, in one read. */
    async reconcileRecords(): Promise<{ pass: SyncRun | null; report: ReconcileReportRow | null }> {
      const { items } = await c.query<Item>(ID, { filter: { _id: { $in: [RECONCILE_RUN_ID, RECONCILE_REPORT_ID] } }, limit: 2 });
      const [pass] = validRows(deps, SYNC_RUN_ROWS, items.filter((i) => i._id === RECONCILE_RUN_ID));
      const [report] = validRows(deps, RECONCILE_REPORT_ROWS, items.filter((i) => i._id === RECONCILE_REPORT_ID));
      return { pass: pass ?? null, report: report ?? null };
    },
  };
}
