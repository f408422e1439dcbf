// Backend events (Velo names, `<module>_<event>`). Thin: parse, hand to a flow, let Wix acknowledge.
// Wix redelivers unacknowledged events for up to 48 h, so every flow here tolerates duplicates.
import { handleOrderEvent, refreshCounters } from '../flows/counter.js';
import { counterDeps } from './wiring/counterDeps.js';
import { consoleLogger } from '../wix/runtime.js';

export async function wixEvents_onOrderConfirmed(event: unknown) {
  await handleOrderEvent(counterDeps(), 'confirmed', event);
}

/** Cancellations and refunds arrive as order updates; they give tickets back. */
export async function wixEvents_onOrderUpdated(event: unknown) {
  await handleOrderEvent(counterDeps(), 'updated', event);
}

export async function wixEvents_onOrderDeleted(event: unknown) {
  await handleOrderEvent(counterDeps(), 'deleted', event);
}

/** Legacy payload `{timestamp, eventId, ticketDefinitionId}`: a trigger only; the flows re-read. */
function definitionIdOf(event: unknown): string | null {
  const id = (event as { ticketDefinitionId?: unknown } | null)?.ticketDefinitionId;
  return typeof id === 'string' && id.length > 0 && id.length <= 100 ? id : null;
}

async function onDefinitionChanged(event: unknown) {
  const id = definitionIdOf(event);
  if (!id) return consoleLogger.warn('Ticket definition event without a definition ID', { event });
  await refreshCounters(counterDeps(), id);
}

export const wixEvents_onTicketDefinitionCreated = onDefinitionChanged;
export const wixEvents_onTicketDefinitionUpdated = onDefinitionChanged;
export const wixEvents_onTicketDefinitionDeleted = onDefinitionChanged;
