// Every ticket definition of an event, all pages: what the sale-alert flows decide "due" and "next
// sale start" from.
import type { TicketDef } from '../core/ticketDefinition.js';
import type { AlertsDeps } from './alertsDeps.js';

export async function allDefinitions(deps: Pick<AlertsDeps, 'definitions'>, eventId: string): Promise<TicketDef[]> {
  const out: TicketDef[] = [];
  let cursor: string | null = null;
  do {
    const page = await deps.definitions.queryByEvent(eventId, { cursor, limit: 100 });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
