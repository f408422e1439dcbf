// Wix Events V3 (events themselves), only what the package reads: get one event by ID, as the SDK's
// `wixEventsV2.getEvent` asks for it (GET /events/v3/events/{id}). Events are created locally (demo
// seed, tests) through POST /_local/events, since creating events is not part of this package.
import { randomUUID } from 'node:crypto';
import { WixHttpError } from './http.js';
import { requireGuid } from './guid.js';
import type { LocalWixModule, ServerContext } from './app.js';

export interface LocalEvent {
  id?: string;
  title: string;
  slug?: string;
  /** IANA time zone of the event, e.g. Europe/Vienna. */
  timeZoneId: string;
  startDate: string;
  endDate: string;
}

function toWire(e: Required<LocalEvent>, siteUrl: string) {
  return {
    id: e.id, title: e.title, slug: e.slug, status: 'UPCOMING',
    dateAndTimeSettings: { dateAndTimeTbd: false, startDate: e.startDate, endDate: e.endDate, timeZoneId: e.timeZoneId, showTimeZone: true },
    // REST PageUrl {base, path}; the SDK turns it into one URL string.
    eventPageUrl: { base: siteUrl, path: `/event-details/${e.slug}` },
  };
}

export const eventsModule: LocalWixModule = (ctx: ServerContext) => {
  ctx.db.exec('CREATE TABLE IF NOT EXISTS local_events (id TEXT PRIMARY KEY, json TEXT NOT NULL)');
  const get = ctx.db.prepare<[string], { json: string }>('SELECT json FROM local_events WHERE id = ?');
  const put = ctx.db.prepare('INSERT OR REPLACE INTO local_events (id, json) VALUES (?, ?)');
  ctx.router.get('/events/v3/events/:id', (req) => {
    if (ctx.identity(req).role !== 'ADMIN') throw WixHttpError.application(403, 'PERMISSION_DENIED', 'Reading event details needs elevated permissions');
    const row = get.get(requireGuid('eventId', req.params.id));
    if (!row) throw WixHttpError.notFound('EVENT_NOT_FOUND', `Event ${req.params.id} does not exist`);
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
    return { event: toWire(JSON.parse(row.json), origin) };
  });
  ctx.router.post('/_local/events', (req) => {
    const b = req.body as Partial<LocalEvent>;
    for (const k of ['title', 'timeZoneId', 'startDate', 'endDate'] as const) {
      if (typeof b[k] !== 'string' || !b[k]) throw WixHttpError.validation(`event.${k}`, `${k} is required`);
    }
    try { new Intl.DateTimeFormat('en', { timeZone: b.timeZoneId }); } catch { throw WixHttpError.validation('event.timeZoneId', `${b.timeZoneId} is not an IANA time zone`); }
    const id = b.id === undefined ? randomUUID() : requireGuid('event.id', b.id);
    const event: Required<LocalEvent> = { id, title: b.title!, slug: b.slug ?? b.title!.toLowerCase().replace(/[^a-z0-9]+/g, '-'), timeZoneId: b.timeZoneId!, startDate: b.startDate!, endDate: b.endDate! };
    put.run(id, JSON.stringify(event));
    return { event };
  });
};
