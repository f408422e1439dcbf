// The chunk runner the sweep and the trigger share: walks a sweep cursor page by page of an event's
// active subscriptions, alerting each page about its due definitions, while a chunk as slow as the
// slowest so far still fits the invocation's time. Also the done markers of a (definition, sale start)
// and the time budget the sweep's later steps share.
import { alertDefinition } from '../core/alerts/alertDefinition.js';
import type { EventDetails } from '../core/alerts/alertEmail.js';
import { dueDefinitions, saleDoneKey, saleStartOf } from '../core/alerts/dueDefinitions.js';
import type { AlertDefinition } from '../core/alerts/saleAlertTypes.js';
import { advanceCursor, cursorDone, nextPageSize, shouldStartChunk, type ChunkLimits, type SweepCursor } from '../core/alerts/sweepChunks.js';
import type { TicketDef } from '../core/ticketDefinition.js';
import { alertSubscriptions } from '../repositories/alertSubscriptions.js';
import { alertSweeps } from '../repositories/alertSweeps.js';
import { eventDetailsOrFallback } from './alertsDeliver.js';
import type { AlertsDeps } from './alertsDeps.js';
import { addStats, alertSubscribers, emptyStats, type PageStats, type SendContext } from './alertsSend.js';

/**
 * What is left of one invocation's time, shared by the steps of a sweep (send run, retries, pruning):
 * a chunk starts only if one as slow as the slowest so far still fits.
 */
export class ChunkBudget {
  chunks = 0;
  maxChunkMs: number;
  constructor(private readonly limits: ChunkLimits, private readonly clock: () => number, private readonly t0: number, slowestMs = 0) {
    this.maxChunkMs = slowestMs;
  }

  canStart(): boolean {
    return shouldStartChunk(this.clock() - this.t0, this.maxChunkMs, this.limits);
  }

  async chunk<T>(fn: () => Promise<T>): Promise<T> {
    const c0 = this.clock();
    try {
      return await fn();
    } finally {
      this.chunks++;
      this.maxChunkMs = Math.max(this.maxChunkMs, this.clock() - c0);
    }
  }
}

export interface ChunkRun { cursor: SweepCursor; chunks: number; maxChunkMs: number; stats: PageStats }

export async function runChunks(
  deps: AlertsDeps, start: SweepCursor, limits: ChunkLimits,
  dueCache: Map<string, TicketDef[]>, persist?: (c: SweepCursor) => Promise<void>,
): Promise<ChunkRun> {
  const clock = elapsedFn(deps);
  const t0 = clock();
  let cursor = start;
  let chunks = 0;
  let maxChunkMs = 0;
  let stats = emptyStats();
  const alertDefsCache = new Map<string, AlertDefinition[]>();
  // Read once per invocation, not per page: the event's wording and the unsubscribe key.
  const eventCache = new Map<string, Promise<EventDetails>>();
  const sendCtx: SendContext = {};
  while (!cursorDone(cursor) && shouldStartChunk(clock() - t0, maxChunkMs, limits)) {
    const c0 = clock();
    const target = cursor.targets[cursor.targetIndex]!;
    // Re-read the definitions once per invocation: a sale moved later since planning is not sent early.
    let defs = dueCache.get(target.eventId);
    if (!defs) {
      const now = deps.clock.now();
      const read = await Promise.all(target.definitionIds.map((id) => deps.definitions.get(id)));
      defs = dueDefinitions(read.filter((d): d is TicketDef => !!d), { now });
      dueCache.set(target.eventId, defs);
    }
    let alertDefs = alertDefsCache.get(target.eventId);
    if (!alertDefs) alertDefsCache.set(target.eventId, (alertDefs = defs.map((d) => alertDefinition(d, deps.config.locale))));
    const pageSize = Math.min(limits.maxPageSize, Math.max(limits.minPageSize, cursor.pageSize));
    const page = await alertSubscriptions(deps).activePage(target.eventId, cursor.afterSubscriptionId, pageSize);
    const items = page.rows;
    if (alertDefs.length && items.length) {
      let event = eventCache.get(target.eventId);
      if (!event) eventCache.set(target.eventId, (event = eventDetailsOrFallback(deps, target.eventId)));
      stats = addStats(stats, await alertSubscribers(deps, await event, alertDefs, items, sendCtx));
    }
    const ms = clock() - c0;
    const { cursor: next, finishedTarget } = advanceCursor(cursor, { lastId: page.lastId, full: page.read === pageSize }, nextPageSize(pageSize, ms, page.read, limits));
    if (finishedTarget) await markDone(deps, defs);
    cursor = next;
    if (persist) await persist(cursor);
    chunks++;
    maxChunkMs = Math.max(maxChunkMs, clock() - c0);
  }
  return { cursor, chunks, maxChunkMs, stats };
}

/** The `saleDoneKey`s already recorded among the definitions' current sale starts. */
export async function doneKeys(deps: AlertsDeps, defs: readonly TicketDef[]): Promise<Set<string>> {
  const keys = defs.map((d) => saleStartOf(d)).map((s, i) => (s ? saleDoneKey(defs[i]!._id, s) : null)).filter((k): k is string => !!k);
  if (!keys.length) return new Set();
  return alertSweeps(deps).claimed(keys);
}

async function markDone(deps: AlertsDeps, defs: readonly TicketDef[]) {
  const at = deps.clock.now().toISOString();
  const sweeps = alertSweeps(deps);
  for (const d of defs) {
    const start = saleStartOf(d);
    if (start) await sweeps.claim(saleDoneKey(d._id, start), at);
  }
}

export function limitsFor(deps: AlertsDeps, base: ChunkLimits): ChunkLimits {
  return { ...base, ...deps.limits };
}

export function elapsedFn(deps: AlertsDeps): () => number {
  return deps.elapsed ?? (() => performance.now());
}
