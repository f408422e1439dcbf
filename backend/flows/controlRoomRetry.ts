// "Retry" in the control room: tick `retry` on one dead letter, some, or all of them (as the owner
// would in the CMS), then re-queue the ticked ones from the definitions as they are now and deliver
// what is due, within the caller's time budget. What is left stays ticked or due for the next call.
import { COLLECTIONS } from '../collections.js';
import { outboxItemSchema, type OutboxItem } from '../core/sync/syncRows.js';
import type { Item } from '../ports.js';
import { drainOutbox, loadSyncConfig, requeueDeadLetters, type SyncDeps } from './sync.js';

const C = COLLECTIONS;
/** Dead letters ticked per call when the owner retries all of them (one bulk save). */
const TICK_PAGE = 500;


export interface RetryResult {
  /** Dead letters this call ticked for retry. */
  ticked: number;
  /** IDs asked for that are not dead letters (delivered meanwhile, or unknown). */
  notDead: string[];
  requeued: number;
  /** Re-queued slots whose definition needed nothing any more, removed. */
  cleared: number;
  delivered: number;
  retried: number;
  deadLettered: number;
  /** Dead letters still waiting (not yet ticked, or ticked but not re-queued in time). */
  remainingDead: number;
  callAgain: boolean;
}

export async function retryDeadLetters(deps: SyncDeps, input: { ids?: string[]; all?: boolean; targetId?: string }, opts: { deadline: number }): Promise<RetryResult> {
  const notDead: string[] = [];
  let toTick: OutboxItem[] = [];
  if (input.ids) {
    const { items } = await deps.collections.query<Item>(C.SyncOutbox.id, { filter: { _id: { $in: input.ids } }, limit: input.ids.length });
    const dead = new Map(items.flatMap((r) => { const p = outboxItemSchema.safeParse(r); return p.success && p.data.state === 'dead' ? [[p.data._id, p.data] as const] : []; }));
    for (const id of input.ids) if (!dead.has(id)) notDead.push(id);
    toTick = [...dead.values()].filter((d) => !d.retry);
  } else if (input.all) {
    const { items } = await deps.collections.query<Item>(C.SyncOutbox.id, { filter: { state: 'dead', ...(input.targetId ? { targetId: input.targetId } : {}) }, sort: [{ field: '_id', order: 'ASC' }], limit: TICK_PAGE });
    toTick = items.flatMap((r) => { const p = outboxItemSchema.safeParse(r); return p.success && !p.data.retry ? [p.data] : []; });
  }
  if (toTick.length) await deps.collections.bulkSave(C.SyncOutbox.id, toTick.map((d) => ({ ...d, retry: true })));
  const config = await loadSyncConfig(deps);
  const re = await requeueDeadLetters(deps, { config, deadline: opts.deadline });
  const drain = await drainOutbox(deps, { config, limit: 100, deadline: opts.deadline });
  const left = await deps.collections.query(C.SyncOutbox.id, { filter: { state: 'dead', ...(input.targetId ? { targetId: input.targetId } : {}) }, limit: 1 });
  const stillTicked = await deps.collections.query(C.SyncOutbox.id, { filter: { state: 'dead', retry: true }, limit: 1 });
  const remainingDead = left.total ?? left.items.length;
  return {
    ticked: toTick.length, notDead, requeued: re.requeued.length, cleared: re.cleared.length,
    delivered: drain.delivered, retried: drain.retried, deadLettered: drain.deadLettered, remainingDead,
    // More to tick (retry all), ticked ones not re-queued yet, or due ones the deadline cut off; only
    // while calls make progress (a paused target's ticked letters wait for the owner to fix it).
    callAgain: toTick.length + re.requeued.length + re.cleared.length + drain.delivered > 0
      && ((!!input.all && remainingDead > 0) || (stillTicked.total ?? stillTicked.items.length) > 0 || drain.outOfTime),
  };
}
