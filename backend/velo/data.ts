// Data hooks (`<Collection>_<hook>`): they run for writes from code, REST and the CMS dashboard alike.
import { counterChannel, publicSnapshot } from '../core/counter/counterChannel.js';
import { snapshotToStore, visiblyDifferent, type CounterSnapshot } from '../core/counter/counterSnapshot.js';
import type { SyncConfigCollection } from '../core/sync/checkSyncRow.js';
import { wixRealtime } from '../wix/realtime.js';
import { invalidateCounterAnswersSoon } from '../wix/counterCache.js';

/**
 * A visible change is pushed at once to the pages that are open; the cached answers that newly opened
 * pages get are cleared at the end of the change's window (wix/counterCache.ts), which also pushes the
 * window's latest message again for pages that opened in between.
 */
async function pushCounter(item: CounterSnapshot) {
  const send = () => wixRealtime.publish(counterChannel(item.definitionId), { type: 'counter', snapshot: publicSnapshot(item) });
  await send();
  await invalidateCounterAnswersSoon({ key: item._id, send });
  return item;
}

/** Velo passes the stored item as `context.currentItem` to update hooks. */
interface UpdateContext { currentItem?: CounterSnapshot }

export const TicketCounters_afterInsert = pushCounter;

/** Two refreshes can cross: the one that read earlier but writes later must not win. */
export async function TicketCounters_beforeUpdate(item: CounterSnapshot, context: UpdateContext) {
  return snapshotToStore(item, context?.currentItem);
}

export async function TicketCounters_afterUpdate(item: CounterSnapshot, context: UpdateContext) {
  return visiblyDifferent(item, context?.currentItem) ? pushCounter(item) : item;
}

export async function TicketCounters_afterRemove(item: CounterSnapshot) {
  const send = () => wixRealtime.publish(counterChannel(item.definitionId), { type: 'removed', id: item._id });
  await send();
  await invalidateCounterAnswersSoon({ key: item._id, send });
  return item;
}

/** Throwing refuses the write; Wix shows the message to whoever made it (the CMS shows it to the owner). */
function refuseInvalid(collection: SyncConfigCollection) {
  return async (item: Record<string, unknown>) => {
    // Loaded here, not at the top: counter hooks fire far more often and need none of it.
    const { syncRowProblems } = await import('../core/sync/checkSyncRow.js');
    const { isLocalWix } = await import('./wiring/deployment.js');
    const problems = syncRowProblems(collection, item, { localWix: await isLocalWix() });
    if (problems) throw new Error(problems);
    return item;
  };
}

export const SyncTargets_beforeInsert = refuseInvalid('SyncTargets');
export const SyncTargets_beforeUpdate = refuseInvalid('SyncTargets');
export const SyncEventMappings_beforeInsert = refuseInvalid('SyncEventMappings');
export const SyncEventMappings_beforeUpdate = refuseInvalid('SyncEventMappings');
export const SyncFieldMappings_beforeInsert = refuseInvalid('SyncFieldMappings');
export const SyncFieldMappings_beforeUpdate = refuseInvalid('SyncFieldMappings');
