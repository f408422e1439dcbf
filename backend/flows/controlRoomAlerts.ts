// The control room's Sale alerts section: per event (one page of the events somebody subscribed
// to) the subscriptions by state, the next sale start, and the deliveries by outcome; plus the last
// sweep. Counts are Wix Data counts (one read each), never a scan of subscribers or deliveries.
// Also the "send a test alert to me" action: the real template with the event's real tickets, sent
// to the address the owner gives, with no delivery record (it is not an alert to a subscriber).
import { alertDefinition } from '../core/alerts/alertDefinition.js';
import { alertEmailVariables } from '../core/alerts/alertEmail.js';
import { saleStartOf } from '../core/alerts/dueDefinitions.js';
import { nextSaleStart } from '../core/alerts/nextSaleStart.js';
import type { DeliveryStatus } from '../core/alerts/saleAlertTypes.js';
import { PAGE_SIZES } from '../core/controlRoom/controlRoomInput.js';
import { scrubSecrets, sweepSummary } from '../core/controlRoom/controlRoomViews.js';
import type { TicketDef } from '../core/ticketDefinition.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';
import { alertDeliveries } from '../repositories/alertDeliveries.js';
import { alertEvents } from '../repositories/alertEvents.js';
import { alertSubscriptions } from '../repositories/alertSubscriptions.js';
import { alertSweeps } from '../repositories/alertSweeps.js';
import { eventDetailsOrFallback } from './alertsDeliver.js';
import type { AlertsDeps } from './alertsDeps.js';
import { allDefinitions } from './eventDefinitions.js';

/** Subscription states as stored; `active` is a confirmed opt-in (double opt-in may add `pending`). */
const CONFIRMED = ['active', 'confirmed'];

export interface EventAlertsHealth {
  eventId: string;
  firstSubscribedAt: string | null;
  subscriptions: { confirmed: number; pending: number; unsubscribed: number };
  /** The earliest sale still to come (ISO), null when none is scheduled or the read failed. */
  nextSaleStart: string | null;
  nextSaleStartError: string | null;
  deliveries: { sent: number; failedRetryPlanned: number; failedFinal: number; pending: number; skipped: number; unknown: number };
}

export interface AlertsSection {
  events: { items: EventAlertsHealth[]; total: number; page: number; pageSize: number };
  lastSweep: ReturnType<typeof sweepSummary>;
}

export async function alertsSection(deps: Pick<AlertsDeps, 'collections' | 'definitions' | 'clock'>, input: { eventPage?: number } = {}): Promise<AlertsSection> {
  const page = input.eventPage ?? 0;
  const [events, cursorRow] = await Promise.all([alertEvents(deps).page(page * PAGE_SIZES.events, PAGE_SIZES.events), alertSweeps(deps).cursorRow()]);
  const now = deps.clock.now();
  const subscriptions = alertSubscriptions(deps);
  const deliveries = alertDeliveries(deps);
  const items = await mapConcurrent(events.rows, 3, async (ev): Promise<EventAlertsHealth> => {
    const eventId = ev._id;
    const s = (...statuses: string[]) => subscriptions.countForEvent(eventId, statuses);
    const d = (status: DeliveryStatus, retryPlanned = false) => deliveries.countForEvent(eventId, status, { retryPlanned });
    const [confirmed, pending, unsubscribed, sent, failed, failedRetryPlanned, pendingSends, skipped, unknown, next] = await Promise.all([
      s(...CONFIRMED), s('pending'), s('unsubscribed'),
      d('sent'), d('failed'), d('failed', true), d('pending'), d('skipped'), d('unknown'),
      allDefinitions(deps, eventId).then((defs) => ({ start: nextSaleStart(defs, now), error: null }), (e: Error) => ({ start: null, error: scrubSecrets(e.message) })),
    ]);
    return {
      eventId, firstSubscribedAt: ev.firstSubscribedAt,
      subscriptions: { confirmed, pending, unsubscribed },
      nextSaleStart: next.start, nextSaleStartError: next.error,
      deliveries: { sent, failedRetryPlanned, failedFinal: failed - failedRetryPlanned, pending: pendingSends, skipped, unknown },
    };
  });
  return { events: { items, total: events.total, page, pageSize: PAGE_SIZES.events }, lastSweep: sweepSummary(cursorRow) };
}

export type TestAlertResult = { ok: true; email: string; tickets: number } | { ok: false; reason: 'no_tickets' | 'send_failed'; message: string };

export async function sendTestAlert(deps: AlertsDeps, input: { email: string; eventId: string }): Promise<TestAlertResult> {
  const defs = (await allDefinitions(deps, input.eventId)).filter((d) => !d.hidden);
  if (!defs.length) return { ok: false, reason: 'no_tickets', message: `Event ${input.eventId} has no visible ticket definitions to show in a test alert.` };
  const now = deps.clock.now().toISOString();
  // A ticket without a sale period goes on sale "now" in the test; real alerts only list scheduled sales.
  const alertDefs = defs.map((d) => alertDefinition(saleStartOf(d) ? d : { ...d, salePeriod: { ...(d.salePeriod ?? {}), startDate: now } } as TicketDef, deps.config.locale));
  const event = await eventDetailsOrFallback(deps, input.eventId);
  try {
    const contactId = await deps.mailer.contactFor(input.email);
    // No unsubscribe token: the owner is not a subscriber; the link leads to the unsubscribe page's "invalid link" answer.
    const variables = alertEmailVariables(event, alertDefs, { unsubscribeUrl: deps.config.unsubscribeBaseUrl }, deps.config.locale);
    await deps.mailer.sendTriggeredEmail({ templateId: deps.config.templateId, contactId, variables });
    return { ok: true, email: input.email, tickets: alertDefs.length };
  } catch (e) {
    return { ok: false, reason: 'send_failed', message: scrubSecrets((e as Error).message) };
  }
}
