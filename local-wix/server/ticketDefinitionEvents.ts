// The backend events the local Wix emits for ticket definitions, by their Velo names.
import { randomUUID } from 'node:crypto';
import type { Json } from './http.js';
import type { ServerContext } from './app.js';

export const DEFINITION_CREATED_EVENT = 'wixEvents_onTicketDefinitionCreated';
export const DEFINITION_UPDATED_EVENT = 'wixEvents_onTicketDefinitionUpdated';
export const DEFINITION_DELETED_EVENT = 'wixEvents_onTicketDefinitionDeleted';
/** Velo name of the V3 sale-started event: *unconfirmed* (Wix documents only the SDK `onTicketDefinitionSaleStarted`). */
export const SALE_STARTED_EVENT = 'wixEventsV2_onTicketDefinitionSaleStarted';

/** The documented legacy payload: a trigger only, site code re-reads the definition. */
export function emitDefinitionEvent(ctx: ServerContext, name: string, d: { id: string; eventId: string }) {
  ctx.host.dispatchEvent(name, { timestamp: ctx.clock.now().toISOString(), eventId: d.eventId, ticketDefinitionId: d.id });
}

/** `{data: {ticketDefinition}, metadata}` as the V3 envelope; the entity carries no sales details. */
export function emitSaleStarted(ctx: ServerContext, wire: Json) {
  const id = randomUUID();
  ctx.host.dispatchEvent(SALE_STARTED_EVENT, {
    data: { ticketDefinition: wire },
    metadata: {
      id,
      _id: id,
      entityFqdn: 'wix.events.v3.ticket_definition',
      slug: 'sale_started',
      entityId: wire.id,
      eventTime: ctx.clock.now().toISOString(),
    },
  });
}
