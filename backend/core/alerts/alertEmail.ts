// The words of an alert. Times are UTC everywhere else; here, and only here, they are shown in the
// event's own time zone, so "on sale at 10:00" means 10:00 where the event happens.
import type { AlertDefinition } from './saleAlertTypes.js';

export interface EventDetails {
  eventId: string;
  title: string;
  /** IANA zone of the event ("Europe/Berlin"); UTC when unknown. */
  timeZone: string | null;
  /** The event page, where tickets are bought. */
  url: string;
}

// Building an Intl formatter costs far more than using one: keep them per (locale, zone).
const formatters = new Map<string, { date: Intl.DateTimeFormat; zone: Intl.DateTimeFormat }>();
function formattersFor(locale: string, timeZone: string) {
  const key = `${locale}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = {
      date: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }),
      zone: new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' }),
    };
    if (formatters.size > 200) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

export function timeInZone(iso: string, timeZone: string | null, locale = 'en-US'): string {
  const fmt = (tz: string, loc = locale) => {
    const f = formattersFor(loc, tz);
    const d = new Date(iso);
    const zoneName = f.zone.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value;
    return `${f.date.format(d)}${zoneName ? ` ${zoneName}` : ''}`;
  };
  try {
    return fmt(timeZone || 'UTC');
  } catch {
    try {
      return fmt('UTC'); // An unknown zone name must not stop the alert.
    } catch {
      return fmt('UTC', 'en-US'); // Nor a locale Intl refuses.
    }
  }
}

/** Triggered-email variables (flat strings, as Wix's `emailContact` takes them). */
export function alertEmailVariables(
  event: EventDetails,
  defs: readonly AlertDefinition[],
  links: { unsubscribeUrl: string },
  locale = 'en-US',
): Record<string, string> {
  if (!defs.length) throw new Error('An alert lists at least one ticket');
  const first = defs.reduce((a, d) => (d.saleStart < a.saleStart ? d : a));
  return {
    eventName: event.title,
    firstName: '',
    ticketName: defs.map((d) => d.name).join(', '),
    ticketCount: String(defs.length),
    tickets: defs.map((d) => (d.priceText ? `${d.name}: ${d.priceText}` : d.name)).join('\n'),
    prices: defs.map((d) => d.priceText).filter(Boolean).join(', '),
    saleStart: timeInZone(first.saleStart, event.timeZone, locale),
    saleStartUtc: first.saleStart,
    timeZone: event.timeZone || 'UTC',
    eventUrl: event.url,
    unsubscribeUrl: links.unsubscribeUrl,
  };
}

/** Web push payloads must stay under ~4 KB once encrypted; keep the text short. */
export const MAX_PUSH_PAYLOAD_BYTES = 3000;

export interface PushPayload { title: string; body: string; url: string; tag: string }

export function alertPushPayload(event: EventDetails, defs: readonly AlertDefinition[], locale = 'en-US'): PushPayload {
  const vars = alertEmailVariables(event, defs, { unsubscribeUrl: '' }, locale);
  const payload: PushPayload = {
    title: `Tickets on sale: ${event.title}`.slice(0, 120),
    body: `${defs.map((d) => (d.priceText ? `${d.name} (${d.priceText})` : d.name)).join(', ')} — on sale since ${vars.saleStart}`,
    url: event.url,
    // Same tag per event: a second push for the same event replaces the first on the device.
    tag: `sale-alert-${event.eventId}`,
  };
  while (Buffer.byteLength(JSON.stringify(payload)) > MAX_PUSH_PAYLOAD_BYTES && payload.body.length > 20) payload.body = `${payload.body.slice(0, Math.floor(payload.body.length * 0.8))}…`;
  return payload;
}
