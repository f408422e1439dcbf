// Sale alerts end to end on the local Wix: the real site code (src/backend) in the Velo host, cold.
// A visitor subscribes through the web method and confirms through the emailed link (a page with a
// button; the button's POST confirms); the site owner moves the VIP sale start to now; the sale-started
// event and the hourly sweep share one idempotent send; the email lands in the inbox once; its
// unsubscribe link shows a page whose button (POST) unsubscribes. (Site code runs on real time, so the sale is moved rather than the clock.)
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
const allMessages = async (to: string) => { const b = await inbox(to); return (b.messages ?? b.emails ?? b.items ?? b) as any[]; };
/** Alerts only (the confirmation emails are looked at on their own). */
const messages = async (to: string) => (await allMessages(to)).filter((m) => m.templateId === 'sale-alert');
const local = (link: string) => `${stack.baseUrl}${new URL(link).pathname}${new URL(link).search}`;
/** The visitor opens the confirmation link (a page with a button) and presses the button. */
async function confirmFromInbox(email: string) {
  const mail = (await allMessages(email)).filter((m) => m.templateId === 'sale-alert-confirm').at(-1);
  expect(mail?.variables?.confirmUrl).toMatch(/\/_functions\/saleAlertConfirm\?s=/);
  const opened = await fetch(local(mail.variables.confirmUrl));
  expect(await opened.text()).toContain('<button type="submit">Confirm sale alert</button>');
  const pressed = await fetch(local(mail.variables.confirmUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
  expect(await pressed.text()).toContain('Sale alert confirmed');
}
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

  it('a sign-up sends one confirmation email; the subscription is active only once the link is confirmed', async () => {
    const a = await subscribe({ email: 'fan@example.com', eventId: DEMO.eventId, channels: ['email'] });
    expect(a.result).toEqual({ ok: true, outcome: 'confirmation_sent' });
    // The same mailbox again the same day: no second email.
    const b = await subscribe({ email: 'FAN@example.com', eventId: DEMO.eventId, channels: ['email'] });
    expect(b.result).toMatchObject({ ok: false, reason: 'rate_limited' });
    expect((await allMessages('fan@example.com')).map((m) => m.templateId)).toEqual(['sale-alert-confirm']);
    const owner = createLocalClient(stack.baseUrl, { items }, ADMIN);
    const subs = await owner.items.query('SaleAlertSubscriptions').eq('email', 'fan@example.com').find({ consistentRead: true });
    expect(subs.items).toHaveLength(1);
    expect(subs.items[0]).toMatchObject({ status: 'pending' });
    await confirmFromInbox('fan@example.com');
    expect((await owner.items.get('SaleAlertSubscriptions', subs.items[0]!._id, { consistentRead: true }))).toMatchObject({ status: 'active', consentWording: 'sale-alert-v1' });
    // The event's next sale (VIP, in 30 days) is in the contact's date field for Wix Automations.
    expect(await saleStartField('fan@example.com')).toBe(new Date(vip.salePeriod.startDate).toISOString().slice(0, 10));
    await subscribe({ email: 'gone@example.com', eventId: DEMO.eventId, channels: ['email'] });
    await confirmFromInbox('gone@example.com');
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

  it('the unsubscribe link shows a page with a button; only its POST (the RFC 8058 one-click form) unsubscribes', async () => {
    const [mail] = await messages('fan@example.com');
    const link = /https?:\/\/[^"\s]+saleAlertUnsubscribe\?[^"\s]+/.exec(JSON.stringify(mail))?.[0]?.replace(/\\u0026/g, '&');
    expect(link).toBeTruthy();
    const owner = createLocalClient(stack.baseUrl, { items }, ADMIN);
    const status = async () => (await owner.items.get('SaleAlertSubscriptions', new URL(link!).searchParams.get('s')!, { consistentRead: true }))?.status;
    const opened = await fetch(local(link!));
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(await status()).toBe('active');
    const res = await fetch(local(link!), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/You are unsubscribed/);
    expect(await status()).toBe('unsubscribed');
  });
});
