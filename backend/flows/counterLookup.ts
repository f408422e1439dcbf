// Stored counter snapshots (TicketCounters) and what getCounters answers: stored rows, unknown IDs
// read once, and the memory of IDs that do not exist (`missing:<id>` rows in CounterClaims).
import { stillMissing } from '../core/counter/counterRefresh.js';
import { counterSnapshots, type CounterSnapshot } from '../core/counter/counterSnapshot.js';
import { counterClaims } from '../repositories/counterClaims.js';
import { ticketCounters } from '../repositories/ticketCounters.js';
import type { CounterDeps } from './counterDeps.js';

/** How long getCounters remembers that a definition ID does not exist. */
export const MISSING_TTL_MS = 10 * 60_000;
/** Site-wide: at most this many unknown IDs are looked up in Wix per MISSING_TTL_MS; past it they are answered as unknown without a call. */
export const MISSING_BUDGET = 50;
/** The most definitions one getCounters call may ask for (a page's counters). */
export const MAX_DEFINITIONS_PER_PAGE = 50;

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
  const stored = await ticketCounters(deps).ofDefinitions(ids);
  const have = new Set(stored.map((s) => s.definitionId));
  const unknown = ids.filter((id) => !have.has(id));
  const fresh = unknown.length ? await readUnknown(deps, unknown) : [];
  return [...stored, ...fresh].sort((a, b) => a.definitionId.localeCompare(b.definitionId) || a.pricePointKey.localeCompare(b.pricePointKey));
}

async function readUnknown(deps: CounterDeps, unknown: string[]): Promise<CounterSnapshot[]> {
  const now = deps.clock.now();
  const claims = counterClaims(deps);
  const known = await claims.missingMarks(unknown);
  let toRead = unknown.filter((id) => !stillMissing(known.get(id), now, MISSING_TTL_MS));
  if (!toRead.length) return [];
  // The site-wide budget for unknown IDs: how many were found missing within the TTL.
  const since = new Date(now.getTime() - MISSING_TTL_MS).toISOString();
  const left = MISSING_BUDGET - (await claims.missingSince(since));
  if (left <= 0) {
    deps.logger?.warn('getCounters: the budget for unknown definition IDs is used up; answering without a Wix call', { ids: toRead.length });
    return [];
  }
  toRead = toRead.slice(0, left);
  const readAt = deps.clock.now();
  const defs = await deps.definitions.getMany(toRead, { salesDetails: true });
  const answeredAt = deps.clock.now();
  const found = new Set(defs.map((d) => d._id));
  const fresh = defs.flatMap((d) => counterSnapshots(d, readAt, answeredAt));
  if (fresh.length) await ticketCounters(deps).saveAll(fresh);
  const gone = toRead.filter((id) => !found.has(id));
  if (gone.length) await claims.markMissing(gone, now.toISOString());
  return fresh;
}
