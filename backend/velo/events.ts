// Backend events (Velo names, `<module>_<event>`). Thin: parse, hand to the flows, let Wix acknowledge.
// Wix redelivers unacknowledged events for up to 48 h, so every flow here tolerates duplicates.
import { acceptOrderDelivery, refreshCounters } from '../flows/counter.js';
import { counterDeps } from './wiring/counterDeps.js';
import { consoleLogger } from '../wix/runtime.js';

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

/** Runs each flow on its own: one failing (say, a missing secret) never stops the others. */
async function each(what: string, tasks: Record<string, () => Promise<unknown>>) {
  const names = Object.keys(tasks);
  const results = await Promise.allSettled(names.map((n) => tasks[n]!()));
  results.forEach((r, i) => {
    if (r.status === 'rejected') consoleLogger.error(`${what}: ${names[i]} failed`, { error: String((r.reason as Error)?.message ?? r.reason) });
  });
}

/** Legacy payload `{timestamp, eventId, ticketDefinitionId}`: a trigger only; the flows re-read. */
function definitionChange(event: unknown): { definitionId: string; eventId: string | null } | null {
  const e = event as { ticketDefinitionId?: unknown; eventId?: unknown } | null;
  const id = e?.ticketDefinitionId;
  if (typeof id !== 'string' || !id || id.length > 100) return null;
  return { definitionId: id, eventId: typeof e?.eventId === 'string' ? e.eventId : null };
}

async function onDefinitionChanged(event: unknown) {
  const change = definitionChange(event);
  if (!change) return consoleLogger.warn('Ticket definition event without a definition ID', { event });
  await each('Ticket definition change', {
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
  const e = event as { data?: { ticketDefinition?: { _id?: unknown; id?: unknown; eventId?: unknown } }; metadata?: { entityId?: unknown } } | null;
  const id = e?.data?.ticketDefinition?._id ?? e?.data?.ticketDefinition?.id ?? e?.metadata?.entityId;
  if (typeof id !== 'string' || !id) return consoleLogger.warn('Sale-started event without a definition ID', { event });
  const eventId = e?.data?.ticketDefinition?.eventId;
  const payloadEventId = typeof eventId === 'string' && eventId.length <= 100 ? eventId : null;
  await each('Sale started', {
    counter: () => refreshCounters(counterDeps(), id),
    alerts: async () => { const f = await alertsFlow(); return f.onSaleStarted(f.deps, id, payloadEventId); },
  });
}
