// Data hooks (`<Collection>_<hook>`): they run for writes from code, REST and the CMS dashboard alike.
import { counterChannel } from '../core/counter/counterChannel.js';
import { counterPush, pushedByRefresh } from '../core/counter/counterPush.js';
import { snapshotToStore, visiblyDifferent, type CounterSnapshot } from '../core/counter/counterSnapshot.js';
import type { SyncConfigCollection } from '../core/sync/checkSyncRow.js';
import { wixRealtime } from '../wix/realtime.js';
import { invalidateCounterAnswers } from '../wix/counterCache.js';
import { refreshWrite } from '../core/counter/cacheWindow.js';

/** A visible change goes to the pages that are open at once (unless its refresh pushed it already). */
async function pushCounter(item: CounterSnapshot, current?: CounterSnapshot) {
  if (pushedByRefresh(item, current)) return item;
  const { channel, message } = counterPush(item);
  await wixRealtime.publish(channel, message);
  return item;
}

/** Velo passes the stored item as `context.currentItem` to update hooks. */
interface UpdateContext { currentItem?: CounterSnapshot }

export async function TicketCounters_afterInsert(item: CounterSnapshot) {
  return pushCounter(item);
}

/** Two refreshes can cross: an older read (core/counter/counterSnapshot.ts isNewerSnapshot) that writes later must not win. */
export async function TicketCounters_beforeUpdate(item: CounterSnapshot, context: UpdateContext) {
  return snapshotToStore(item, context?.currentItem);
}

/**
 * A refresh's write (a newer read) is cleared from the cached page answers by the refresh itself, at the
 * end of its cache window (flows/counterRefresh.ts); any other visible change (an edit in the CMS) at once.
 */
export async function TicketCounters_afterUpdate(item: CounterSnapshot, context: UpdateContext) {
  if (!visiblyDifferent(item, context?.currentItem)) return item;
  if (!refreshWrite(item, context?.currentItem)) await invalidateCounterAnswers();
  return pushCounter(item, context?.currentItem);
}

export async function TicketCounters_afterRemove(item: CounterSnapshot) {
  await invalidateCounterAnswers();
  await wixRealtime.publish(counterChannel(item.definitionId), { type: 'removed', id: item._id });
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
