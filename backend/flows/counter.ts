// Counter flow: order events → coalesced salesDetails reads → TicketCounters snapshots.
// The data hook on TicketCounters (backend/velo/data.ts) pushes each written snapshot to visitors.
import { COLLECTIONS } from '../collections.js';
import { counterSnapshots, snapshotsToWrite, type CounterSnapshot } from '../core/counter/counterSnapshot.js';
import { orderChange, refreshSlot, type OrderChangeKind } from '../core/counter/orderChange.js';
import { DuplicateItemError, type ClockPort, type CollectionsPort, type LoggerPort, type TicketDefinitionsPort } from '../ports.js';

export interface CounterDeps {
  definitions: TicketDefinitionsPort;
  collections: CollectionsPort;
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
  | { outcome: 'duplicate'; key: string }
  | { outcome: 'handled'; key: string; refreshed: string[]; coalesced: string[] };

/** Handles one order delivery. Safe to call twice with the same event: the second is dropped. */
export async function handleOrderEvent(deps: CounterDeps, kind: OrderChangeKind, event: unknown): Promise<OrderEventResult> {
  const change = orderChange(kind, event);
  const fresh = await insertOnce(deps.collections, C.CounterOrderEvents.id, { _id: change.key, receivedAt: deps.clock.now().toISOString() });
  if (!fresh) return { outcome: 'duplicate', key: change.key };
  const results = await Promise.all(change.definitionIds.map(async (id) => [id, await requestRefresh(deps, id)] as const));
  return {
    outcome: 'handled',
    key: change.key,
    refreshed: results.filter(([, r]) => r).map(([id]) => id),
    coalesced: results.filter(([, r]) => !r).map(([id]) => id),
  };
}

/**
 * Refreshes the definition at the end of the current slot, unless another invocation already owns
 * that slot (then its read, taken later than now, includes our order). Returns whether we refreshed.
 */
export async function requestRefresh(deps: CounterDeps, definitionId: string): Promise<boolean> {
  const now = deps.clock.now();
  const slot = refreshSlot(definitionId, now, deps.slotMs ?? DEFAULT_SLOT_MS);
  const won = await insertOnce(deps.collections, C.CounterRefreshSlots.id, { _id: slot.id, definitionId, slotEnd: slot.endsAt.toISOString() });
  if (!won) return false;
  await deps.clock.sleep(Math.max(0, slot.endsAt.getTime() - now.getTime()) + SLOT_MARGIN_MS);
  await refreshCounters(deps, definitionId);
  return true;
}

/** Reads the definition with SALES_DETAILS and stores the snapshots that are newer and changed. */
export async function refreshCounters(deps: CounterDeps, definitionId: string): Promise<CounterSnapshot[]> {
  const readAt = deps.clock.now();
  const def = await deps.definitions.get(definitionId, { salesDetails: true });
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

/** Repair sweep: refresh every on-sale definition's counters and drop old dedup/slot records. */
export async function repairCounters(deps: CounterDeps, opts: { keepDedupHours?: number } = {}): Promise<{ refreshed: number; pruned: number }> {
  let refreshed = 0;
  let cursor: string | null = null;
  do {
    const page = await deps.definitions.querySaleStarted({ cursor, limit: 100 });
    for (const def of page.items) {
      await refreshCounters(deps, def._id);
      refreshed++;
    }
    cursor = page.nextCursor;
  } while (cursor);
  // Wix redelivers for up to 48 h: dedup keys must outlive that.
  const cutoff = new Date(deps.clock.now().getTime() - (opts.keepDedupHours ?? 72) * 3_600_000).toISOString();
  let pruned = 0;
  for (const [collection, field] of [[C.CounterOrderEvents.id, 'receivedAt'], [C.CounterRefreshSlots.id, 'slotEnd']] as const) {
    for (;;) {
      const { items } = await deps.collections.query(collection, { filter: { [field]: { $lt: cutoff } }, limit: 100 });
      if (!items.length) break;
      for (const it of items) await deps.collections.remove(collection, it._id);
      pruned += items.length;
    }
  }
  return { refreshed, pruned };
}

async function insertOnce(collections: CollectionsPort, collection: string, item: { _id: string; [k: string]: unknown }): Promise<boolean> {
  try {
    await collections.insert(collection, item);
    return true;
  } catch (e) {
    if (e instanceof DuplicateItemError) return false;
    throw e;
  }
}
