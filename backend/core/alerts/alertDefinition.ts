// Reduces a due V3 definition to what an alert says about it.
import type { TicketDef } from '../ticketDefinition.js';
import { saleStartOf } from './dueDefinitions.js';
import { ticketPriceText } from './ticketPriceText.js';
import type { AlertDefinition } from './saleAlertTypes.js';

export function alertDefinition(def: TicketDef, locale = 'en-US'): AlertDefinition {
  const saleStart = saleStartOf(def);
  if (!saleStart) throw new Error(`Definition ${def._id} has no sale start`);
  return { definitionId: def._id, eventId: def.eventId, name: def.name, saleStart, priceText: ticketPriceText(def, locale) };
}
