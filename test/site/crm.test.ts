// Local CRM: contacts, labels, subscription status, triggered emails into the inbox (skipped for
// unsubscribed contacts), the escaped inbox page, and the local web-push receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { crmFor, type LocalCrm } from '../../local-wix/server/crm.js';
import { startLocalSite, type LocalSite } from './local-site.js';
import { decryptAes128gcm, newPushKeys, subscriptionFor } from './push-decrypt.js';
import { adminFetch } from '../../local-wix/local-key.js';

let site: LocalSite;
let crm: LocalCrm;

beforeAll(async () => {
  site = await startLocalSite();
  crm = crmFor(site.wix.db);
});
afterAll(async () => { await site?.close(); });

const get = async (path: string) => {
  const res = await adminFetch(site.url + path);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};
const post = async (path: string, body: unknown) => {
  const res = await adminFetch(site.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() as any };
};

describe('contacts and labels', () => {
  it('appends to the contact that has the email instead of creating another', () => {
    const a = crm.appendOrCreateContact({ name: { first: 'Ada', last: 'Lovelace' }, emails: [{ email: 'Ada@Example.com' }] });
    const b = crm.appendOrCreateContact({ name: 'Ada King', emails: ['ada@example.com', 'ada@work.example'] });
    expect(a).toEqual({ contactId: expect.any(String), identityType: 'CONTACT' });
    expect(b.contactId).toBe(a.contactId);
    const c = crm.getContact(a.contactId);
    expect(c.info.name).toEqual({ first: 'Ada', last: 'King' });
    expect(c.info.emails.map((e) => e.email)).toEqual(['ada@example.com', 'ada@work.example']);
    expect(c.primaryEmail).toEqual({ email: 'ada@example.com', subscriptionStatus: 'NOT_SET' });
    expect(() => crm.getContact('nope')).toThrow(/not found/);
    expect(() => crm.appendOrCreateContact({ emails: ['not-an-email'] })).toThrow(/Invalid email/);
  });

  it('finds or creates labels by display name and labels contacts', () => {
    const { contactId } = crm.appendOrCreateContact({ emails: ['lab@example.com'] });
    const first = crm.findOrCreateLabel('Sale alert: Jazz');
    const again = crm.findOrCreateLabel('sale alert: jazz');
    expect(first.newLabel).toBe(true);
    expect(again).toEqual({ label: first.label, newLabel: false });
    expect(first.label.key).toBe('custom.sale-alert-jazz');
    expect(crm.labelContact(contactId, [first.label.key]).info.labelKeys).toEqual([first.label.key]);
    expect(crm.unlabelContact(contactId, [first.label.key]).info.labelKeys).toEqual([]);
    expect(() => crm.labelContact(contactId, ['custom.missing'])).toThrow(/not found/);
  });
});

describe('triggered emails', () => {
  it('delivers to the inbox, skips unsubscribed contacts, refuses unknown templates', async () => {
    const on = crm.appendOrCreateContact({ name: 'Grace Hopper', emails: ['grace@example.com'] });
    const off = crm.appendOrCreateContact({ name: 'Alan Turing', emails: ['alan@example.com'] });
    expect((await post('/_local/contacts/subscription', { email: 'alan@example.com', status: 'UNSUBSCRIBED' })).status).toBe(200);
    expect((await post('/_local/contacts/subscription', { email: 'alan@example.com', status: 'MAYBE' })).status).toBe(400);

    crm.emailContact('test-alert', on.contactId, { variables: { firstName: 'Grace', ticketName: 'VIP' } });
    crm.emailContact('test-alert', off.contactId, { variables: { firstName: 'Alan', ticketName: 'VIP' } });
    expect(() => crm.emailContact('no-such-template', on.contactId, {})).toThrow(/template/);
    expect(() => crm.emailContact('test-alert', 'missing-contact', {})).toThrow(/not found/);

    const grace = JSON.parse((await get('/_local/inbox?to=grace@example.com')).text).emails;
    expect(grace).toEqual([expect.objectContaining({ templateId: 'test-alert', to: 'grace@example.com', status: 'SENT', variables: { firstName: 'Grace', ticketName: 'VIP' } })]);
    const alan = JSON.parse((await get('/_local/inbox?to=alan@example.com')).text).emails;
    expect(alan).toEqual([expect.objectContaining({ status: 'SKIPPED', reason: expect.stringMatching(/unsubscribed/) })]);
    expect(JSON.parse((await get('/_local/inbox?status=SENT')).text).emails.map((e: any) => e.to)).toEqual(['grace@example.com']);

    const contacts = JSON.parse((await get('/_local/contacts')).text).contacts;
    expect(contacts.find((c: any) => c._id === off.contactId).primaryEmail.subscriptionStatus).toBe('UNSUBSCRIBED');
  });

  it('sends through the HTTP surface the Velo host can use', async () => {
    const { body: created } = await post('/_local/contacts', { emails: ['http@example.com'] });
    const sent = await post('/_local/triggered-emails', { templateId: 'test-alert', contactId: created.contactId, variables: { firstName: 'H' } });
    expect(sent.body.email).toMatchObject({ to: 'http@example.com', status: 'SENT' });
    expect((await post('/_local/triggered-emails', { templateId: 'test-alert', contactId: 'nobody' })).status).toBe(404);
  });

  it('escapes every value on the inbox page', async () => {
    const { contactId } = crm.appendOrCreateContact({ emails: ['x@example.com'] });
    crm.emailContact('test-alert', contactId, { variables: { firstName: '<script>alert(1)</script>', ticketName: '"><img src=x onerror=alert(2)>' } });
    const page = await get('/_local/inbox.html');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/text\/html/);
    expect(page.text).not.toMatch(/<script>alert|<img src=x/);
    expect(page.text).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;, &quot;&gt;&lt;img src=x onerror=alert(2)&gt; is on sale.');
  });
});

describe('local web push receiver', () => {
  it('records the encrypted body for the test to decrypt, and answers 410 once gone', async () => {
    const keys = newPushKeys();
    const vapid = webpush.generateVAPIDKeys();
    const subscription = subscriptionFor(`${site.url}/_local/push/sub-1`, keys);
    const send = async (text: string) => {
      const d = webpush.generateRequestDetails(subscription, text, {
        vapidDetails: { subject: 'mailto:owner@example.com', publicKey: vapid.publicKey, privateKey: vapid.privateKey }, TTL: 60,
      });
      return adminFetch(d.endpoint, { method: d.method, headers: d.headers as Record<string, string>, body: new Uint8Array(d.body as Buffer) });
    };
    expect((await send('{"title":"On sale: VIP — 25,00 €"}')).status).toBe(201);
    const got = JSON.parse((await get('/_local/push/sub-1')).text);
    expect(got.gone).toBe(false);
    expect(got.messages).toHaveLength(1);
    expect(got.messages[0].headers).toMatchObject({ 'content-encoding': 'aes128gcm', ttl: '60' });
    expect(got.messages[0].headers.authorization).toMatch(/^vapid t=/);
    expect(decryptAes128gcm(Buffer.from(got.messages[0].bodyBase64, 'base64'), keys)).toBe('{"title":"On sale: VIP — 25,00 €"}');

    expect((await post('/_local/push/sub-1/gone', {})).status).toBe(200);
    expect((await send('later')).status).toBe(410);
    expect(JSON.parse((await get('/_local/push/sub-1')).text)).toMatchObject({ gone: true, messages: [expect.anything()] });
  });
});
