// Counter flow: order events → coalesced salesDetails reads → TicketCounters snapshots.
// The data hook on TicketCounters (backend/velo/data.ts) pushes each written snapshot to visitors.
import { COLLECTIONS } from '../collections.js';
import { counterSnapshots, type CounterSnapshot } from '../core/counter/counterSnapshot.js';
import { counterChanges, definitionsToRefresh, needsRefresh, notLive, stillMissing, type CounterChanges } from '../core/counter/counterRefresh.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';
import { readMarkId, readTime, recentReadMarks, type ReadBudget } from '../core/counter/readBudget.js';
import { orderChange, refreshSlot, type OrderChangeKind } from '../core/counter/orderChange.js';
import type { ClaimsPort, ClockPort, CollectionsPort, Filter, LoggerPort, TicketDefinitionsPort } from '../ports.js';
import type { TicketDef } from '../core/ticketDefinition.js';

export interface CounterDeps {
  definitions: TicketDefinitionsPort;
  collections: CollectionsPort;
  claims: ClaimsPort;
  clock: ClockPort;
  logger?: LoggerPort;
  /** Width of a coalescing slot: at most one refresh read per slot while the read budget lasts. */
  slotMs?: number;
  /** Width of the slot refreshes fall back to once the read budget is used up. */
  slowSlotMs?: number;
  /** Refresh reads allowed per window before falling back to the slow slot. */
  readBudget?: ReadBudget;
}

export const DEFAULT_SLOT_MS = 100;
export const DEFAULT_SLOW_SLOT_MS = 1000;
/** Half of Wix's ~200 calls a minute, leaving the rest to getCounter, sync and alerts. */
export const DEFAULT_READ_BUDGET: ReadBudget = { reads: 100, windowMs: 60_000 };
/** Past the slot's end, so that orders confirmed in the last instant of the slot are in the read. */
const SLOT_MARGIN_MS = 15;

const C = COLLECTIONS;
const MAX_IDS_PER_QUERY = 100;
const MAX_PAGE = 1000;
const MAX_BULK = 1000;
/** How long getCounter remembers that a definition ID does not exist. */
export const MISSING_TTL_MS = 10 * 60_000;

export type OrderEventResult =
  | { outcome: 'duplicate'; key: string; refreshed: string[] }
  | { outcome: 'handled'; key: string; refreshed: string[]; coalesced: string[] };

/**
 * Handles one order delivery. One Wix call claims both the delivery (redeliveries are dropped) and the
 * current site-wide refresh slot. Whoever wins the slot reads, at the slot's end, every live counter's
 * definition in one query: every order confirmed before then is in that read, so counts stay exact with
 * one Ticket Definitions call per slot, however many orders and definitions the slot saw.
 * Safe to call any number of times with the same event.
 */
export async function handleOrderEvent(deps: CounterDeps, kind: OrderChangeKind, event: unknown): Promise<OrderEventResult> {
  const change = orderChange(kind, event);
  const now = deps.clock.now();
  const slot = refreshSlot(now, deps.slotMs ?? DEFAULT_SLOT_MS);
  const deliveryClaim = `order:${change.key}`;
  const slotClaim = `slot:${slot.id}`;
  const claims = [{ _id: deliveryClaim, kind: 'order', at: now.toISOString() }];
  if (needsRefresh(kind, change.definitionIds)) claims.push({ _id: slotClaim, kind: 'slot', at: slot.endsAt.toISOString() });
  const won = await deps.claims.claim(C.CounterClaims.id, claims);
  // A slot this call won is refreshed even for a redelivery: other orders in the slot rely on it.
  let refreshed: string[] = [];
  if (won.has(slotClaim)) {
    // Which counters are live does not depend on the slot's orders: look them up while the slot runs,
    // so only the definitions' read (which must start after the slot) and the save follow its end.
    const [stored, read] = await Promise.all([liveSnapshots(deps, change.definitionIds), scheduleRead(deps, now, slot.endsAt)]);
    // Until the read time from *now*: the claims took time, and waiting from `now` would read late.
    await deps.clock.sleep(Math.max(0, read.at.getTime() - deps.clock.now().getTime()) + SLOT_MARGIN_MS);
    if (read.mine) {
      refreshed = (await refreshLiveCounters(deps, change.definitionIds, stored)).refreshed;
    } else {
      // Another winner reads at the same time (over budget: one read per slow slot). Its read takes in
      // every live counter, but not this order's definitions that have none live: read those here.
      const others = notLive(stored, change.definitionIds);
      if (others.length) refreshed = (await refreshLiveCounters(deps, others, stored.filter((s) => others.includes(s.definitionId)))).refreshed;
    }
  }
  if (!won.has(deliveryClaim)) return { outcome: 'duplicate', key: change.key, refreshed };
  return { outcome: 'handled', key: change.key, refreshed, coalesced: change.definitionIds.filter((id) => !refreshed.includes(id)) };
}

/**
 * When the slot winner reads (see core/counter/readBudget.ts): at its slot's end while the site is
 * within its read budget, else at the slow slot's end. `mine` is false when another winner already
 * reads at that very time: its read of the live counters covers this slot's orders too.
 */
async function scheduleRead(deps: CounterDeps, now: Date, slotEnd: Date): Promise<{ at: Date; mine: boolean }> {
  const budget = deps.readBudget ?? DEFAULT_READ_BUDGET;
  const recent = await deps.collections.query(C.CounterClaims.id, { filter: recentReadMarks(now, budget.windowMs), limit: 1 });
  const at = readTime(now, slotEnd, deps.slowSlotMs ?? DEFAULT_SLOW_SLOT_MS, recent.total ?? recent.items.length, budget);
  const mark = readMarkId(at);
  const won = await deps.claims.claim(C.CounterClaims.id, [{ _id: mark, kind: 'read', at: at.toISOString() }]);
  return { at, mine: won.has(mark) };
}

/** Reads one definition with SALES_DETAILS and stores the snapshots that are newer. */
export async function refreshCounters(deps: CounterDeps, definitionId: string): Promise<CounterSnapshot[]> {
  const readAt = deps.clock.now();
  const def = await deps.definitions.get(definitionId, { salesDetails: true });
  // Stored rows read after the definition: a newer read that landed meanwhile is seen and kept.
  const stored = await storedSnapshots(deps.collections, [definitionId]);
  const changes = counterChanges(def, stored, readAt);
  await applyChanges(deps, changes);
  return def ? counterSnapshots(def, readAt) : [];
}

export interface LiveRefresh { refreshed: string[]; failed: string[] }

/**
 * One slot's refresh: the definitions of every live counter plus `named` (the slot winner's own order),
 * read in queries of up to 100 with SALES_DETAILS, then the changed snapshots written in one bulk save.
 * `stored` (the live counters' rows) may have been read beforehand, while the slot was still running.
 * A definition a query does not return is checked with a single get (gone: its counters are removed).
 * The stored rows compared against were read before the definitions; a newer read that lands in
 * between is kept by the TicketCounters_beforeUpdate hook, which never lets an older read replace it.
 */
export async function refreshLiveCounters(deps: CounterDeps, named: readonly string[], stored?: CounterSnapshot[]): Promise<LiveRefresh> {
  stored ??= await liveSnapshots(deps, named);
  const ids = definitionsToRefresh(stored, named);
  const readAt = deps.clock.now();
  const read = await readDefinitions(deps, ids);
  return storeReads(deps, read, stored, readAt);
}

/** Stored snapshots of every live counter, plus those of the `named` definitions. */
async function liveSnapshots(deps: CounterDeps, named: readonly string[]): Promise<CounterSnapshot[]> {
  const live = await pagedSnapshots(deps.collections, { saleStatus: { $ne: 'SALE_ENDED' } });
  const known = new Set(live.map((s) => s.definitionId));
  const unknown = named.filter((id) => !known.has(id));
  return unknown.length ? [...live, ...(await storedSnapshots(deps.collections, unknown))] : live;
}

/** Each ID → the definition with sales details, or null when it does not exist. */
async function readDefinitions(deps: CounterDeps, ids: readonly string[]): Promise<Map<string, TicketDef | null>> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_QUERY) chunks.push(ids.slice(i, i + MAX_IDS_PER_QUERY));
  const pages = await mapConcurrent(chunks, 4, (chunk) => deps.definitions.getMany(chunk, { salesDetails: true }));
  const read = new Map<string, TicketDef | null>(pages.flat().map((d) => [d._id, d]));
  // Not in the query's answer: confirm with a get before treating it as deleted.
  const missing = ids.filter((id) => !read.has(id));
  await mapConcurrent(missing, 4, async (id) => { read.set(id, await deps.definitions.get(id, { salesDetails: true })); });
  return read;
}

/** Stores what `read` (all read at `readAt`) changes against `stored`; one failing definition is logged and skipped. */
async function storeReads(deps: CounterDeps, read: Map<string, TicketDef | null>, stored: readonly CounterSnapshot[], readAt: Date): Promise<LiveRefresh> {
  const byDefinition = new Map<string, CounterSnapshot[]>();
  for (const s of stored) byDefinition.set(s.definitionId, [...(byDefinition.get(s.definitionId) ?? []), s]);
  const all: CounterChanges = { write: [], remove: [] };
  const result: LiveRefresh = { refreshed: [], failed: [] };
  for (const [id, def] of read) {
    try {
      const c = counterChanges(def, byDefinition.get(id) ?? [], readAt);
      all.write.push(...c.write);
      all.remove.push(...c.remove);
      result.refreshed.push(id);
    } catch (e) {
      result.failed.push(id);
      deps.logger?.warn('Counter refresh: a definition failed', { definitionId: id, error: String((e as Error)?.message ?? e) });
    }
  }
  await applyChanges(deps, all);
  return result;
}

async function applyChanges(deps: CounterDeps, changes: CounterChanges): Promise<void> {
  for (let i = 0; i < changes.write.length; i += MAX_BULK) await deps.collections.bulkSave(C.TicketCounters.id, changes.write.slice(i, i + MAX_BULK));
  // Deleted definitions and removed price options (rare); the remove hook tells visitors.
  for (const id of changes.remove) await deps.collections.remove(C.TicketCounters.id, id);
}

/** Stored snapshots of these definitions. */
export async function storedSnapshots(collections: CollectionsPort, definitionIds: readonly string[]): Promise<CounterSnapshot[]> {
  return pagedSnapshots(collections, definitionIds.length === 1 ? { definitionId: definitionIds[0] } : { definitionId: { $in: [...definitionIds] } });
}

async function pagedSnapshots(collections: CollectionsPort, filter: Filter): Promise<CounterSnapshot[]> {
  const out: CounterSnapshot[] = [];
  for (let skip = 0; ; skip += MAX_PAGE) {
    const { items } = await collections.query<CounterSnapshot & { _id: string }>(C.TicketCounters.id, { filter, limit: MAX_PAGE, skip });
    out.push(...items);
    if (items.length < MAX_PAGE) return out;
  }
}

/**
 * What `getCounter` answers: stored snapshots, created by one read on first request. An ID that does
 * not exist is remembered for MISSING_TTL_MS, so a widget with a wrong ID on a busy page costs one
 * Ticket Definitions call per TTL, not one per page view.
 */
export async function countersFor(deps: CounterDeps, definitionId: string): Promise<CounterSnapshot[]> {
  const stored = await storedSnapshots(deps.collections, [definitionId]);
  if (stored.length) return stored.sort((a, b) => a.pricePointKey.localeCompare(b.pricePointKey));
  const markerId = `missing:${definitionId}`;
  const marker = await deps.collections.get<{ _id: string; at: string }>(C.CounterClaims.id, markerId);
  if (stillMissing(marker, deps.clock.now(), MISSING_TTL_MS)) return [];
  const fresh = await refreshCounters(deps, definitionId);
  if (!fresh.length) await deps.collections.save(C.CounterClaims.id, { _id: markerId, kind: 'missing', definitionId, at: deps.clock.now().toISOString() });
  return fresh;
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
    if (outOfTime()) { result.complete = false; return result; }
    const stored = page.items.length ? await storedSnapshots(deps.collections, page.items.map((d) => d._id)) : [];
    const r = await storeReads(deps, new Map(page.items.map((d) => [d._id, d])), stored, readAt);
    result.refreshed += r.refreshed.length;
    result.failed += r.failed.length;
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
