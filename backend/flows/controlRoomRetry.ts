// "Retry" in the control room: tick `retry` on one dead letter, some, or all of them (as the owner
// would in the CMS), then re-queue the ticked ones from the definitions as they are now and deliver
// what is due, within the caller's time budget. What is left stays ticked or due for the next call.
import type { OutboxItem } from '../core/sync/syncRows.js';
import { syncOutbox } from '../repositories/syncOutbox.js';
import { drainOutbox, loadSyncConfig, requeueDeadLetters, type SyncDeps } from './sync.js';

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
  const outbox = syncOutbox(deps);
  let toTick: OutboxItem[] = [];
  if (input.ids) {
    const dead = new Map((await outbox.withIds(input.ids)).filter((d) => d.state === 'dead').map((d) => [d._id, d]));
    for (const id of input.ids) if (!dead.has(id)) notDead.push(id);
    toTick = [...dead.values()].filter((d) => !d.retry);
  } else if (input.all) {
    toTick = (await outbox.deadLetters(input.targetId, TICK_PAGE)).filter((d) => !d.retry);
  }
  if (toTick.length) await outbox.saveAll(toTick.map((d) => ({ ...d, retry: true })));
  const config = await loadSyncConfig(deps);
  const re = await requeueDeadLetters(deps, { config, deadline: opts.deadline });
  const drain = await drainOutbox(deps, { config, limit: 100, deadline: opts.deadline });
  const remainingDead = await outbox.countDead(input.targetId);
  const stillTicked = await outbox.countTicked();
  return {
    ticked: toTick.length, notDead, requeued: re.requeued.length, cleared: re.cleared.length,
    delivered: drain.delivered, retried: drain.retried, deadLettered: drain.deadLettered, remainingDead,
    // More to tick (retry all), ticked ones not re-queued yet, or due ones the deadline cut off; only
    // while calls make progress (a paused target's ticked letters wait for the owner to fix it).
    callAgain: toTick.length + re.requeued.length + re.cleared.length + drain.delivered > 0
      && ((!!input.all && remainingDead > 0) || stillTicked > 0 || drain.outOfTime),
  };
}
