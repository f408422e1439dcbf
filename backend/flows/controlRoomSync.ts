// The control room's Sync section: per target its state (and why it is paused), its mapped events
// with their last initial sync, its links and outbox counts; one page of outbox rows; the last
// reconcile. Everything is read in one call, with a fixed number of reads per shown target (never
// per outbox row or link), so 100 targets and 10,000 outbox rows cost the same per page.
import { PAGE_SIZES, type OutboxView, type SyncSectionInput } from '../core/controlRoom/controlRoomInput.js';
import { scrubSecrets, targetState, type TargetState } from '../core/controlRoom/controlRoomViews.js';
import { RECONCILE_REPORT_ID, syncTargetRowSchema, type OutboxItem, type SyncRun } from '../core/sync/syncRows.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';
import type { CollectionsPort } from '../ports.js';
import { syncLinks } from '../repositories/syncLinks.js';
import { syncOutbox } from '../repositories/syncOutbox.js';
import { syncRuns } from '../repositories/syncRuns.js';
import { syncSettings } from '../repositories/syncSettings.js';
import type { ReconcileReport } from './sync.js';
import { loadSyncConfig } from './syncConfig.js';
import type { SyncDeps } from './syncDeps.js';

const MAX_FINDINGS = 50;

export interface TargetHealth {
  targetId: string;
  title: string | null;
  kind: string;
  baseUrl: string;
  /** The *name* of the Wix secret; its value is never read into this answer. */
  secretName: string;
  state: TargetState;
  why: string[];
  events: { eventId: string; externalEventId: string; enabled: boolean; lastSync: { state: 'running' | 'done'; startedAt: string; updatedAt: string; pages: number; counts: Record<string, number> } | null }[];
  links: { active: number; failed: number };
  outbox: { due: number; retrying: number; dead: number; nextAttemptAt: string | null };
}

export interface OutboxRowView {
  id: string; targetId: string; definitionId: string; eventId: string; action: 'upsert' | 'delete'; revision: string;
  view: OutboxView; attempt: number; nextAttemptAt: string; firstFailureAt: string | null; lastError: string | null; retryTicked: boolean;
}

export interface ReconcileView {
  /** Where a pass that ran out of time stopped (`running`), or `done`; `never` before the first stop. */
  state: 'never' | 'running' | 'done';
  updatedAt: string | null;
  last: { at: string; complete: boolean; counts: Record<string, number>; findings: string[] } | null;
}

export interface SyncSection {
  targets: { items: TargetHealth[]; total: number; page: number; pageSize: number };
  outbox: { view: OutboxView; targetId: string | null; items: OutboxRowView[]; total: number; page: number; pageSize: number };
  reconcile: ReconcileView;
  /** Configuration problems not tied to one target (e.g. a bad event mapping row). */
  problems: string[];
}

export async function syncSection(deps: SyncDeps, input: SyncSectionInput = {}): Promise<SyncSection> {
  const now = deps.clock.now().toISOString();
  const targetPage = input.targetPage ?? 0;
  const outboxPage = input.outboxPage ?? 0;
  const view = input.outboxView ?? 'dead';
  const [config, rows, outbox, reconcile] = await Promise.all([
    loadSyncConfig(deps),
    syncSettings(deps).targetPage(targetPage * PAGE_SIZES.targets, PAGE_SIZES.targets),
    outboxRows(deps, view, now, outboxPage, input.targetId ?? null),
    reconcileView(deps),
  ]);
  const loaded = new Map(config.targets.map((t) => [t.target._id, t]));
  const items = await mapConcurrent(rows.rows, 4, async (row): Promise<TargetHealth> => {
    const targetId = row._id;
    const parsed = syncTargetRowSchema.safeParse(row);
    const setup = loaded.get(targetId);
    let connectProblem: string | null = null;
    if (setup) {
      // Options and the secret are checked where the sync checks them: when it connects.
      try { await deps.connectors.connect(setup.target); } catch (e) { connectProblem = `cannot connect: ${(e as Error).message}`; }
    }
    const st = targetState({ targetId, enabledInRow: row.enabled !== false, loaded: !!setup, problems: config.problems, connectProblem });
    const links = syncLinks(deps);
    const slots = syncOutbox(deps);
    const [mappings, runs, active, failed, due, retrying, dead] = await Promise.all([
      syncSettings(deps).eventMappingsOf(targetId),
      syncRuns(deps).ofTarget(targetId),
      links.count(targetId, 'active'),
      links.count(targetId, 'failed'),
      slots.countInView('due', now, targetId),
      slots.inView('retrying', now, { targetId, limit: 1 }),
      slots.countInView('dead', now, targetId),
    ]);
    const runByEvent = new Map<string, SyncRun>(runs.map((r) => [r.eventId, r]));
    return {
      targetId,
      title: parsed.success ? parsed.data.title : (typeof row.title === 'string' ? row.title : null),
      kind: String(row.kind ?? ''),
      baseUrl: scrubSecrets(String(row.baseUrl ?? '')),
      secretName: String(row.secretName ?? ''),
      state: st.state,
      why: st.why,
      events: mappings.map((m) => {
        const eventId = String(m.eventId ?? '');
        const run = runByEvent.get(eventId);
        return {
          eventId, externalEventId: String(m.externalEventId ?? ''), enabled: m.enabled !== false,
          lastSync: run ? { state: run.state, startedAt: run.startedAt, updatedAt: run.updatedAt, pages: run.pages, counts: run.counts } : null,
        };
      }),
      links: { active, failed },
      outbox: { due, retrying: retrying.total, dead, nextAttemptAt: retrying.rows[0]?.nextAttemptAt ?? null },
    };
  });
  return {
    targets: { items, total: rows.total, page: targetPage, pageSize: PAGE_SIZES.targets },
    outbox,
    reconcile,
    problems: config.problems.filter((p) => !p.startsWith('Sync target ')).map(scrubSecrets),
  };
}

async function outboxRows(deps: SyncDeps, view: OutboxView, now: string, page: number, targetId: string | null): Promise<SyncSection['outbox']> {
  const r = await syncOutbox(deps).inView(view, now, { targetId, skip: page * PAGE_SIZES.outbox, limit: PAGE_SIZES.outbox });
  return { view, targetId, items: r.rows.map((o) => outboxRowView(o, view)), total: r.total, page, pageSize: PAGE_SIZES.outbox };
}

function outboxRowView(o: OutboxItem, view: OutboxView): OutboxRowView {
  // The payload (mapped fields) stays server-side: the CMS row has it for whoever needs it.
  return {
    id: o._id, targetId: o.targetId, definitionId: o.definitionId, eventId: o.eventId, action: o.action, revision: o.revision, view,
    attempt: o.attempt, nextAttemptAt: o.nextAttemptAt, firstFailureAt: o.firstFailureAt, lastError: o.lastError === null ? null : scrubSecrets(o.lastError), retryTicked: o.retry,
  };
}

async function reconcileView(deps: SyncDeps): Promise<ReconcileView> {
  const { pass, report } = await syncRuns(deps).reconcileRecords();
  return {
    state: pass?.state === 'running' ? 'running' : pass ? 'done' : 'never',
    updatedAt: pass?.updatedAt ?? null,
    last: report ? { at: report.updatedAt, complete: report.complete, counts: report.counts, findings: report.findings.map(scrubSecrets) } : null,
  };
}

/** Stores what a reconcile found, for the control room (the job's log line is gone after a while). */
export async function recordReconcileReport(collections: CollectionsPort, report: ReconcileReport, complete: boolean, at: Date): Promise<void> {
  const findings = [
    ...report.fixed.map((f) => `${f.targetId}/${f.eventId}: queued ${f.action} of ${f.definitionId} (${f.detail})`),
    ...report.missingExternally.map((m) => `${m.targetId}: external item ${m.externalId} of ${m.definitionId} is missing on the target`),
    ...report.invalid,
    ...report.problems,
  ].map(scrubSecrets);
  const iso = at.toISOString();
  await syncRuns({ collections }).save({
    _id: RECONCILE_REPORT_ID, targetId: '*', eventId: '*', state: 'done', cursor: null, pages: 0, seenIds: [],
    counts: { events: report.events, definitions: report.definitions, fixed: report.fixed.length, invalid: report.invalid.length, missingExternally: report.missingExternally.length, problems: report.problems.length },
    startedAt: iso, updatedAt: iso, complete, findings: findings.slice(0, MAX_FINDINGS), moreFindings: Math.max(0, findings.length - MAX_FINDINGS),
  });
}
