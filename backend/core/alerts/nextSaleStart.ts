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
