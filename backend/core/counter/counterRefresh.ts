// What one coalesced refresh reads and writes: pure rules over stored snapshots and fresh reads.
import type { TicketDef } from '../ticketDefinition.js';
import type { OrderChangeKind } from './orderChange.js';
import { counterSnapshots, snapshotsToWrite, type CounterSnapshot } from './counterSnapshot.js';

/**
 * The definitions a refresh reads: every one with a counter whose sale has not ended (orders and
 * cancellations can still move it), plus the ones the triggering order named (even when no counter
 * exists yet, or the sale ended and a cancellation gave tickets back). Sorted, no repeats.
 */
export function definitionsToRefresh(stored: readonly Pick<CounterSnapshot, 'definitionId' | 'saleStatus'>[], named: readonly string[]): string[] {
  const ids = new Set(named);
  for (const s of stored) if (s.saleStatus !== 'SALE_ENDED') ids.add(s.definitionId);
  return [...ids].sort();
}

/** The `named` definitions a refresh of the live counters does not take in: no counter yet, or their sale ended. */
export function notLive(stored: readonly Pick<CounterSnapshot, 'definitionId' | 'saleStatus'>[], named: readonly string[]): string[] {
  const live = new Set(stored.filter((s) => s.saleStatus !== 'SALE_ENDED').map((s) => s.definitionId));
  return named.filter((id) => !live.has(id));
}

export interface CounterChanges {
  /** Snapshots newer than what is stored. */
  write: CounterSnapshot[];
  /** Stored counter IDs to remove: the definition is gone, or the price point no longer exists. */
  remove: string[];
}

/**
 * Changes for one definition as read at `readAt` and answered at `answeredAt` (null: it no longer
 * exists), given its stored rows. Throws MissingSalesDetailsError when the read lacks sales details.
 */
export function counterChanges(def: TicketDef | null, stored: readonly CounterSnapshot[], readAt: Date, answeredAt: Date = readAt): CounterChanges {
  if (!def) return { write: [], remove: stored.map((s) => s._id) };
  const fresh = counterSnapshots(def, readAt, answeredAt);
  const keep = new Set(fresh.map((s) => s._id));
  return { write: snapshotsToWrite(fresh, [...stored]), remove: stored.filter((s) => !keep.has(s._id)).map((s) => s._id) };
}

/**
 * Whether an order delivery calls for a refresh. A confirmation moves only the definitions it names
 * (none: nothing to do). An update or deletion without tickets (a cancellation whose payload does not
 * list them) may have given any tickets back, so it refreshes the live counters.
 */
export function needsRefresh(kind: OrderChangeKind, definitionIds: readonly string[]): boolean {
  return definitionIds.length > 0 || kind !== 'confirmed';
}

/** Whether a "this definition ID does not exist" marker written at `marker.at` still holds at `now`. */
export function stillMissing(marker: { at?: unknown } | null | undefined, now: Date, ttlMs: number): boolean {
  if (!marker || typeof marker.at !== 'string') return false;
  const age = now.getTime() - Date.parse(marker.at);
  return age >= 0 && age < ttlMs;
}
