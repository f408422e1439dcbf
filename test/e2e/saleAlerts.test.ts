// Sale alerts end to end on the local Wix: the real site code (src/backend) in the Velo host, cold.
// A visitor subscribes through the web method; the site owner moves the VIP sale start to now; the
// sale-started event and the hourly sweep share one idempotent send; the email lands in the inbox once;
// its unsubscribe link works. (Site code runs on real time, so the sale is moved rather than the clock.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { items } from '@wix/data';
import { ticketDefinitionsV2 } from '@wix/events';
import type { Stack } from '../../local-wix/stack.js';
import { startTestStack } from '../support/testStack.js';
import { ADMIN, createLocalClient } from '../../local-wix/sdk-client.js';
import { DEMO, findDemoDefinitions } from '../../local-wix/demo/seed.js';
import { adminFetch } from '../../local-wix/local-key.js';

let stack: Stack;
let vip: any;

const post = (p: string, body: unknown) => adminFetch(`${stack.baseUrl}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const subscribe = async (input: unknown) => (await (await post('/_webMethods/alerts.web.js/subscribeToSaleAlerts', { args: [input] })).json()) as any;
const inbox = async (to: string) => ((await (await adminFetch(`${stack.baseUrl}/_local/inbox?to=${encodeURIComponent(to)}`)).json()) as any);
const messages = async (to: string) => { const b = await inbox(to); return (b.messages ?? b.emails ?? b.items ?? b) as any[]; };
/** The "Ticket sale starts" contact field of the contact with this email (undefined when empty). */
const saleStartField = async (email: string) => {
  const { contacts } = (await (await adminFetch(`${stack.baseUrl}/_local/contacts`)).json()) as any;
  const c = contacts.find((x: any) => x.primaryInfo?.email === email);
  return Object.values(c?.info?.extendedFields ?? {})[0];
};

beforeAll(async () => {
  stack = await startTestStack('e2e-alerts', { seed: true });
  vip = (await findDemoDefinitions(stack.baseUrl)).get('VIP Lounge');
});
afterAll(async () => { await stack?.close(); });

describe('sale alerts on the local Wix', () => {
  it('refuses invalid input with the reasons', async () => {
    const r = await subscribe({ email: 'not-an-email', eventId: DEMO.eventId, channels: ['email'] });
    expect(r.result).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('subscribes once per address and event, and answers a known address as it answers a new one', async () => {
    const a = await subscribe({ email: 'fan@example.com', eventId: DEMO.eventId, channels: ['email'] });
    const b = await subscribe({ email: 'FAN@example.com', eventId: DEMO.eventId, channels: ['email'] });
    expect(a.result).toEqual({ ok: true, outcome: 'subscribed' });
    expect(b.result).toEqual(a.result);
    const owner = createLocalClient(stack.baseUrl, { items }, ADMIN);
    const subs = await owner.items.query('SaleAlertSubscriptions').eq('email', 'fan@example.com').find();
    expect(subs.items).toHaveLength(1);
    // The event's next sale (VIP, in 30 days) is in the contact's date field for Wix Automations.
    expect(await saleStartField('fan@example.com')).toBe(new Date(vip.salePeriod.startDate).toISOString().slice(0, 10));
    await subscribe({ email: 'gone@example.com', eventId: DEMO.eventId, channels: ['email'] });
    await post('/_local/contacts/subscription', { email: 'gone@example.com', status: 'UNSUBSCRIBED' });
  });

  it('when the sale starts, subscribers get one email, even with the sweep running too', async () => {
    expect(await messages('fan@example.com')).toHaveLength(0);
    const owner = createLocalClient(stack.baseUrl, { ticketDefinitionsV2 }, ADMIN);
    await owner.ticketDefinitionsV2.updateTicketDefinition(vip._id, { revision: vip.revision, salePeriod: { startDate: new Date(Date.now() - 60_000), displayNotOnSale: true } });
    await expect.poll(async () => (await messages('fan@example.com')).length, { timeout: 15_000, interval: 200 }).toBe(1);
    // The hourly guarantee runs too (twice): nothing is sent again.
    for (let i = 0; i < 2; i++) expect((await post('/_local/jobs/sweepSaleAlerts/run', {})).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const sent = await messages('fan@example.com');
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0])).toContain('VIP Lounge');
    // Event details come from Events V3: the title, and times in the event's zone (Vienna).
    expect(JSON.stringify(sent[0])).toContain('Summer Jazz Night');
    expect(JSON.stringify(sent[0])).toMatch(/GMT\+1|CET|Vienna/);
    expect((await messages('gone@example.com')).filter((m) => m.status !== 'SKIPPED')).toHaveLength(0);
    // No sale left to come: the definition event cleared the date on the event's contacts.
    await expect.poll(() => saleStartField('fan@example.com'), { timeout: 5_000, interval: 200 }).toBeUndefined();
  });

  it('the unsubscribe link in the email works with one click', async () => {
    const [mail] = await messages('fan@example.com');
    const link = /https?:\/\/[^"\s]+saleAlertUnsubscribe\?[^"\s]+/.exec(JSON.stringify(mail))?.[0]?.replace(/\\u0026/g, '&');
    expect(link).toBeTruthy();
    const res = await adminFetch(new URL(link!).pathname + new URL(link!).search, { method: 'GET' }).catch(() => null)
      ?? await adminFetch(`${stack.baseUrl}${new URL(link!).pathname}${new URL(link!).search}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/unsubscribed/i);
  });
});
