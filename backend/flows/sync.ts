// Sync flow index, for the Velo entry points (velo/events.ts loads it lazily, velo/jobs.ts and the web
// modules import it): mirror ticket definitions of mapped events to external ticketing systems.
// - onDefinitionChanged (syncTrigger.ts): a Wix event is only a trigger; re-read, plan, queue, deliver.
// - syncEvent (syncInitial.ts): initial sync of one event with cursor paging, resumable, with a dry-run plan.
// - reconcile (syncReconcile.ts), requeueDeadLetters (syncRequeue.ts), runHourly (syncHourly.ts).
export type { SyncDeps } from './syncDeps.js';
export { loadSyncConfig } from './syncConfig.js';
export { changeOf } from './syncChanges.js';
export { drainOutbox } from './syncOutbox.js';
export { summarizePlan } from '../core/sync/planSync.js';
export { syncEvent, type InitialSyncOptions, type InitialSyncProgress, type InitialSyncTargetReport } from './syncInitial.js';
export { onDefinitionChanged, type TriggerOutcome } from './syncTrigger.js';
export { reconcile, RECONCILE_RUN_ID, type ReconcileReport } from './syncReconcile.js';
export { requeueDeadLetters } from './syncRequeue.js';
export { runHourly, type HourlyOptions, type HourlyReport } from './syncHourly.js';
