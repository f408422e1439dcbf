// Admin web methods of the sync: start (or resume) an event's initial sync, or preview it as a plan;
// run the hourly repair on demand. Admin only; input validated; each call stops starting work after
// its time budget and answers whether to call again.
import { Permissions, webMethod } from 'wix-web-module';
import { z } from 'zod';
import { planTable, summarizePlan } from '../core/sync/planSync.js';
import { syncEvent, runHourly } from '../flows/sync.js';
import { addPresetMapping, type MappingPreset } from '../flows/syncConfig.js';
import { MAPPING_PRESETS } from '../core/sync/defaultMappings.js';
import { syncDeps } from './wiring/syncDeps.js';
import { recordReconcileReport } from '../flows/controlRoomSync.js';
import { inputProblem } from '../core/validation/zodIssues.js';
import { adminEventId } from '../core/controlRoom/controlRoomInput.js';
import { ACTION_BUDGET_MS } from './wiring/actionBudget.js';

const input = z.object({
  eventId: adminEventId,
  targetId: z.string().trim().min(1).max(100).optional(),
  dryRun: z.boolean().optional(),
  restart: z.boolean().optional(),
}).strict();

export const syncEventNow = webMethod(Permissions.Admin, async (raw: unknown) => {
  const p = input.safeParse(raw);
  if (!p.success) throw new Error(inputProblem('syncEventNow', p.error));
  // Deliveries are paced to the target's rate limit, so a page can take longer than a web method may
  // (~14 s): no new delivery starts after the budget, and the run resumes on the next call.
  const deps = syncDeps();
  const r = await syncEvent(deps, { ...p.data, deadline: deps.clock.now().getTime() + ACTION_BUDGET_MS });
  return {
    problems: r.problems,
    targets: r.targets.map((t) => ({
      targetId: t.targetId, done: t.done, resumed: t.resumed, counts: p.data.dryRun ? summarizePlan(t.plan) : t.counts,
      plan: p.data.dryRun ? planTable(t.plan) : undefined, warnings: t.warnings, failures: t.failures,
    })),
    callAgain: r.targets.some((t) => !t.done),
  };
});

/**
 * The hourly job's work on demand (re-queue ticked dead letters, reconcile, drain), within the same
 * budget as syncEventNow; `callAgain` is true while the budget cut it short (the reconcile resumes).
 */
export const syncRepairNow = webMethod(Permissions.Admin, async () => {
  const deps = syncDeps();
  const r = await runHourly(deps, { budgetMs: ACTION_BUDGET_MS, drainLimit: 50 });
  await recordReconcileReport(deps.collections, r.reconcile, r.complete, deps.clock.now());
  return { requeued: r.requeued, fixed: r.reconcile.fixed, missingExternally: r.reconcile.missingExternally, invalid: r.reconcile.invalid, problems: r.reconcile.problems, drain: r.drain, callAgain: !r.complete };
});

const presetInput = z.object({
  targetId: z.string().trim().min(1).max(100),
  preset: z.enum(Object.keys(MAPPING_PRESETS) as [MappingPreset, ...MappingPreset[]]).optional(),
}).strict();

/**
 * Copies a shipped field mapping (by default the target kind's) into SyncFieldMappings for a target:
 * the rows to start from, edited in the CMS afterwards. Fields the target already maps are skipped.
 */
export const addSyncMappingPreset = webMethod(Permissions.Admin, async (raw: unknown) => {
  const p = presetInput.safeParse(raw);
  if (!p.success) throw new Error(inputProblem('addSyncMappingPreset', p.error));
  return addPresetMapping(syncDeps(), p.data.targetId, p.data.preset);
});
