// Counter flow: order events → coalesced salesDetails reads → TicketCounters snapshots.
// The data hook on TicketCounters (backend/velo/data.ts) pushes each written snapshot to visitors.
import { COLLECTIONS } from '../collections.js';
import { counterSnapshots, snapshotsToWrite, type CounterSnapshot } from '../core/counter/counterSnapshot.js';
import { orderChange, refreshSlot, type OrderChangeKind } from '../core/counter/orderChange.js';
import type { ClaimsPort, ClockPort, CollectionsPort, LoggerPort, TicketDefinitionsPort } from '../ports.js';
import type { TicketDef } from '../core/ticketDefinition.js';

export interface CounterDeps {
  definitions: TicketDefinitionsPort;
  collections: CollectionsPort;
  claims: ClaimsPort;
  clock: ClockPort;
  logger?: LoggerPort;
  /** Width of a coalescing slot. Reads per definition are at most one per slot. */
  slotMs?: number;
}

export const DEFAULT_SLOT_MS = 250;
/** Past the slot's end, so that orders confirmed in the last instant of the slot are in the read. */
const SLOT_MARGIN_MS = 15;

const C = COLLECTIONS;

export type OrderEventResult =
  | { outcome: 'duplicate'; key: string; refreshed: string[] }
  | { outcome: 'handled'; key: string; refreshed: string[]; coalesced: string[] };

/**
 * Handles one order delivery. One Wix call claims both the delivery (redeliveries are dropped) and,
 * per definition, the current refresh slot. Whoever wins a slot refreshes that definition at the
 * slot's end: every order confirmed before then is in that read, so counts stay exact with at most
 * one read per definition and slot. Safe to call any number of times with the same event.
 */
export async function handleOrderEvent(deps: CounterDeps, kind: OrderChangeKind, event: unknown): Promise<OrderEventResult> {
  const change = orderChange(kind, event);
  const now = deps.clock.now();
  const slots = change.definitionIds.map((id) => ({ definitionId: id, ...refreshSlot(id, now, deps.slotMs ?? DEFAULT_SLOT_MS) }));
  const deliveryClaim = `order:${change.key}`;
  const won = await deps.claims.claim(C.CounterClaims.id, [
    { _id: deliveryClaim, kind: 'order', at: now.toISOString() },
    ...slots.map((s) => ({ _id: `slot:${s.id}`, kind: 'slot', definitionId: s.definitionId, at: s.endsAt.toISOString() })),
  ]);
  // A slot this call won is refreshed even for a redelivery: other orders in the slot rely on it.
  const mine = slots.filter((s) => won.has(`slot:${s.id}`));
  await Promise.all(mine.map(async (s) => {
    await deps.clock.sleep(Math.max(0, s.endsAt.getTime() - now.getTime()) + SLOT_MARGIN_MS);
    await refreshCounters(deps, s.definitionId);
  }));
  const refreshed = mine.map((s) => s.definitionId);
  if (!won.has(deliveryClaim)) return { outcome: 'duplicate', key: change.key, refreshed };
  return { outcome: 'handled', key: change.key, refreshed, coalesced: change.definitionIds.filter((id) => !refreshed.includes(id)) };
}

/** Reads the definition with SALES_DETAILS and stores the snapshots that are newer. */
export async function refreshCounters(deps: CounterDeps, definitionId: string): Promise<CounterSnapshot[]> {
  const readAt = deps.clock.now();
  const def = await deps.definitions.get(definitionId, { salesDetails: true });
  return storeCounters(deps, definitionId, def, readAt);
}

/** Stores the snapshots of a definition as read at `readAt` (null: it is gone). */
async function storeCounters(deps: CounterDeps, definitionId: string, def: TicketDef | null, readAt: Date): Promise<CounterSnapshot[]> {
  const stored = await storedSnapshots(deps.collections, definitionId);
  if (!def) {
    // Deleted: its counters go too (the remove hook tells visitors).
    for (const s of stored) await deps.collections.remove(C.TicketCounters.id, s._id);
    return [];
  }
  const fresh = counterSnapshots(def, readAt);
  const write = snapshotsToWrite(fresh, stored);
  if (write.length) await deps.collections.bulkSave(C.TicketCounters.id, write);
  // Price options removed from the definition leave stale counters behind: remove them.
  const keep = new Set(fresh.map((s) => s._id));
  for (const s of stored) if (!keep.has(s._id)) await deps.collections.remove(C.TicketCounters.id, s._id);
  return fresh;
}

export async function storedSnapshots(collections: CollectionsPort, definitionId: string): Promise<CounterSnapshot[]> {
  const { items } = await collections.query<CounterSnapshot & { _id: string }>(C.TicketCounters.id, { filter: { definitionId }, limit: 100 });
  return items;
}

/** What `getCounter` answers: stored snapshots, created by one read on first request. */
export async function countersFor(deps: CounterDeps, definitionId: string): Promise<CounterSnapshot[]> {
  const stored = await storedSnapshots(deps.collections, definitionId);
  if (stored.length) return stored.sort((a, b) => a.pricePointKey.localeCompare(b.pricePointKey));
  return refreshCounters(deps, definitionId);
}

export interface RepairResult { refreshed: number; failed: number; pruned: number; complete: boolean }

/**
 * Repair sweep: refresh every on-sale definition's counters (from the page read, no second read) and
 * drop old dedup/slot records. One failing definition is logged and skipped; nothing new starts after
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
    for (const def of page.items) {
      if (outOfTime()) { result.complete = false; return result; }
      try {
        await storeCounters(deps, def._id, def, readAt);
        result.refreshed++;
      } catch (e) {
        result.failed++;
        deps.logger?.warn('Counter repair: a definition failed', { definitionId: def._id, error: String((e as Error)?.message ?? e) });
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  // Wix redelivers for up to 48 h: dedup keys must outlive that.
  const cutoff = new Date(deps.clock.now().getTime() - (opts.keepDedupHours ?? 72) * 3_600_000).toISOString();
  for (;;) {
    if (outOfTime()) { result.complete = false; break; }
    const { items } = await deps.collections.query(C.CounterClaims.id, { filter: { at: { $lt: cutoff } }, limit: 100 });
    if (!items.length) break;
    for (const it of items) await deps.collections.remove(C.CounterClaims.id, it._id);
    result.pruned += items.length;
  }
  return result;
}
