// Retries of failed alert sends, run by every sweep. Each attempt is claimed first: a marker with the
// unique `_id` retry:<delivery>:<attempt> is inserted into SaleAlertSweeps, and only the invocation
// whose insert succeeded makes that attempt, so overlapping sweeps never both retry one delivery.
// The winner marks the delivery `pending` (it leaves the retry query and the owner sees it in
// progress), reads the subscriber and the sale again, and then sends or records why it did not.
import { alertDefinition } from '../core/alerts/alertDefinition.js';
import type { EventDetails } from '../core/alerts/alertEmail.js';
import {
  ALERT_RETRY_POLICY, attemptsOf, CUT_OFF_SEND_ERROR, dueRetries, interruptedClaimKey, isCutOffSend, isStaleClaim, nextAttemptAt, retryClaimKey,
  saleVerdict, type RetryGroup, type RetryVerdict,
} from '../core/alerts/deliveryRetry.js';
import type { AlertDefinition, SaleAlertDelivery } from '../core/alerts/saleAlertTypes.js';
import { alertMessages } from '../core/alerts/unsentAlerts.js';
import type { TicketDef } from '../core/ticketDefinition.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';
import { alertDeliveries } from '../repositories/alertDeliveries.js';
import { alertSubscriptions } from '../repositories/alertSubscriptions.js';
import { alertSweeps } from '../repositories/alertSweeps.js';
import type { ChunkBudget } from './alertsChunks.js';
import { pageAnswers, recheck, type PageAnswers } from './alertsRetryChecks.js';
import type { AlertsDeps } from './alertsDeps.js';
import { eventDetailsOrFallback, sendAndRecord } from './alertsDeliver.js';

/** Failed deliveries read per chunk. */
export const RETRY_PAGE_SIZE = 100;

export interface RetryStats {
  /** Deliveries found due for another attempt. */
  due: number;
  /** Attempts this invocation claimed (the rest were another sweep's). */
  claimed: number;
  sent: number;
  failed: number;
  /** Not sent, for good: opted out meanwhile, no longer reachable, sale closed. */
  skipped: number;
  /** Removed because the sale moved later (its new start alerts as usual). */
  forgotten: number;
  /** Attempts found interrupted before sending and counted as failed. */
  interrupted: number;
  /** Sends found cut off mid-way (still `pending` after an hour), marked `unknown` for the owner. */
  cutOff: number;
  /** Out of time with due deliveries left: the next sweep continues. */
  more: boolean;
}

export const emptyRetryStats = (): RetryStats => ({ due: 0, claimed: 0, sent: 0, failed: 0, skipped: 0, forgotten: 0, interrupted: 0, cutOff: 0, more: false });

/** Retries every failed delivery whose next attempt has come, in chunks, within the budget. */
export async function retryFailedDeliveries(deps: AlertsDeps, budget: ChunkBudget): Promise<RetryStats> {
  const stats = emptyRetryStats();
  if (budget.canStart()) await budget.chunk(() => markCutOffSends(deps, stats));
  const events = new Map<string, Promise<EventDetails>>();
  const definitions = new Map<string, Promise<TicketDef | null>>();
  // Rows this invocation could not take stay in the query's answer; step over them.
  let skip = 0;
  for (;;) {
    if (!budget.canStart()) { stats.more = true; break; }
    const full = await budget.chunk(async () => {
      const now = deps.clock.now();
      const page = await alertDeliveries(deps).dueForRetry(now, RETRY_PAGE_SIZE, skip);
      const groups = dueRetries(page.rows, now);
      stats.due += groups.reduce((n, g) => n + g.deliveries.length, 0);
      const answers = await pageAnswers(deps, groups);
      const done = await mapConcurrent(groups, deps.config.concurrency ?? 10, (g) => retryGroup(deps, g, events, definitions, stats, answers));
      skip += page.read - done.reduce((n, x) => n + x, 0);
      return page.read === RETRY_PAGE_SIZE;
    });
    if (!full) break;
  }
  return stats;
}

/** One (subscriber, channel): claim, re-check, send as one message. Returns how many rows it changed. */
async function retryGroup(deps: AlertsDeps, g: RetryGroup, events: Map<string, Promise<EventDetails>>, definitions: Map<string, Promise<TicketDef | null>>, stats: RetryStats, page: PageAnswers | null): Promise<number> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const won: SaleAlertDelivery[] = [];
  let interrupted = 0;
  await Promise.all(g.deliveries.map(async (d) => {
    const attempt = attemptsOf(d) + 1;
    if (await alertSweeps(deps).claim(retryClaimKey(d._id, attempt), at)) won.push(d);
    else if (await writeOffInterrupted(deps, d, attempt, now)) interrupted++;
  }));
  stats.interrupted += interrupted;
  if (!won.length) return interrupted;
  stats.claimed += won.length;
  const rows = new Map<string, SaleAlertDelivery>(won.map((d) => [d._id, { ...d, status: 'pending', attempts: attemptsOf(d) + 1, lastAttemptAt: at, nextAttemptAt: null }]));
  await alertDeliveries(deps).saveAll([...rows.values()]);

  // Rows marked pending must not stay so when a read before the send fails (a refused request, say):
  // nothing was sent, so the attempt counts as failed and the next one is claimed as usual.
  const checked = await recheck(deps, g, [...rows.values()], definitions, page);
  if (checked.verdict.action !== 'send') {
    await finish(deps, [...rows.values()], checked.verdict, stats);
    return won.length + interrupted;
  }
  const defs = checked.defs;
  const sendable: { row: SaleAlertDelivery; def: AlertDefinition }[] = [];
  for (const row of rows.values()) {
    const def = defs.get(row._id) ?? null;
    const v = saleVerdict(def, deps.clock.now());
    if (v.action === 'send') sendable.push({ row, def: alertDefinition(def!, deps.config.locale) });
    else await finish(deps, [row], v, stats);
  }
  if (!sendable.length) return won.length + interrupted;

  let event = events.get(g.eventId);
  if (!event) events.set(g.eventId, (event = eventDetailsOrFallback(deps, g.eventId)));
  const planned = sendable.map(({ row }) => ({ key: row._id, subscriptionId: row.subscriptionId, definitionId: row.definitionId, channel: row.channel }));
  const [message] = alertMessages(planned, [checked.sub!], sendable.map((s) => s.def));
  const r = await sendAndRecord(deps, await event, message!, rows);
  stats.sent += r.sent;
  stats.failed += r.failed;
  stats.skipped += r.skipped;
  return won.length + interrupted;
}

/**
 * Sends still `pending` an hour after they began were cut off between the send and its record. Whether
 * they went out is unknown, so they are not retried (at most once); they are marked `unknown` so the
 * owner sees them instead of a row that looks in progress forever. Idempotent: overlapping sweeps
 * write the same thing. One page per sweep; any more wait for the next hour.
 */
async function markCutOffSends(deps: AlertsDeps, stats: RetryStats): Promise<void> {
  const now = deps.clock.now();
  const deliveries = alertDeliveries(deps);
  const cutOff = (await deliveries.oldestPending(RETRY_PAGE_SIZE)).filter((d) => isCutOffSend(d, now));
  if (!cutOff.length) return;
  await deliveries.saveAll(cutOff.map((d) => ({
    ...d, status: 'unknown', finishedAt: now.toISOString(), error: CUT_OFF_SEND_ERROR, nextAttemptAt: null,
  } satisfies SaleAlertDelivery)));
  stats.cutOff += cutOff.length;
}

/** Writes the verdict's outcome on rows this invocation holds (nothing was sent). */
async function finish(deps: AlertsDeps, rows: SaleAlertDelivery[], v: Exclude<RetryVerdict, { action: 'send' }>, stats: RetryStats) {
  const deliveries = alertDeliveries(deps);
  if (v.action === 'forget') {
    for (const r of rows) await deliveries.remove(r._id);
    stats.forgotten += rows.length;
    return;
  }
  const now = deps.clock.now();
  await deliveries.saveAll(rows.map((r) => ({
    ...r, finishedAt: now.toISOString(), error: v.reason,
    status: v.action === 'skip' ? 'skipped' : 'failed',
    nextAttemptAt: v.action === 'skip' ? null : nextAttemptAt(attemptsOf(r), now),
  } satisfies SaleAlertDelivery)));
  if (v.action === 'skip') stats.skipped += rows.length; else stats.failed += rows.length;
}

/**
 * Another invocation holds this attempt. If it claimed long ago and the row still reads `failed`, it
 * was cut off between the claim and marking the row pending, so it never sent: count the attempt as
 * failed so the next one can be claimed. A second claim makes sure only one sweep writes that.
 */
async function writeOffInterrupted(deps: AlertsDeps, d: SaleAlertDelivery, attempt: number, now: Date): Promise<boolean> {
  const sweeps = alertSweeps(deps);
  const deliveries = alertDeliveries(deps);
  const claim = await sweeps.claimOn(retryClaimKey(d._id, attempt));
  if (!claim || !isStaleClaim(claim.at, now, ALERT_RETRY_POLICY)) return false;
  const row = await deliveries.get(d._id);
  if (!row || row.status !== 'failed' || attemptsOf(row) !== attempt - 1) return false;
  if (!(await sweeps.claim(interruptedClaimKey(d._id, attempt), now.toISOString()))) return false;
  await deliveries.save({
    ...row, attempts: attempt, lastAttemptAt: claim.at ?? null, finishedAt: now.toISOString(),
    error: 'retry interrupted before sending', nextAttemptAt: nextAttemptAt(attempt, now),
  } satisfies SaleAlertDelivery);
  return true;
}

