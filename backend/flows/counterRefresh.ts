// Refreshing counters: a definition's (or every live counter's) salesDetails read, compared with the
// stored snapshots, and the changed snapshots written to TicketCounters.
import { counterChanges, definitionsToRefresh, type CounterChanges } from '../core/counter/counterRefresh.js';
import { clearsAtOnce } from '../core/counter/cacheWindow.js';
import { counterSnapshots, type CounterSnapshot, type ReadTimes } from '../core/counter/counterSnapshot.js';
import type { TicketDef } from '../core/ticketDefinition.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';
import { ticketCounters } from '../repositories/ticketCounters.js';
import { counterPush, pushedWrite } from '../core/counter/counterPush.js';
import type { RealtimePort } from '../ports.js';
import type { CounterDeps } from './counterDeps.js';

const MAX_IDS_PER_QUERY = 100;

/**
 * One definition's own event (created, updated, sale started): reads it with SALES_DETAILS, stores the
 * snapshots that are newer, and clears the cached page answers at once (core/counter/cacheWindow.ts
 * clearsAtOnce).
 */
export async function refreshCounters(deps: CounterDeps, definitionId: string): Promise<CounterSnapshot[]> {
  const readAt = deps.clock.now();
  const def = await deps.definitions.get(definitionId, { salesDetails: true });
  const answeredAt = deps.clock.now();
  // Stored rows read after the definition: a newer read that landed meanwhile is seen and kept.
  const stored = await ticketCounters(deps).ofDefinitions([definitionId]);
  const changes = counterChanges(def, stored, readAt, answeredAt);
  await applyChanges(deps, changes, stored, { atOnce: clearsAtOnce('definition') });
  return def ? counterSnapshots(def, readAt, answeredAt) : [];
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
export async function refreshLiveCounters(deps: CounterDeps, named: readonly string[], stored?: CounterSnapshot[], options: StoreOptions = {}): Promise<LiveRefresh> {
  stored ??= await liveSnapshots(deps, named);
  const ids = definitionsToRefresh(stored, named);
  const readAt = deps.clock.now();
  const read = await readDefinitions(deps, ids);
  return storeReads(deps, read, stored, { readAt, answeredAt: deps.clock.now() }, options);
}

/** Stored snapshots of every live counter, plus those of the `named` definitions. */
export async function liveSnapshots(deps: CounterDeps, named: readonly string[]): Promise<CounterSnapshot[]> {
  const counters = ticketCounters(deps);
  const live = await counters.live();
  const known = new Set(live.map((s) => s.definitionId));
  const unknown = named.filter((id) => !known.has(id));
  return unknown.length ? [...live, ...(await counters.ofDefinitions(unknown))] : live;
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

/** Stores what `read` (all sent and answered at `times`) changes against `stored`; one failing definition is logged and skipped. */
export async function storeReads(deps: CounterDeps, read: Map<string, TicketDef | null>, stored: readonly CounterSnapshot[], times: ReadTimes, options: StoreOptions = {}): Promise<LiveRefresh> {
  const byDefinition = new Map<string, CounterSnapshot[]>();
  for (const s of stored) byDefinition.set(s.definitionId, [...(byDefinition.get(s.definitionId) ?? []), s]);
  const all: CounterChanges = { write: [], remove: [] };
  const result: LiveRefresh = { refreshed: [], failed: [] };
  for (const [id, def] of read) {
    try {
      const c = counterChanges(def, byDefinition.get(id) ?? [], times.readAt, times.answeredAt);
      all.write.push(...c.write);
      all.remove.push(...c.remove);
      result.refreshed.push(id);
    } catch (e) {
      result.failed.push(id);
      deps.logger?.warn('Counter refresh: a definition failed', { definitionId: id, error: String((e as Error)?.message ?? e) });
    }
  }
  await applyChanges(deps, all, stored, options);
  return result;
}

/**
 * How a refresh's changes leave the cached page answers: at the end of their cache window (a fast
 * read: up to 10 a second, coalesced), or `atOnce` (a read past the fast budget, at most about one per
 * slow slot: flows/counterOrders.ts, so that pages opened after a rush's last order get its count
 * within about a second; or a definition's own event). The rule: core/counter/cacheWindow.ts clearsAtOnce.
 */
export interface ClearOptions { atOnce?: boolean }

/** How a refresh stores its changes: how it clears (ClearOptions), and `pushNow`: push them alongside the save (needs a realtime port; otherwise the TicketCounters hooks push them after it). */
export interface StoreOptions extends ClearOptions { pushNow?: boolean }

/**
 * Writes the changes. With `pushNow` it pushes each to open pages at the same time, marked as pushed
 * over the `stored` row it was compared against, so that the TicketCounters hooks leave it
 * (core/counter/counterPush.ts); otherwise the hooks push them after the save. Then it has the cached page answers cleared: at
 * the end of the cache window (one invalidation for every fast refresh of the window), or at once
 * (`atOnce`). (A removal is rare, and its hook clears the cache and tells visitors.)
 */
async function applyChanges(deps: CounterDeps, changes: CounterChanges, stored: readonly CounterSnapshot[], options: StoreOptions = {}): Promise<void> {
  const counters = ticketCounters(deps);
  if (options.pushNow && deps.realtime && changes.write.length) {
    const byId = new Map(stored.map((s) => [s._id, s]));
    const writes = changes.write.map((w) => pushedWrite(w, byId.get(w._id)));
    await saveAndPush(deps, deps.realtime, writes);
  } else {
    await counters.saveAll(changes.write);
  }
  // Deleted definitions and removed price options (rare); the remove hook tells visitors.
  for (const id of changes.remove) await counters.remove(id);
  if (deps.cache && changes.write.length) await deps.cache.clearSoon(changes.write, { atOnce: !!options.atOnce });
}

/**
 * Saves the marked writes and publishes each at once. A push that fails is tried once more after the
 * save; if it fails again the error is thrown (Wix resends the event), as a hook's failed push would be.
 */
async function saveAndPush(deps: CounterDeps, realtime: RealtimePort, writes: CounterSnapshot[]): Promise<void> {
  const push = (s: CounterSnapshot) => { const { channel, message } = counterPush(s); return realtime.publish(channel, message); };
  const [saved, ...pushed] = await Promise.allSettled([ticketCounters(deps).saveAll(writes), ...writes.map(push)]);
  if (saved!.status === 'rejected') throw saved!.reason;
  const failed = writes.filter((_, i) => pushed[i]!.status === 'rejected');
  if (failed.length) await Promise.all(failed.map(push));
}
