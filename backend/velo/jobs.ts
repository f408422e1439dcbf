// Scheduled jobs (see jobs.config). Each runs within Velo's time limits and reports what it did.
import { repairCounters as repair } from '../flows/counter.js';
import { counterDeps } from './wiring/counterDeps.js';
import { consoleLogger } from '../wix/runtime.js';

/** Hourly: refresh counters of definitions on sale, in case an order event was missed. */
export async function repairCounters() {
  const result = await repair(counterDeps());
  consoleLogger.info('Counter repair done', result);
  return result;
}
