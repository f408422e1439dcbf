// The hourly repair job: every on-sale definition's counters refreshed, old claim records pruned.
import { counterClaims } from '../repositories/counterClaims.js';
import { ticketCounters } from '../repositories/ticketCounters.js';
import type { CounterDeps } from './counterDeps.js';
import { storeReads } from './counterRefresh.js';

export interface RepairResult { refreshed: number; failed: number; pruned: number; complete: boolean }

/**
 * Repair sweep: refresh every on-sale definition's counters (from the page read, no second read) and
 * prune CounterClaims items (read and missing marks) older than `keepDedupHours` (72 h). One failing definition is logged and skipped; nothing new starts after
 * `deadline` (epoch ms), and whatever is left waits for the next hourly run.
 */
export async function repairCounters(deps: CounterDeps, opts: { keepDedupHours?: number; deadline?: number } = {}): Promise<RepairResult> {
  const result: RepairResult = { refreshed: 0, failed: 0, pruned: 0, complete: true };
  const outOfTime = () => opts.deadline !== undefined && deps.clock.now().getTime() >= opts.deadline;
  let cursor: string | null = null;
  do {
    if (outOfTime()) { result.complete = false; return result; }
    const readAt = deps.clock.now();
    const page = await deps.definitions.querySaleStarted({ cursor, limit: 100 });
    const answeredAt = deps.clock.now();
    if (outOfTime()) { result.complete = false; return result; }
    const stored = page.items.length ? await ticketCounters(deps).ofDefinitions(page.items.map((d) => d._id)) : [];
    const r = await storeReads(deps, new Map(page.items.map((d) => [d._id, d])), stored, { readAt, answeredAt });
    result.refreshed += r.refreshed.length;
    result.failed += r.failed.length;
    cursor = page.nextCursor;
  } while (cursor);
  // Read marks are looked up for a minute and missing marks for 10 minutes: the cutoff keeps them well past any use.
  const cutoff = new Date(deps.clock.now().getTime() - (opts.keepDedupHours ?? 72) * 3_600_000).toISOString();
  for (;;) {
    if (outOfTime()) { result.complete = false; break; }
    const removed = await counterClaims(deps).removeOlderThan(cutoff, 100);
    if (!removed) break;
    result.pruned += removed;
  }
  return result;
}
