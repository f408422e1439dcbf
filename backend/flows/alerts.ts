// Sale alerts: opt-in (double, see alertsConsent.ts), opt-out, the hourly sweep (the guarantee) and the sale-started
// trigger (the prompt path). Both sending paths go through `alertSubscribers`, whose delivery log
// makes every (subscriber, definition, channel) alert go out at most once.
import { randomUUID } from 'node:crypto';
import { COLLECTIONS } from '../collections.js';
import { alertDefinition } from '../core/alerts/alertDefinition.js';
import { triggerClaimKey } from '../core/alerts/alertKeys.js';
import { dueDefinitions, saleDoneKey, saleStartOf } from '../core/alerts/dueDefinitions.js';
import { nextSaleStart } from '../core/alerts/nextSaleStart.js';
import type { AlertDefinition, SaleAlertEvent, SaleAlertSubscription } from '../core/alerts/saleAlertTypes.js';
import { advanceCursor, cursorDone, JOB_LIMITS, newSweepCursor, nextPageSize, shouldStartChunk, TRIGGER_LIMITS, type ChunkLimits, type SweepCursor, type SweepTarget } from '../core/alerts/sweepChunks.js';
import type { TicketDef } from '../core/ticketDefinition.js';
import type { Item } from '../ports.js';
import { ChunkBudget, type AlertsDeps } from './alertsDeps.js';
import { insertOnce } from './insertOnce.js';
import { pruneAlertRecords, type PruneStats } from './alertsPrune.js';
import { retryFailedDeliveries, type RetryStats } from './alertsRetry.js';
import { addStats, alertSubscribers, emptyStats, eventDetailsOrFallback, type PageStats, type SendContext } from './alertsSend.js';
import type { EventDetails } from '../core/alerts/alertEmail.js';

export type { AlertsDeps } from './alertsDeps.js';
const C = COLLECTIONS;
const CURSOR_ID = 'cursor';

// ---------- opt-in / opt-out (double opt-in: alertsConsent.ts) ----------

export { checkConfirmLink, checkUnsubscribeLink, confirmSubscription, subscribe, unsubscribe } from './alertsConsent.js';
export type { ConfirmResult, SubscribeResult, UnsubscribeResult } from './alertsConsent.js';

// ---------- definition events ----------

/**
 * A definition was created/updated/deleted (legacy payload: a trigger only). When a sale is due now
 * (moved earlier, or just started), sends at once; then passes the event's next sale start to the
 * marketing tool. The alerts go first: with Wix contacts that is one write per labelled contact, and
 * a marketing tool that fails must not hold up or block them (the sweep does not retry the date; the
 * next change of the event's sales writes it again).
 */
export async function onDefinitionChanged(deps: AlertsDeps, change: { eventId?: string | null; definitionId: string }) {
  const def = await deps.definitions.get(change.definitionId);
  const eventId = def?.eventId ?? change.eventId;
  if (!eventId) return { outcome: 'unknown_event' as const };
  if (!(await deps.collections.get(C.SaleAlertEvents.id, eventId))) return { outcome: 'no_subscribers' as const };
  const defs = await allDefinitions(deps, eventId);
  const next = nextSaleStart(defs, deps.clock.now());
  const sent = await alertEventNow(deps, eventId, defs);
  try {
    await deps.marketing.setSaleStart(eventId, next);
  } catch (e) {
    deps.logger?.warn('Could not pass the sale start to the marketing tool', { eventId, error: String(e) });
  }
  return { outcome: 'handled' as const, ...sent };
}

/**
 * The sale-started trigger (whatever its Velo name turns out to be). Re-reads the event's definitions
 * and sends for every due one together, so several definitions opening at once give one email.
 */
export async function onSaleStarted(deps: AlertsDeps, definitionId: string, eventIdFromPayload?: string | null) {
  // The event's entity carries its event ID: no read of the definition (the event's query below
  // re-reads it anyway, and a definition gone meanwhile is simply not due).
  const eventId = eventIdFromPayload || (await deps.definitions.get(definitionId))?.eventId;
  if (!eventId) return { outcome: 'not_found' as const };
  if (!(await deps.collections.get(C.SaleAlertEvents.id, eventId))) return { outcome: 'no_subscribers' as const };
  return { outcome: 'handled' as const, ...(await alertEventNow(deps, eventId, await allDefinitions(deps, eventId))) };
}

/** Sends for the event's due definitions within a trigger's time budget; the sweep finishes the rest. */
async function alertEventNow(deps: AlertsDeps, eventId: string, defs: TicketDef[]) {
  const now = deps.clock.now();
  const due = dueDefinitions(defs, { now, done: await doneKeys(deps, defs) });
  if (!due.length) return { due: 0, finished: true, chunks: 0, maxChunkMs: 0, stats: emptyStats(), busy: false };
  // One trigger per event and sale start works at a time: the sale-started events of the event's
  // definitions and Wix's redeliveries of each would otherwise all walk the same pages (each asking the
  // marketing tool about them). The claim holds for one message window; the sweep does not look at it,
  // so a trigger cut off mid-way is continued by the next sweep.
  const claim = triggerClaimKey(eventId, due.map((d) => saleStartOf(d)), now);
  if (!(await insertOnce(deps.collections, C.SaleAlertSweeps.id, { _id: claim, at: now.toISOString() }))) {
    return { due: due.length, finished: false, chunks: 0, maxChunkMs: 0, stats: emptyStats(), busy: true };
  }
  const limits = limitsFor(deps, TRIGGER_LIMITS);
  const target: SweepTarget = { eventId, definitionIds: due.map((d) => d._id) };
  let cursor = newSweepCursor(`trigger-${randomUUID()}`, now, [target]);
  const r = await runChunks(deps, cursor, limits, new Map([[eventId, due]]));
  cursor = r.cursor;
  return { due: due.length, finished: cursorDone(cursor), chunks: r.chunks, maxChunkMs: r.maxChunkMs, stats: r.stats, busy: false };
}

// ---------- the sweep ----------

export interface SweepResult {
  /** The send run: none due (`idle`), out of time mid-run (`progress`), or done (`finished`). */
  outcome: 'idle' | 'progress' | 'finished';
  runId: string | null;
  chunks: number;
  maxChunkMs: number;
  stats: PageStats;
  /** Failed sends retried in this invocation (after the run, with the time left). */
  retries: RetryStats;
  /** Old records removed in this invocation (last, with the time left). */
  pruned: PruneStats;
}

/**
 * Hourly job. Continues the stored run if there is one, else plans a run over the events with due
 * sales. Works in chunks, saving the cursor after each, until done or out of time. With the time
 * left it then retries failed sends that are due and prunes records past their retention.
 */
export async function sweep(deps: AlertsDeps): Promise<SweepResult> {
  const limits = limitsFor(deps, JOB_LIMITS);
  const t0 = elapsedFn(deps)();
  const total = await sendRun(deps, limits, t0);
  const budget = new ChunkBudget(limits, elapsedFn(deps), t0, total.maxChunkMs);
  const retries = await retryFailedDeliveries(deps, budget);
  const pruned = await pruneAlertRecords(deps, budget);
  return { ...total, chunks: total.chunks + budget.chunks, maxChunkMs: Math.max(total.maxChunkMs, budget.maxChunkMs), retries, pruned };
}

type RunResult = Omit<SweepResult, 'retries' | 'pruned'>;

async function sendRun(deps: AlertsDeps, limits: ChunkLimits, t0: number): Promise<RunResult> {
  let total: RunResult = { outcome: 'idle', runId: null, chunks: 0, maxChunkMs: 0, stats: emptyStats() };
  for (let plans = 0; plans < 2; plans++) {
    let cursor = (await deps.collections.get<Item & { cursor: SweepCursor | null }>(C.SaleAlertSweeps.id, CURSOR_ID))?.cursor ?? null;
    if (!cursor || cursorDone(cursor)) {
      cursor = await planRun(deps);
      if (!cursor) break;
      await saveCursor(deps, cursor);
    }
    const budget = { ...limits, invocationBudgetMs: limits.invocationBudgetMs - (elapsedFn(deps)() - t0) };
    const r = await runChunks(deps, cursor, budget, new Map(), (c) => saveCursor(deps, c));
    total = {
      outcome: cursorDone(r.cursor) ? 'finished' : 'progress', runId: r.cursor.runId, chunks: total.chunks + r.chunks,
      maxChunkMs: Math.max(total.maxChunkMs, r.maxChunkMs), stats: addStats(total.stats, r.stats),
    };
    if (!cursorDone(r.cursor)) break;
  }
  return total;
}

async function planRun(deps: AlertsDeps): Promise<SweepCursor | null> {
  const now = deps.clock.now();
  const targets: SweepTarget[] = [];
  for (let skip = 0; ; skip += 100) {
    const { items } = await deps.collections.query<SaleAlertEvent>(C.SaleAlertEvents.id, { sort: [{ field: '_id', order: 'ASC' }], limit: 100, skip });
    for (const ev of items) {
      const defs = await allDefinitions(deps, ev._id);
      const due = dueDefinitions(defs, { now, done: await doneKeys(deps, defs) });
      if (due.length) targets.push({ eventId: ev._id, definitionIds: due.map((d) => d._id) });
    }
    if (items.length < 100) break;
  }
  return targets.length ? newSweepCursor(`sweep-${randomUUID()}`, now, targets) : null;
}

interface ChunkRun { cursor: SweepCursor; chunks: number; maxChunkMs: number; stats: PageStats }

async function runChunks(
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
    const filter: Record<string, unknown> = { eventId: target.eventId, status: 'active' };
    if (cursor.afterSubscriptionId) filter._id = { $gt: cursor.afterSubscriptionId };
    const pageSize = Math.min(limits.maxPageSize, Math.max(limits.minPageSize, cursor.pageSize));
    const { items } = await deps.collections.query<SaleAlertSubscription>(C.SaleAlertSubscriptions.id, { filter, sort: [{ field: '_id', order: 'ASC' }], limit: pageSize });
    if (alertDefs.length && items.length) {
      let event = eventCache.get(target.eventId);
      if (!event) eventCache.set(target.eventId, (event = eventDetailsOrFallback(deps, target.eventId)));
      stats = addStats(stats, await alertSubscribers(deps, await event, alertDefs, items, sendCtx));
    }
    const ms = clock() - c0;
    const { cursor: next, finishedTarget } = advanceCursor(cursor, { lastId: items.at(-1)?._id ?? null, full: items.length === pageSize }, nextPageSize(pageSize, ms, items.length, limits));
    if (finishedTarget) await markDone(deps, defs);
    cursor = next;
    if (persist) await persist(cursor);
    chunks++;
    maxChunkMs = Math.max(maxChunkMs, clock() - c0);
  }
  return { cursor, chunks, maxChunkMs, stats };
}

// ---------- helpers ----------

async function allDefinitions(deps: AlertsDeps, eventId: string): Promise<TicketDef[]> {
  const out: TicketDef[] = [];
  let cursor: string | null = null;
  do {
    const page = await deps.definitions.queryByEvent(eventId, { cursor, limit: 100 });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

async function doneKeys(deps: AlertsDeps, defs: readonly TicketDef[]): Promise<Set<string>> {
  const keys = defs.map((d) => saleStartOf(d)).map((s, i) => (s ? saleDoneKey(defs[i]!._id, s) : null)).filter((k): k is string => !!k);
  if (!keys.length) return new Set();
  const { items } = await deps.collections.query(C.SaleAlertSweeps.id, { filter: { _id: { $in: keys } }, limit: keys.length });
  return new Set(items.map((i) => i._id));
}

async function markDone(deps: AlertsDeps, defs: readonly TicketDef[]) {
  const at = deps.clock.now().toISOString();
  for (const d of defs) {
    const start = saleStartOf(d);
    if (start) await insertOnce(deps.collections, C.SaleAlertSweeps.id, { _id: saleDoneKey(d._id, start), at });
  }
}

async function saveCursor(deps: AlertsDeps, cursor: SweepCursor) {
  await deps.collections.save(C.SaleAlertSweeps.id, { _id: CURSOR_ID, cursor, at: deps.clock.now().toISOString() });
}


function limitsFor(deps: AlertsDeps, base: ChunkLimits): ChunkLimits {
  return { ...base, ...deps.limits };
}

function elapsedFn(deps: AlertsDeps): () => number {
  return deps.elapsed ?? (() => performance.now());
}
