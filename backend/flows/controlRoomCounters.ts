// The control room's Counters section: one page of live counters with their last refresh, the
// refresh reads of the last minute against the read budget (the read marks the counter flow leaves
// in CounterClaims: what this package itself spends of the site's Wix API calls), and the repair
// job's last run. "Refresh all now" runs the repair within a web method's time and records it.
import { COLLECTIONS } from '../collections.js';
import { PAGE_SIZES } from '../core/controlRoom/controlRoomInput.js';
import { REPAIR_RUN_ID } from '../core/counter/counterClaims.js';
import { recentReadMarks } from '../core/counter/readBudget.js';
import type { CollectionsPort, Item } from '../ports.js';
import { DEFAULT_READ_BUDGET, repairCounters, type CounterDeps, type RepairResult } from './counter.js';

const C = COLLECTIONS;

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
  const [rows, reads, repair] = await Promise.all([
    // Live: every counter whose sale has not ended (the set each refresh slot reads).
    deps.collections.query<Item & Record<string, unknown>>(C.TicketCounters.id, { filter: { saleStatus: { $ne: 'SALE_ENDED' } }, sort: [{ field: 'definitionId', order: 'ASC' }, { field: '_id', order: 'ASC' }], limit: PAGE_SIZES.counters, skip: page * PAGE_SIZES.counters }),
    deps.collections.query(C.CounterClaims.id, { filter: recentReadMarks(now, budget.windowMs), limit: 1 }),
    deps.collections.get<Item & Record<string, unknown>>(C.CounterClaims.id, REPAIR_RUN_ID),
  ]);
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    counters: {
      items: rows.items.map((r) => ({
        id: r._id, definitionId: String(r.definitionId ?? ''), eventId: String(r.eventId ?? ''), label: String(r.label ?? ''), price: str(r.price), currency: str(r.currency),
        unsold: num(r.unsold), sold: num(r.sold), soldOut: r.soldOut === true, saleStatus: str(r.saleStatus), readAt: str(r.readAt),
      })),
      total: rows.total ?? rows.items.length, page, pageSize: PAGE_SIZES.counters,
    },
    reads: { lastMinute: reads.total ?? reads.items.length, budget: budget.reads, windowMs: budget.windowMs },
    lastRepair: repair && typeof repair.at === 'string' ? {
      at: repair.at, by: repair.by === 'dashboard' ? 'dashboard' : 'job', refreshed: num(repair.refreshed) ?? 0, failed: num(repair.failed) ?? 0, pruned: num(repair.pruned) ?? 0, complete: repair.complete === true,
    } : null,
  };
}

export async function recordRepairRun(collections: CollectionsPort, result: RepairResult, by: 'job' | 'dashboard', at: Date): Promise<void> {
  await collections.save(C.CounterClaims.id, { _id: REPAIR_RUN_ID, kind: 'job', definitionId: '', at: at.toISOString(), by, ...result });
}

/** "Refresh all now": the hourly repair on demand, stopped at `deadline`; recorded like the job's run. */
export async function refreshAllCounters(deps: CounterDeps, deadline: number): Promise<RepairResult> {
  const r = await repairCounters(deps, { deadline });
  await recordRepairRun(deps.collections, r, 'dashboard', deps.clock.now());
  return r;
}
