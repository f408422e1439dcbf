// Backend events (Velo names, `<module>_<event>`). Thin: parse, hand to the flows, let Wix acknowledge.
// Wix redelivers unacknowledged events for up to 48 h, so every flow here tolerates duplicates.
import { acceptOrderDelivery, refreshCounters } from '../flows/counter.js';
import { counterDeps } from './wiring/counterDeps.js';
import { consoleLogger } from '../wix/runtime.js';
import { definitionChange, saleStartedChange } from '../core/definitionEvents.js';
import { runFlowsOnTheirOwn } from '../flows/definitionEvents.js';

// Sync and alerts load only in the handlers that use them: a backend invocation starts cold, and the
// order events (the busiest by far) should not pay for building those flows' validation schemas.
const syncFlow = async () => {
  const [{ onDefinitionChanged }, { syncDeps }] = await Promise.all([import('../flows/sync.js'), import('./wiring/syncDeps.js')]);
  return { onDefinitionChanged, deps: syncDeps() };
};
const alertsFlow = async () => {
  const [flow, { alertsDeps }] = await Promise.all([import('../flows/alerts.js'), import('./wiring/alertsDeps.js')]);
  return { ...flow, deps: await alertsDeps() };
};

export async function wixEvents_onOrderConfirmed(event: unknown) {
  await acceptOrderDelivery(counterDeps(), 'confirmed', event);
}

/** Cancellations and refunds arrive as order updates; they give tickets back. */
export async function wixEvents_onOrderUpdated(event: unknown) {
  await acceptOrderDelivery(counterDeps(), 'updated', event);
}

export async function wixEvents_onOrderDeleted(event: unknown) {
  await acceptOrderDelivery(counterDeps(), 'deleted', event);
}

async function onDefinitionChanged(event: unknown) {
  const change = definitionChange(event);
  if (!change) return consoleLogger.warn('Ticket definition event without a definition ID', { event });
  await runFlowsOnTheirOwn(consoleLogger, 'Ticket definition change', {
    counter: () => refreshCounters(counterDeps(), change.definitionId),
    // Queued in the outbox and delivered at once; failures stay queued for the hourly drain.
    sync: async () => { const f = await syncFlow(); return f.onDefinitionChanged(f.deps, change.definitionId); },
    alerts: async () => { const f = await alertsFlow(); return f.onDefinitionChanged(f.deps, change); },
  });
}

export const wixEvents_onTicketDefinitionCreated = onDefinitionChanged;
export const wixEvents_onTicketDefinitionUpdated = onDefinitionChanged;
export const wixEvents_onTicketDefinitionDeleted = onDefinitionChanged;

/**
 * V3 "sale started" (`{data: {ticketDefinition}, metadata}`; "may be delayed"). Its Velo name is
 * unconfirmed: if Wix never calls it, the sweep (jobs.config, every 5 minutes) still sends every alert, once.
 */
export async function wixEventsV2_onTicketDefinitionSaleStarted(event: unknown) {
  const change = saleStartedChange(event);
  if (!change) return consoleLogger.warn('Sale-started event without a definition ID', { event });
  await runFlowsOnTheirOwn(consoleLogger, 'Sale started', {
    counter: () => refreshCounters(counterDeps(), change.definitionId),
    alerts: async () => { const f = await alertsFlow(); return f.onSaleStarted(f.deps, change.definitionId, change.eventId); },
  });
}
