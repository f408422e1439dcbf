// Admin web methods of the owner's control room (the dashboard page, widget/control-room.ts): one
// read per section, and the actions that have no web method elsewhere. Sync now, dry run and the
// mapping preset are `syncEventNow` / `addSyncMappingPreset` in sync.web; setting up collections is
// `setupCollectionsNow` in setup.web. Admin only; input validated; secret names shown, values never.
import { Permissions, webMethod } from 'wix-web-module';
import { alertsSectionInput, countersSectionInput, dryRunInput, inputProblem, retryInput, syncSectionInput, testAlertInput } from '../core/controlRoom/controlRoomInput.js';
import { planRows, type PlanRow } from '../core/controlRoom/planRows.js';
import { summarizePlan } from '../core/sync/planSync.js';
import { syncEvent } from '../flows/sync.js';
import { alertsSection, sendTestAlert, type AlertsSection, type TestAlertResult } from '../flows/controlRoomAlerts.js';
import { countersSection, refreshAllCounters, type CountersSection } from '../flows/controlRoomCounters.js';
import { retryDeadLetters, type RetryResult } from '../flows/controlRoomRetry.js';
import { syncSection, type SyncSection } from '../flows/controlRoomSync.js';
import { sweep } from '../flows/alerts.js';
import { TRIGGER_LIMITS } from '../core/alerts/sweepChunks.js';
import { alertsDeps } from './wiring/alertsDeps.js';
import { counterDeps } from './wiring/counterDeps.js';
import { syncDeps } from './wiring/syncDeps.js';
import { wixCollections } from '../wix/collections.js';
import { wixTicketDefinitions } from '../wix/ticketDefinitions.js';
import { systemClock } from '../wix/runtime.js';
import { ACTION_BUDGET_MS } from './wiring/actionBudget.js';


function parse<T>(method: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, raw: unknown): T {
  const p = schema.safeParse(raw ?? {});
  if (!p.success) throw new Error(inputProblem(method, p.error));
  return p.data;
}

export const controlRoomSync = webMethod(Permissions.Admin, async (raw: unknown): Promise<SyncSection> =>
  syncSection(syncDeps(), parse('controlRoomSync', syncSectionInput, raw)));

// Reads need no alert settings: the section renders (empty) before SALE_ALERTS_SETTINGS is set.
export const controlRoomAlerts = webMethod(Permissions.Admin, async (raw: unknown): Promise<AlertsSection> =>
  alertsSection({ collections: wixCollections(), definitions: wixTicketDefinitions(), clock: systemClock }, parse('controlRoomAlerts', alertsSectionInput, raw)));

export const controlRoomCounters = webMethod(Permissions.Admin, async (raw: unknown): Promise<CountersSection> =>
  countersSection(counterDeps(), parse('controlRoomCounters', countersSectionInput, raw)));

/** Retry one or more dead letters (`{ids}`), or all of them (`{all: true, targetId?}`); `callAgain` while work is left. */
export const retrySyncDeadLetters = webMethod(Permissions.Admin, async (raw: unknown): Promise<RetryResult> => {
  const input = parse('retrySyncDeadLetters', retryInput, raw);
  const deps = syncDeps();
  return retryDeadLetters(deps, input, { deadline: deps.clock.now().getTime() + ACTION_BUDGET_MS });
});

export interface DryRunResult { eventId: string; targets: { targetId: string; counts: Record<string, number>; rows: PlanRow[] }[]; problems: string[] }

/** The initial sync's plan for one event (and target), as table rows; writes nothing. */
export const syncDryRun = webMethod(Permissions.Admin, async (raw: unknown): Promise<DryRunResult> => {
  const input = parse('syncDryRun', dryRunInput, raw);
  const r = await syncEvent(syncDeps(), { ...input, dryRun: true });
  return { eventId: r.eventId, targets: r.targets.map((t) => ({ targetId: t.targetId, counts: summarizePlan(t.plan), rows: planRows(t.plan) })), problems: r.problems };
});

export interface SweepNowResult { outcome: 'idle' | 'progress' | 'finished'; sent: number; failed: number; skipped: number; retried: number; callAgain: boolean }

/** The hourly sale-alert sweep on demand, within a web method's time; `callAgain` while the run is unfinished. */
export const runSaleAlertSweepNow = webMethod(Permissions.Admin, async (): Promise<SweepNowResult> => {
  const deps = await alertsDeps();
  const r = await sweep({ ...deps, limits: { ...TRIGGER_LIMITS, ...deps.limits } });
  return { outcome: r.outcome, sent: r.stats.sent, failed: r.stats.failed, skipped: r.stats.skipped, retried: r.retries.sent, callAgain: r.outcome === 'progress' };
});

/** Sends the event's alert email to the owner's own address, once, without a delivery record. */
export const sendTestSaleAlert = webMethod(Permissions.Admin, async (raw: unknown): Promise<TestAlertResult> =>
  sendTestAlert(await alertsDeps(), parse('sendTestSaleAlert', testAlertInput, raw)));

export interface RefreshAllResult { refreshed: number; failed: number; complete: boolean; callAgain: boolean }

/** The counters' hourly repair on demand: every on-sale definition re-read, within a web method's time. */
export const refreshAllCountersNow = webMethod(Permissions.Admin, async (): Promise<RefreshAllResult> => {
  const deps = counterDeps();
  const r = await refreshAllCounters(deps, deps.clock.now().getTime() + ACTION_BUDGET_MS);
  return { refreshed: r.refreshed, failed: r.failed, complete: r.complete, callAgain: !r.complete };
});
