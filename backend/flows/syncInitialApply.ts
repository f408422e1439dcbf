// Applying one page of an initial sync: store the create keys, deliver each action directly (a failed
// one goes to the outbox), then record the links, the new pairs insert-once.
import type { SyncAction } from '../core/sync/planSync.js';
import { createAttempted } from '../core/sync/syncChange.js';
import type { EventMappingRow, SyncLink, SyncRun } from '../core/sync/syncRows.js';
import type { TicketDef } from '../core/ticketDefinition.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';
import type { ExternalTicketingPort } from '../ports.js';
import { syncLinks } from '../repositories/syncLinks.js';
import { syncRuns } from '../repositories/syncRuns.js';
import { changeOf, parkInvalid } from './syncChanges.js';
import type { TargetSetup } from './syncConfig.js';
import { deliverChange, errorText } from './syncDelivery.js';
import type { SyncDeps } from './syncDeps.js';
import type { InitialSyncOptions, InitialSyncTargetReport } from './syncInitial.js';
import { enqueue } from './syncOutbox.js';

/** One initial sync of one event to one target, as it runs: the run record, the report, the links so far. */
export interface EventRun {
  deps: SyncDeps;
  setup: TargetSetup;
  em: EventMappingRow;
  opts: InitialSyncOptions;
  run: SyncRun;
  report: InitialSyncTargetReport;
  links: Map<string, SyncLink>;
  /** Null on a dry run: nothing is delivered. */
  port: ExternalTicketingPort | null;
}

export const nowText = (r: EventRun) => r.deps.clock.now().toISOString();
export const bump = (r: EventRun, k: string, n = 1) => { r.run.counts[k] = (r.run.counts[k] ?? 0) + n; };
export const pastDeadline = (r: EventRun) => !!r.port && r.opts.deadline !== undefined && r.deps.clock.now().getTime() >= r.opts.deadline;

export async function saveRun(r: EventRun): Promise<void> {
  r.run.updatedAt = nowText(r);
  await syncRuns(r.deps).save(r.run);
}

/** Store the create keys first (one write for the page): see SyncRun.pendingCreates. */
async function markPendingCreates(r: EventRun, actions: SyncAction[]): Promise<void> {
  let marked = false;
  for (const a of actions) {
    if (a.kind !== 'create' || r.run.pendingCreates[a.definitionId]) continue;
    const c = changeOf(a, r.setup, r.em)!;
    r.run.pendingCreates[a.definitionId] = { key: c.idempotencyKey, hash: c.payloadHash };
    marked = true;
  }
  if (marked && !pastDeadline(r)) await saveRun(r);
}

/** Applies a page's actions; false when the deadline cut it short. */
export async function applyActions(r: EventRun, actions: SyncAction[], defs: Map<string, TicketDef>): Promise<boolean> {
  r.report.plan.push(...actions);
  if (!r.port) { for (const a of actions) bump(r, a.kind); return true; }
  const port = r.port;
  const done = { writes: [] as SyncLink[], created: [] as SyncLink[] };
  let complete = true;
  await markPendingCreates(r, actions);
  await mapConcurrent(actions, r.deps.concurrency ?? 16, async (a) => {
    if (a.kind !== 'unchanged' && pastDeadline(r)) { complete = false; return; }
    await applyAction(r, port, a, defs, done);
  });
  await recordLinks(r, done.created, done.writes);
  return complete;
}

/** Delivers one action directly; a failed one goes to the outbox, which retries it with backoff. */
async function applyAction(r: EventRun, port: ExternalTicketingPort, a: SyncAction, defs: Map<string, TicketDef>, done: { writes: SyncLink[]; created: SyncLink[] }): Promise<void> {
  const { deps, setup, em, run, report, links } = r;
  if (a.kind === 'unchanged') return bump(r, 'unchanged');
  if (a.kind === 'invalid') {
    bump(r, 'invalid');
    report.failures.push(await parkInvalid(deps, setup, em, defs.get(a.definitionId)!, a));
    return;
  }
  const pending = a.kind === 'create' ? run.pendingCreates[a.definitionId] : undefined;
  const change = { ...changeOf(a, setup, em)!, ...(pending ? { createKey: pending.key, createTried: pending.hash } : {}) };
  try {
    const d = await deliverChange(port, setup.target, change, links.get(a.definitionId) ?? null, deps.clock.now());
    if (d.kind !== 'applied') return bump(r, 'unchanged');
    // The pair comes from the existing link when there is one: never overwritten.
    const before = links.get(a.definitionId);
    if (before) done.writes.push({ ...d.link, externalId: before.externalId, linkedAt: before.linkedAt });
    else if (d.op === 'create') done.created.push(d.link);
    else done.writes.push(d.link);
    report.warnings.push(...d.warnings.map((w) => `${a.definitionId}: ${w}`));
    bump(r, a.kind);
  } catch (e) {
    // Not lost: the outbox retries it with backoff, with the create key stored above.
    bump(r, 'queued');
    report.failures.push(`${a.definitionId}: ${errorText(e)} (queued for retry)`);
    await enqueue(deps, a.kind === 'create' ? createAttempted(change) : change);
    delete run.pendingCreates[a.definitionId];
  }
}

/**
 * New pairs go through the same insert-once path as the triggers' (never overwriting a link a
 * trigger recorded meanwhile); existing ones are saved with their pair unchanged.
 */
async function recordLinks(r: EventRun, created: SyncLink[], writes: SyncLink[]): Promise<void> {
  const { deps, run, links } = r;
  const stored = syncLinks(deps);
  if (created.length) {
    const won = await stored.recordNewMany(created);
    for (const l of created) {
      delete run.pendingCreates[l.definitionId];
      if (won.has(l._id)) { links.set(l.definitionId, l); continue; }
      const winner = await stored.get(l.targetId, l.definitionId);
      if (winner) links.set(l.definitionId, winner);
      if (winner && winner.externalId !== l.externalId) {
        deps.logger?.error('Two external items for one definition; keeping the first link', { definitionId: l.definitionId, kept: winner.externalId, orphan: l.externalId });
      }
    }
  }
  if (writes.length) {
    await stored.saveAll(writes);
    for (const l of writes) links.set(l.definitionId, l);
  }
}
