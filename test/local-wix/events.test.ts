// Events V3 `getEvent` on the local Wix, driven through the genuine SDK (`wixEventsV2` from
// @wix/events) and checked against the zod schemas that @wix/auto_sdk_events_wix-events-v-2 publishes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wixEventsV2 } from '@wix/events';
import * as schemas from '@wix/auto_sdk_events_wix-events-v-2/schemas';
import { createLocalClient, VISITOR } from '../../local-wix/sdk-client.js';
import { startLocalWix, type StartedLocalWix } from '../support/localWixServer.js';
import { guid } from '../support/guids.js';
import { adminFetch } from '../../local-wix/local-key.js';

let s: StartedLocalWix;
const requests: { method: string; url: string }[] = [];
const client = (identity?: Parameters<typeof createLocalClient>[2]) =>
  createLocalClient(s.baseUrl, { wixEventsV2 }, identity, (method, url) => requests.push({ method, url }));

beforeAll(async () => { s = await startLocalWix(); });
afterAll(async () => s.close());

async function localEvent(body: object) {
  const res = await adminFetch(`${s.baseUrl}/_local/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() as any };
}
async function thrown(p: Promise<unknown>): Promise<any> {
  try { await p; } catch (e) { return e; }
  throw new Error('expected the SDK call to throw');
}

describe('getEvent', () => {
  it('answers at the path the SDK calls, in the wire format its schema accepts', async () => {
    const { body } = await localEvent({ title: 'Winter Gala', timeZoneId: 'Europe/Vienna', startDate: '2026-12-20T18:00:00Z', endDate: '2026-12-20T23:00:00Z' });
    const id = body.event.id as string;
    expect(schemas.GetEventRequest.safeParse({ eventId: id, options: { fields: ['URLS'] } }).success).toBe(true);
    requests.length = 0;
    const e = schemas.GetEventResponse.parse(await client().wixEventsV2.getEvent(id, { fields: ['URLS'] }));
    expect(requests.map((r) => `${r.method} ${r.url.split("?")[0]}`)).toEqual([`GET /events/v3/events/${id}`]);
    expect(e).toMatchObject({ _id: id, title: 'Winter Gala', slug: 'winter-gala', dateAndTimeSettings: { timeZoneId: 'Europe/Vienna', startDate: new Date('2026-12-20T18:00:00Z') } });
    // REST sends {base, path}; the SDK hands site code one URL string.
    expect(e.eventPageUrl).toBe(`${s.baseUrl}/event-details/winter-gala`);
  });

  it('an unknown event is a 404 with a Wix error body; a visitor is refused', async () => {
    const missing = await thrown(client().wixEventsV2.getEvent(guid('no-such-event')));
    expect(missing.details.applicationError.code).toBe('EVENT_NOT_FOUND');
    // An ID that is not a GUID is refused before any lookup, with Wix's validation error (rule FORMAT).
    const malformed = await thrown(client().wixEventsV2.getEvent('no-such-event'));
    expect(malformed.details.validationError.fieldViolations[0]).toMatchObject({ field: 'eventId', violatedRule: 'FORMAT' });
    const { body } = await localEvent({ title: 'Private', timeZoneId: 'UTC', startDate: '2026-12-01T10:00:00Z', endDate: '2026-12-01T12:00:00Z' });
    const denied = await thrown(client(VISITOR).wixEventsV2.getEvent(body.event.id));
    expect(denied.details.applicationError.code).toBe('PERMISSION_DENIED');
  });

  it('the local endpoint refuses an event without a real IANA time zone, and the server keeps answering', async () => {
    const bad = await localEvent({ title: 'Nowhere', timeZoneId: 'Mars/Olympus', startDate: '2026-12-01T10:00:00Z', endDate: '2026-12-01T12:00:00Z' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.validationError.fieldViolations[0].field).toBe('event.timeZoneId');
    const ok = await localEvent({ title: 'Somewhere', timeZoneId: 'America/New_York', startDate: '2026-12-01T10:00:00Z', endDate: '2026-12-01T12:00:00Z' });
    expect(ok.status).toBe(200);
  });
});
