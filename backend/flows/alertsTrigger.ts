// The sale-alert triggers (the prompt path): a definition changed, or its sale started. Both send at
// once for the event's due definitions within a trigger's time budget; the scheduled sweep (every 5 minutes)
// (alertsSweep.ts) is the guarantee and finishes what a trigger could not.
import { randomUUID } from 'node:crypto';
import { triggerClaimKey } from '../core/alerts/alertKeys.js';
import { dueDefinitions, saleStartOf } from '../core/alerts/dueDefinitions.js';
import { nextSaleStart } from '../core/alerts/nextSaleStart.js';
import { cursorDone, newSweepCursor, TRIGGER_LIMITS, type SweepTarget } from '../core/alerts/sweepChunks.js';
import type { TicketDef } from '../core/ticketDefinition.js';
import { alertEvents } from '../repositories/alertEvents.js';
import { alertSweeps } from '../repositories/alertSweeps.js';
import { doneKeys, limitsFor, runChunks } from './alertsChunks.js';
import type { AlertsDeps } from './alertsDeps.js';
import { emptyStats } from './alertsSend.js';
import { allDefinitions } from './eventDefinitions.js';

/**
 * A definition was created/updated/deleted (legacy payload: a trigger only). When a sale is due now
 * (moved earlier, or just started), sends at once; then passes the event's next sale start to the
 * marketing tool. The alerts go first: with Wix contacts that is one write per labelled contact, and
 * a marketing tool that fails must not hold up or block them (the sweep does not retry the date; the
 * next change of the event's sales writes it again).
 */
export async function onDefinitionChanged(deps: AlertsDeps, change: { eventId?: string | null; definitionId: string }) {
  const def = await deps.definitions.get(change.definitionId);
  const eventId = def?.eventId ?? change.eventId;
  if (!eventId) return { outcome: 'unknown_event' as const };
  if (!(await alertEvents(deps).has(eventId))) return { outcome: 'no_subscribers' as const };
  const defs = await allDefinitions(deps, eventId);
  const next = nextSaleStart(defs, deps.clock.now());
  const sent = await alertEventNow(deps, eventId, defs);
  try {
    await deps.marketing.setSaleStart(eventId, next);
  } catch (e) {
    deps.logger?.warn('Could not pass the sale start to the marketing tool', { eventId, error: String(e) });
  }
  return { outcome: 'handled' as const, ...sent };
}

/**
 * The sale-started trigger (whatever its Velo name turns out to be). Re-reads the event's definitions
 * and sends for every due one together, so several definitions opening at once give one email.
 */
export async function onSaleStarted(deps: AlertsDeps, definitionId: string, eventIdFromPayload?: string | null) {
  // The event's entity carries its event ID: no read of the definition (the event's query below
  // re-reads it anyway, and a definition gone meanwhile is simply not due).
  const eventId = eventIdFromPayload || (await deps.definitions.get(definitionId))?.eventId;
  if (!eventId) return { outcome: 'not_found' as const };
  if (!(await alertEvents(deps).has(eventId))) return { outcome: 'no_subscribers' as const };
  return { outcome: 'handled' as const, ...(await alertEventNow(deps, eventId, await allDefinitions(deps, eventId))) };
}

/** Sends for the event's due definitions within a trigger's time budget; the sweep finishes the rest. */
async function alertEventNow(deps: AlertsDeps, eventId: string, defs: TicketDef[]) {
  const now = deps.clock.now();
  const due = dueDefinitions(defs, { now, done: await doneKeys(deps, defs) });
  if (!due.length) return { due: 0, finished: true, chunks: 0, maxChunkMs: 0, stats: emptyStats(), busy: false };
  // One trigger per event and sale start works at a time: the sale-started events of the event's
  // definitions and Wix's redeliveries of each would otherwise all walk the same pages (each asking the
  // marketing tool about them). The claim holds for one message window; the sweep does not look at it,
  // so a trigger cut off mid-way is continued by the next sweep.
  const claim = triggerClaimKey(eventId, due.map((d) => saleStartOf(d)), now);
  if (!(await alertSweeps(deps).claim(claim, now.toISOString()))) {
    return { due: due.length, finished: false, chunks: 0, maxChunkMs: 0, stats: emptyStats(), busy: true };
  }
  const limits = limitsFor(deps, TRIGGER_LIMITS);
  const target: SweepTarget = { eventId, definitionIds: due.map((d) => d._id) };
  let cursor = newSweepCursor(`trigger-${randomUUID()}`, now, [target]);
  const r = await runChunks(deps, cursor, limits, new Map([[eventId, due]]));
  cursor = r.cursor;
  return { due: due.length, finished: cursorDone(cursor), chunks: r.chunks, maxChunkMs: r.maxChunkMs, stats: r.stats, busy: false };
}
