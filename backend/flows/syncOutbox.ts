// The outbox: one slot per (target, definition) holding the latest undelivered change. Enqueue merges
// (newer wins, deletes are final), drain delivers due slots with backoff and Retry-After, dead letters
// stay visible with their last error until the owner ticks `retry`.
import { afterFailure, DEFAULT_OUTBOX_POLICY, isRetryable, mergeChange } from '../core/sync/outboxPolicy.js';
import { createAttempted, type Change } from '../core/sync/syncChange.js';
import { pairId, type OutboxItem, type SyncLink } from '../core/sync/syncRows.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';
import { syncLinks } from '../repositories/syncLinks.js';
import { syncOutbox } from '../repositories/syncOutbox.js';
import { syncRuns } from '../repositories/syncRuns.js';
import { connectTarget, loadSyncConfig, type SyncConfig, type TargetSetup } from './syncConfig.js';
import { deliverChange, errorText, failureOf, storedError } from './syncDelivery.js';
import type { SyncDeps } from './syncDeps.js';

export type EnqueueResult = 'queued' | 'kept';

/** Puts a change in its slot unless the slot already holds the same, a newer change or a delete. */
export async function enqueue(deps: SyncDeps, change: Change, opts: { force?: boolean; lastError?: string; dead?: boolean; newCreateKey?: boolean } = {}): Promise<EnqueueResult> {
  const outbox = syncOutbox(deps);
  const id = pairId(change.targetId, change.definitionId);
  const existing = await outbox.get(id);
  if (!opts.force && mergeChange(existing, { ...change }) === 'keep') return 'kept';
  const now = deps.clock.now().toISOString();
  const item: OutboxItem = {
    _id: id, ...change, state: opts.dead ? 'dead' : 'pending', attempt: 0, enqueuedAt: now, firstFailureAt: null, nextAttemptAt: now,
    lastError: opts.lastError === undefined ? null : storedError(opts.lastError), retry: false, refused: false,
    // A create that may have reached the target keeps its key through newer changes.
    createKey: opts.newCreateKey ? null : (change.createKey ?? existing?.createKey ?? null),
    createTried: opts.newCreateKey ? null : (change.createTried ?? existing?.createTried ?? null),
  };
  await outbox.save(item);
  return 'queued';
}

export interface DrainReport {
  delivered: number; skipped: number; retried: number; deadLettered: number;
  /** Due but not attempted (target throttled, paused, or the deadline came): still due next time. */
  deferred: number;
  /** The deadline stopped the drain with due slots left. */
  outOfTime: boolean;
  warnings: string[];
}

/**
 * Delivers due slots. A target that answers 429/503 is left alone for the rest of this drain (its
 * remaining slots stay due) so one throttled target does not burn the invocation. After `deadline`
 * (epoch ms on deps.clock) no new delivery starts; the slots left stay due for the next drain.
 */
export async function drainOutbox(deps: SyncDeps, opts: { limit?: number; config?: SyncConfig; deadline?: number } = {}): Promise<DrainReport> {
  const report = emptyDrainReport();
  const config = opts.config ?? (await loadSyncConfig(deps));
  const setups = new Map(config.targets.map((t) => [t.target._id, t]));
  const due = await syncOutbox(deps).due(deps.clock.now(), opts.limit ?? 200);
  const throttled = new Set<string>();
  await mapConcurrent(due, deps.concurrency ?? 8, async (item) => {
    const setup = setups.get(item.targetId);
    if (!setup || throttled.has(item.targetId)) {
      report.deferred++;
      return;
    }
    if (opts.deadline !== undefined && deps.clock.now().getTime() >= opts.deadline) {
      report.deferred++;
      report.outOfTime = true;
      return;
    }
    await deliverSlot(deps, setup, item, report, throttled);
  });
  return report;
}

/** Delivers one queued slot now (used right after a trigger, and by the drain). */
export async function deliverSlot(deps: SyncDeps, setup: TargetSetup, queued: OutboxItem, report: DrainReport = emptyDrainReport(), throttled = new Set<string>()): Promise<DrainReport> {
  const link = await syncLinks(deps).get(queued.targetId, queued.definitionId);
  let item = queued;
  try {
    if (!link && item.action === 'upsert' && item.payload && !item.createKey) {
      // The create key is stored before the create: an invocation cut off after the target created the
      // item (but before the link was stored) leaves the key, and the next change replays it.
      const stored = await markCreate(deps, item);
      if (!stored) return report; // a newer change took the slot; it is delivered on its own
      item = stored;
    }
    const port = await connectTarget(deps, setup.target);
    const d = await deliverChange(port, setup.target, item, link, deps.clock.now());
    if (d.kind === 'applied') {
      await storeLink(deps, link, d.link, d.op === 'create');
      report.delivered++;
      report.warnings.push(...d.warnings.map((w) => `${item.definitionId}: ${w}`));
    } else report.skipped++;
    await clearSlot(deps, item);
    return report;
  } catch (e) {
    const failure = failureOf(e);
    if (failure.kind === 'http' && (failure.status === 429 || failure.status === 503)) throttled.add(item.targetId);
    const next = afterFailure(item, failure, deps.clock.now(), (deps.random ?? Math.random)(), deps.policy ?? DEFAULT_OUTBOX_POLICY);
    const lastError = errorText(e);
    const now = deps.clock.now().toISOString();
    const triedCreate = !link && item.action === 'upsert' && !!item.payload;
    const tried = triedCreate ? createAttempted(item) : item;
    // Only touch the slot if no newer change replaced it while we were delivering.
    const outbox = syncOutbox(deps);
    const current = await outbox.get(item._id);
    if (current && current.idempotencyKey !== item.idempotencyKey) return report;
    if (next.next === 'dead') {
      report.deadLettered++;
      await outbox.save({ ...tried, state: 'dead', attempt: item.attempt + 1, firstFailureAt: item.firstFailureAt ?? now, lastError: `${lastError} (${next.reason})`, retry: false, refused: !isRetryable(failure) });
      if (link) await syncLinks(deps).save({ ...link, status: 'failed', lastError, updatedAt: now });
    } else {
      report.retried++;
      await outbox.save({ ...tried, attempt: next.attempt, firstFailureAt: item.firstFailureAt ?? now, nextAttemptAt: next.at.toISOString(), lastError });
    }
    return report;
  }
}

/**
 * Writes the slot with its create key (the initial sync's key for this definition, if a run holds one,
 * so both paths replay one key). null when a newer change replaced the slot meanwhile.
 */
async function markCreate(deps: SyncDeps, item: OutboxItem): Promise<OutboxItem | null> {
  const run = await syncRuns(deps).ofEvent(item.targetId, item.eventId);
  const fromRun = run?.state === 'running' ? run.pendingCreates[item.definitionId] : undefined;
  const outbox = syncOutbox(deps);
  const current = await outbox.get(item._id);
  if (current && current.idempotencyKey !== item.idempotencyKey) return null;
  if (current?.createKey) return current;
  const marked: OutboxItem = { ...item, createKey: fromRun?.key ?? item.idempotencyKey, createTried: fromRun?.hash ?? item.payloadHash };
  await outbox.save(marked);
  return marked;
}

export const emptyDrainReport = (): DrainReport => ({ delivered: 0, skipped: 0, retried: 0, deadLettered: 0, deferred: 0, outOfTime: false, warnings: [] });

/** A new pair is inserted (recorded once); an existing one is saved with its pair unchanged. */
export async function storeLink(deps: SyncDeps, before: SyncLink | null, after: SyncLink, created: boolean) {
  const links = syncLinks(deps);
  if (!created) {
    await links.save({ ...after, externalId: before?.externalId ?? after.externalId, linkedAt: before?.linkedAt ?? after.linkedAt });
    return;
  }
  if (!(await links.recordNew(after))) {
    // Someone recorded the pair first. Same change ⇒ same idempotency key ⇒ same external item.
    const winner = await links.get(after.targetId, after.definitionId);
    if (winner && winner.externalId !== after.externalId) {
      deps.logger?.error('Two external items for one definition; keeping the first link', { definitionId: after.definitionId, kept: winner.externalId, orphan: after.externalId });
    }
  }
}

async function clearSlot(deps: SyncDeps, item: OutboxItem) {
  const outbox = syncOutbox(deps);
  const current = await outbox.get(item._id);
  if (current && current.idempotencyKey === item.idempotencyKey) await outbox.remove(item._id);
}
