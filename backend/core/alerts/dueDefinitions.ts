// Which ticket definitions owe their subscribers an alert now. Pure: the caller passes the
// definitions it read (deleted ones are simply absent), the clock, and which sales are done.
import type { TicketDef } from '../ticketDefinition.js';

/** How far back a sweep still looks for sales that started: covers skipped or late hourly jobs. */
export const DUE_LOOKBACK_MS = 48 * 3_600_000;

/** The sale start as a normalised ISO UTC string, or null when the definition has no scheduled start. */
export function saleStartOf(def: TicketDef): string | null {
  const s = def.salePeriod?.startDate;
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/**
 * A sale is "done" once every subscriber of its event was processed for it. The key carries the start,
 * so a marker written for one start says nothing about another.
 */
export function saleDoneKey(definitionId: string, saleStart: string): string {
  return `done:${definitionId}:${saleStart}`;
}

export interface DueOptions {
  now: Date;
  /** Sales that started at or before this are too old to announce. Default now − 48 h. */
  since?: Date;
  /** `saleDoneKey`s of sales already fully processed. */
  done?: ReadonlySet<string>;
}

/**
 * Due: the sale start has arrived (a sale moved later is not due early; moved earlier, it is due at
 * the new time), it is recent, the definition is visible, its sale has not ended, and it is not done.
 */
export function dueDefinitions(defs: readonly TicketDef[], opts: DueOptions): TicketDef[] {
  const now = opts.now.getTime();
  const since = (opts.since ?? new Date(now - DUE_LOOKBACK_MS)).getTime();
  return defs.filter((d) => {
    if (d.hidden || d.saleStatus === 'SALE_ENDED') return false;
    const start = saleStartOf(d);
    if (!start) return false;
    const t = Date.parse(start);
    if (t > now || t <= since) return false;
    const end = d.salePeriod?.endDate ? Date.parse(d.salePeriod.endDate) : NaN;
    if (Number.isFinite(end) && end <= now) return false;
    return !opts.done?.has(saleDoneKey(d._id, start));
  });
}

/** Is this one definition due now (the sale-started trigger's question)? */
export function isDue(def: TicketDef | null, opts: DueOptions): def is TicketDef {
  return !!def && dueDefinitions([def], opts).length === 1;
}
