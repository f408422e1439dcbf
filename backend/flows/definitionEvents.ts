// The flows one ticket-definition event starts (counter, sync, alerts), each on its own.
import type { LoggerPort } from '../ports.js';

/**
 * Runs every flow of one event on its own: one failing (say, a missing secret for the sync) never stops
 * the others, and each failure is logged with the flow's name. The event is still acknowledged: each flow
 * has its own catch-up (the counters' hourly repair, the sync's outbox and reconcile, the alerts' sweep),
 * while a resend would run the flows that succeeded again. Answers the names of the flows that failed.
 */
export async function runFlowsOnTheirOwn(logger: LoggerPort, what: string, flows: Record<string, () => Promise<unknown>>): Promise<string[]> {
  const names = Object.keys(flows);
  const results = await Promise.allSettled(names.map((n) => flows[n]!()));
  const failed: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') return;
    failed.push(names[i]!);
    logger.error(`${what}: ${names[i]} failed`, { error: String((r.reason as Error)?.message ?? r.reason) });
  });
  return failed;
}
