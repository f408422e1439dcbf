// The start date passed to the marketing tool: the earliest sale of the event still to come.
import type { TicketDef } from '../ticketDefinition.js';
import { saleStartOf } from './dueDefinitions.js';

export function nextSaleStart(defs: readonly TicketDef[], now: Date): string | null {
  let best: string | null = null;
  for (const d of defs) {
    if (d.hidden || d.saleStatus === 'SALE_ENDED') continue;
    const s = saleStartOf(d);
    if (s && Date.parse(s) > now.getTime() && (!best || s < best)) best = s;
  }
  return best;
}

/**
 * The same start as a calendar date for tools whose field holds a date (Wix contacts' DATE extended
 * fields take `YYYY-MM-DD`): the UTC day, since a contact field has no time zone. null stays null.
 */
export function saleStartDay(saleStart: string | null): string | null {
  if (!saleStart) return null;
  const t = Date.parse(saleStart);
  if (Number.isNaN(t)) throw new RangeError(`Not a date: ${saleStart}`);
  return new Date(t).toISOString().slice(0, 10);
}
