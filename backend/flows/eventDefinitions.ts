// Every ticket definition of an event, all pages: what the sale-alert flows decide "due" and "next
// sale start" from, what the control room shows, and what the sync's reconcile compares.
import type { TicketDef } from '../core/ticketDefinition.js';
import { readAllPages } from '../lib/readAllPages.js';
import type { TicketDefinitionsPort } from '../ports.js';

export async function allDefinitions(deps: { definitions: TicketDefinitionsPort }, eventId: string, opts: { salesDetails?: boolean } = {}): Promise<TicketDef[]> {
  return readAllPages({ cursor: (cursor) => deps.definitions.queryByEvent(eventId, { cursor, limit: 100, ...opts }) });
}
