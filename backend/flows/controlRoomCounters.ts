// The control room's Counters section: one page of live counters with their last refresh, the read
// marks of the last minute against the fast-read budget (the marks the counter flow leaves in
// CounterClaims: one per fast read; past the budget, a slow slot's checkpoints and tail, with one read
// per slot while orders keep coming), and the repair job's last run. "Refresh all now" runs the
// repair within a web method's time and records it.
import { PAGE_SIZES } from '../core/controlRoom/controlRoomInput.js';
import type { CounterSnapshot } from '../core/counter/counterSnapshot.js';
import type { CollectionsPort } from '../ports.js';
import { counterClaims } from '../repositories/counterClaims.js';
import { ticketCounters } from '../repositories/ticketCounters.js';
import { DEFAULT_READ_BUDGET, repairCounters, type CounterDeps, type RepairResult } from './counter.js';

export interface CounterRow {
  id: string; definitionId: string; eventId: string; label: string; price: string | null; currency: string | null;
  unsold: number | null; sold: number | null; soldOut: boolean; saleStatus: string | null; readAt: string | null;
}

export interface CountersSection {
  counters: { items: CounterRow[]; total: number; page: number; pageSize: number };
  reads: { lastMinute: number; budget: number; windowMs: number };
  lastRepair: { at: string; by: 'job' | 'dashboard'; refreshed: number; failed: number; pruned: number; complete: boolean } | null;
}

export async function countersSection(deps: Pick<CounterDeps, 'collections' | 'clock'>, input: { counterPage?: number } = {}): Promise<CountersSection> {
  const page = input.counterPage ?? 0;
  const now = deps.clock.now();
  const budget = DEFAULT_READ_BUDGET;
  const claims = counterClaims(deps);
  const [rows, lastMinute, repair] = await Promise.all([
    // Live: every counter whose sale has not ended (the set each refresh slot reads).
    ticketCounters(deps).livePage(page * PAGE_SIZES.counters, PAGE_SIZES.counters),
    claims.readsSince(now, budget.windowMs),
    claims.repairRun(),
  ]);
  return {
    counters: { items: rows.rows.map(counterRow), total: rows.total, page, pageSize: PAGE_SIZES.counters },
    reads: { lastMinute, budget: budget.reads, windowMs: budget.windowMs },
    lastRepair: repair ? {
      at: repair.at, by: repair.by === 'dashboard' ? 'dashboard' : 'job', refreshed: repair.refreshed ?? 0, failed: repair.failed ?? 0, pruned: repair.pruned ?? 0, complete: repair.complete === true,
    } : null,
  };
}

function counterRow(s: CounterSnapshot): CounterRow {
  return {
    id: s._id, definitionId: s.definitionId, eventId: s.eventId, label: s.label, price: s.price, currency: s.currency,
    unsold: s.unsold, sold: s.sold, soldOut: s.soldOut, saleStatus: s.saleStatus, readAt: s.readAt,
  };
}

export async function recordRepairRun(collections: CollectionsPort, result: RepairResult, by: 'job' | 'dashboard', at: Date): Promise<void> {
  await counterClaims({ collections }).recordRepairRun(at.toISOString(), by, { ...result });
}

/** "Refresh all now": the hourly repair on demand, stopped at `deadline`; recorded like the job's run. */
export async function refreshAllCounters(deps: CounterDeps, deadline: number): Promise<RepairResult> {
  const r = await repairCounters(deps, { deadline });
  await recordRepairRun(deps.collections, r, 'dashboard', deps.clock.now());
  return r;
}
