// Counter flow: order events → coalesced salesDetails reads → TicketCounters snapshots.
// The data hook on TicketCounters (backend/velo/data.ts) pushes each written snapshot to visitors.
import { COLLECTIONS } from '../collections.js';
import { counterSnapshots, type CounterSnapshot } from '../core/counter/counterSnapshot.js';
import { counterChanges, definitionsToRefresh, needsRefresh, notLive, stillMissing, type CounterChanges } from '../core/counter/counterRefresh.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';
import { DEFAULT_READ_BUDGET, DEFAULT_SLOT_MS, DEFAULT_SLOW_SLOT_MS, readMarkId, readMarkTime, readTime, recentReadMarks, type ReadBudget } from '../core/counter/readBudget.js';
import { orderChange, refreshSlot, type OrderChangeKind } from '../core/counter/orderChange.js';
import type { ClaimsPort, ClockPort, CollectionsPort, Filter, LoggerPort, TicketDefinitionsPort } from '../ports.js';
import type { TicketDef } from '../core/ticketDefinition.js';

export interface CounterDeps {
  definitions: TicketDefinitionsPort;
  collections: CollectionsPort;
  claims: ClaimsPort;
  clock: ClockPort;
  logger?: LoggerPort;
  /**
   * What this container remembers between invocations when Wix keeps it warm (the wiring keeps one
   * per module instance). It only ever saves a Wix Data read: a cold container starts without it and
   * reads the schedule instead, with the same result.
   */
  memory?: CounterMemory;
  /** Width of a coalescing slot: at most one refresh read per slot while the fast-read budget lasts. */
  slotMs?: number;
  /** Width of the slot refreshes fall back to once the fast-read budget is used up. */
  slowSlotMs?: number;
  /** Refresh reads per window (fast or slow) before refreshes move to the slow slot. */
  readBudget?: ReadBudget;
}

/** A warm container's knowledge of the read schedule: the latest read known to be claimed, and the lookup in flight. */
export interface CounterMemory {
  claimedReadAt: number;
  lookup: Promise<number> | null;
}

export function counterMemory(): CounterMemory {
  return { claimedReadAt: 0, lookup: null };
}

// Slot width, slow slot and read budget are core rules (core/counter/readBudget.ts); re-exported for the wiring.
export { DEFAULT_READ_BUDGET, DEFAULT_SLOT_MS, DEFAULT_SLOW_SLOT_MS };
/** Past the slot's end, so that orders confirmed in the last instant of the slot are in the read. */
const SLOT_MARGIN_MS = 15;

const C = COLLECTIONS;
const MAX_IDS_PER_QUERY = 100;
const MAX_PAGE = 1000;
const MAX_BULK = 1000;
/** How long getCounters remembers that a definition ID does not exist. */
export const MISSING_TTL_MS = 10 * 60_000;
/** Site-wide: at most this many unknown IDs are looked up in Wix per MISSING_TTL_MS; past it they are answered as unknown without a call. */
export const MISSING_BUDGET = 50;
/** The most definitions one getCounters call may ask for (a page's counters). */
export const MAX_DEFINITIONS_PER_PAGE = 50;

export type OrderEventResult =
  /** Nothing to refresh (a confirmation without tickets). */
  | { outcome: 'ignored'; key: string }
  /** A read scheduled at or after this event covers it; this call read and wrote nothing more. */
  | { outcome: 'covered'; key: string; readAt: string; refreshed: string[] }
  /** This call claimed the read and refreshed the live counters. */
  | { outcome: 'refreshed'; key: string; readAt: string; refreshed: string[] };

/**
 * Handles one order delivery, duplicates included: a count comes from a Wix read, never an increment,
 * so a redelivery can at most cost a read, and no delivery is recorded. What the call needs to know is
 * whether a read of every live counter is already scheduled to start after now. The schedule is the
 * read marks in CounterClaims (`read:<time>`): one query (warm containers often skip it) tells; if no
 * read is due, this call claims one (a unique insert, so concurrent callers share it) and the winner
 * reads, at that time, every live counter's definition in one query. Every order confirmed before then
 * is in that read, so counts stay exact with one Ticket Definitions call per read.
 */
export async function handleOrderEvent(deps: CounterDeps, kind: OrderChangeKind, event: unknown): Promise<OrderEventResult> {
  const change = orderChange(kind, event);
  if (!needsRefresh(kind, change.definitionIds)) return { outcome: 'ignored', key: change.key };
  const now = deps.clock.now();
  const read = await scheduledRead(deps, now);
  let refreshed: string[] = [];
  if (read.mine) {
    // Which counters are live does not depend on the orders still coming: look them up while waiting,
    // so only the definitions' read (which must start after the read time) and the save follow it.
    const [stored] = await Promise.all([liveSnapshots(deps, change.definitionIds), sleepUntil(deps, read.at)]);
    refreshed = (await refreshLiveCounters(deps, change.definitionIds, stored)).refreshed;
    return { outcome: 'refreshed', key: change.key, readAt: read.at.toISOString(), refreshed };
  }
  if (kind !== 'confirmed' && change.definitionIds.length) {
    // A cancellation can give tickets back to a definition whose sale ended; the scheduled read takes
    // in only live counters, so read those here (rare: cancellations, not confirmations).
    await sleepUntil(deps, read.at);
    const stored = await liveSnapshots(deps, change.definitionIds);
    const others = notLive(stored, change.definitionIds);
    if (others.length) refreshed = (await refreshLiveCounters(deps, others, stored.filter((s) => others.includes(s.definitionId)))).refreshed;
  }
  return { outcome: 'covered', key: change.key, readAt: read.at.toISOString(), refreshed };
}

async function sleepUntil(deps: CounterDeps, at: Date): Promise<void> {
  // From the clock's *now*: the lookups took time, and waiting from the event's time would read late.
  await deps.clock.sleep(Math.max(0, at.getTime() - deps.clock.now().getTime()) + SLOT_MARGIN_MS);
}

/**
 * The read that covers an order handled at `now`: one already claimed for `now` or later (known to
 * this warm container, or found with one query of the read marks), else one this call claims: at its
 * fast slot's end while the site has read fewer than the budget's reads in the window, else at the
 * slow slot's end (see core/counter/readBudget.ts). `mine` is true only for the call that claimed it.
 */
async function scheduledRead(deps: CounterDeps, now: Date): Promise<{ at: Date; mine: boolean }> {
  const memory = deps.memory;
  const t = now.getTime();
  if (memory) {
    if (memory.claimedReadAt >= t) return { at: new Date(memory.claimedReadAt), mine: false };
    // Another invocation of this container is looking the schedule up: share its answer when it covers us.
    if (memory.lookup) {
      const known = await memory.lookup.catch(() => 0);
      if (known >= t) return { at: new Date(known), mine: false };
    }
  }
  const lookup = lookUpOrClaim(deps, now);
  const known = lookup.then((r) => r.at.getTime());
  if (memory) memory.lookup = known;
  try {
    const read = await lookup;
    if (memory && read.at.getTime() > memory.claimedReadAt) memory.claimedReadAt = read.at.getTime();
    return read;
  } finally {
    known.catch(() => undefined);
    if (memory && memory.lookup === known) memory.lookup = null;
  }
}

async function lookUpOrClaim(deps: CounterDeps, now: Date): Promise<{ at: Date; mine: boolean }> {
  const budget = deps.readBudget ?? DEFAULT_READ_BUDGET;
  const recent = await deps.collections.query<{ _id: string; at?: string }>(C.CounterClaims.id, {
    filter: recentReadMarks(now, budget.windowMs), sort: [{ field: '_id', order: 'DESC' }], limit: 1,
  });
  const latest = recent.items[0] ? readMarkTime(recent.items[0]._id) : null;
  if (latest !== null && latest >= now.getTime()) return { at: new Date(latest), mine: false };
  const slot = refreshSlot(now, deps.slotMs ?? DEFAULT_SLOT_MS);
  const at = readTime(now, slot.endsAt, deps.slowSlotMs ?? DEFAULT_SLOW_SLOT_MS, recent.total ?? recent.items.length, budget);
  const mark = readMarkId(at);
  const won = await deps.claims.claim(C.CounterClaims.id, [{ _id: mark, kind: 'read', at: at.toISOString() }]);
  // Not won: another invocation claimed the same time, and its read covers this order too.
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
 * What `getCounters` answers: the stored snapshots of these definitions, sorted by definition and
 * price point. A definition without any is read once (all such IDs in one query) and its snapshots
 * stored. An ID that does not exist is remembered for MISSING_TTL_MS (a `missing:<id>` row), so a
 * wrong or made-up ID costs at most one Ticket Definitions call per ID per TTL; and the site as a whole
 * looks up at most MISSING_BUDGET unknown IDs per TTL: past it, unknown IDs are answered with nothing
 * and no Wix call, so a flood of made-up IDs cannot spend the site's API quota.
 */
export async function countersForMany(deps: CounterDeps, definitionIds: readonly string[]): Promise<CounterSnapshot[]> {
  const ids = [...new Set(definitionIds)];
  if (!ids.length) return [];
  const stored = await storedSnapshots(deps.collections, ids);
  const have = new Set(stored.map((s) => s.definitionId));
  const unknown = ids.filter((id) => !have.has(id));
  const fresh = unknown.length ? await readUnknown(deps, unknown) : [];
  return [...stored, ...fresh].sort((a, b) => a.definitionId.localeCompare(b.definitionId) || a.pricePointKey.localeCompare(b.pricePointKey));
}

/** Single-definition form (kept for page code written against `getCounter`). */
export async function countersFor(deps: CounterDeps, definitionId: string): Promise<CounterSnapshot[]> {
  return countersForMany(deps, [definitionId]);
}

async function readUnknown(deps: CounterDeps, unknown: string[]): Promise<CounterSnapshot[]> {
  const now = deps.clock.now();
  const markerId = (id: string) => `missing:${id}`;
  const { items: markers } = await deps.collections.query<{ _id: string; at?: string }>(C.CounterClaims.id, { filter: { _id: { $in: unknown.map(markerId) } }, limit: unknown.length });
  const known = new Map(markers.map((m) => [m._id, m]));
  let toRead = unknown.filter((id) => !stillMissing(known.get(markerId(id)), now, MISSING_TTL_MS));
  if (!toRead.length) return [];
  // The site-wide budget for unknown IDs: how many were found missing within the TTL.
  const since = new Date(now.getTime() - MISSING_TTL_MS).toISOString();
  const misses = await deps.collections.query(C.CounterClaims.id, { filter: { kind: 'missing', at: { $gt: since } }, limit: 1 });
  const left = MISSING_BUDGET - (misses.total ?? misses.items.length);
  if (left <= 0) {
    deps.logger?.warn('getCounters: the budget for unknown definition IDs is used up; answering without a Wix call', { ids: toRead.length });
    return [];
  }
  toRead = toRead.slice(0, left);
  const readAt = deps.clock.now();
  const defs = await deps.definitions.getMany(toRead, { salesDetails: true });
  const found = new Set(defs.map((d) => d._id));
  const fresh = defs.flatMap((d) => counterSnapshots(d, readAt));
  if (fresh.length) await deps.collections.bulkSave(C.TicketCounters.id, fresh);
  const gone = toRead.filter((id) => !found.has(id)).map((id) => ({ _id: markerId(id), kind: 'missing', definitionId: id, at: now.toISOString() }));
  if (gone.length) await deps.collections.bulkSave(C.CounterClaims.id, gone);
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
