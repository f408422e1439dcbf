// Scheduled jobs (see jobs.config). Each runs within Velo's time limits and reports what it did.
import { repairCounters as repair } from '../flows/counter.js';
import { sweep } from '../flows/alerts.js';
import { runHourly } from '../flows/sync.js';
import { counterDeps } from './wiring/counterDeps.js';
import { alertsDeps } from './wiring/alertsDeps.js';
import { syncDeps } from './wiring/syncDeps.js';
import { consoleLogger } from '../wix/runtime.js';
import { recordRepairRun } from '../flows/controlRoomCounters.js';
import { recordReconcileReport } from '../flows/controlRoomSync.js';

/** Velo ends a job after 5 minutes: the jobs below start no new work after 4. */
const JOB_BUDGET_MS = 4 * 60_000;

/** Hourly: refresh counters of definitions on sale, in case an order event was missed. */
export async function repairCounters() {
  const deps = counterDeps();
  const result = await repair(deps, { deadline: Date.now() + JOB_BUDGET_MS });
  consoleLogger.info('Counter repair done', { ...result });
  // For the control room's Counters section.
  await recordRepairRun(deps.collections, result, 'job', new Date());
  return result;
}

/** Hourly: send the sale alerts that are due; the guarantee behind the sale-started trigger. */
export async function sweepSaleAlerts() {
  const result = await sweep(await alertsDeps());
  consoleLogger.info('Sale alert sweep', { ...result });
  return result;
}

// The same sweep at :07, :12, … :57. Wix runs each job at most hourly (Elite plans: every 5 minutes),
// so twelve hourly entries five minutes apart make the sweep run every 5 minutes; each run may take
// its 4 minutes, so when a sale opens to tens of thousands of subscribers the work goes on almost
// continuously, and what a sale-started trigger could not finish in its time continues within minutes,
// not at the next hour. Separate functions, because whether Wix accepts one function in several
// entries is unconfirmed. Idle, a run costs one Ticket Definitions query per event with subscribers.
export async function sweepSaleAlertsAt07() { return sweepSaleAlerts(); }
export async function sweepSaleAlertsAt12() { return sweepSaleAlerts(); }
export async function sweepSaleAlertsAt17() { return sweepSaleAlerts(); }
export async function sweepSaleAlertsAt22() { return sweepSaleAlerts(); }
export async function sweepSaleAlertsAt27() { return sweepSaleAlerts(); }
export async function sweepSaleAlertsAt32() { return sweepSaleAlerts(); }
export async function sweepSaleAlertsAt37() { return sweepSaleAlerts(); }
export async function sweepSaleAlertsAt42() { return sweepSaleAlerts(); }
export async function sweepSaleAlertsAt47() { return sweepSaleAlerts(); }
export async function sweepSaleAlertsAt52() { return sweepSaleAlerts(); }
export async function sweepSaleAlertsAt57() { return sweepSaleAlerts(); }

/**
 * Hourly: re-queue dead letters the owner marked for retry, repair drift, drain the sync outbox. Within
 * the job budget (a delivery in flight then times out within 5 s); the reconcile gets at most the first
 * half so the outbox always drains, and the next run resumes it from the event where it stopped.
 */
export async function syncHourly() {
  const deps = syncDeps();
  const r = await runHourly(deps, { budgetMs: JOB_BUDGET_MS });
  // For the control room's Sync section: what this reconcile found.
  await recordReconcileReport(deps.collections, r.reconcile, r.complete, new Date());
  consoleLogger.info('Sync hourly run', { requeued: r.requeued, fixed: r.reconcile.fixed, missingExternally: r.reconcile.missingExternally, drain: r.drain, complete: r.complete });
  return r;
}
