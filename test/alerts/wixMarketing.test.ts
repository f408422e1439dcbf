// Wix marketing tool and mailer adapters against the local CRM (the stand-in for wix-crm-backend):
// labels per event, email subscription status respected, alerts landing in the local inbox.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LocalCrm } from '../../local-wix/server/crm.js';
import { crmMailer } from '../../backend/wix/mailerCrm.js';
import { crmMarketing, eventLabel, type WixContacts } from '../../backend/wix/marketingCrm.js';
import { subscribe, sweep } from '../../backend/flows/alerts.js';
import { alertWorld, ticketDef } from './fakes.js';

/** The local CRM shaped like Velo's async `wix-crm-backend` modules. */
function veloCrm(crm: LocalCrm) {
  const contacts = {
    appendOrCreateContact: async (info: any) => crm.appendOrCreateContact(info),
    getContact: async (id: string) => crm.getContact(id),
    findOrCreateLabel: async (name: string) => crm.findOrCreateLabel(name),
    labelContact: async (id: string, keys: string[]) => crm.labelContact(id, keys),
    unlabelContact: async (id: string, keys: string[]) => crm.unlabelContact(id, keys),
  } as unknown as WixContacts;
  const triggeredEmails = { emailContact: async (t: string, id: string, o?: { variables?: Record<string, string | number> }) => { crm.emailContact(t, id, o ?? {}); } };
  return { contacts, triggeredEmails };
}

describe('Wix contacts as the marketing tool', () => {
  it('labels the contact per event, respects the email subscription status, sends alerts to the inbox', async () => {
    const crm = new LocalCrm(new Database(':memory:'));
    const velo = veloCrm(crm);
    const w = alertWorld();
    w.deps.marketing = crmMarketing(velo.contacts);
    w.deps.mailer = crmMailer(velo);
    w.deps.config.templateId = 'sale-alert';
    w.definitions.put(ticketDef({ _id: 'd', name: 'Early Bird', salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
    for (const email of ['ada@x.io', 'alan@x.io', 'grace@x.io']) await subscribe(w.deps, { email, eventId: 'ev1' });

    const ada = crm.getContact((await velo.contacts.appendOrCreateContact({ emails: [{ email: 'ada@x.io' }] })).contactId);
    const label = crm.findOrCreateLabel(eventLabel('ev1')).label.key;
    expect(ada.info.labelKeys).toEqual([label]);
    expect(await w.deps.marketing.isSubscribed({ email: 'ada@x.io', contactId: ada._id })).toBe(true); // NOT_SET counts as subscribed
    expect(await w.deps.marketing.isSubscribed({ email: 'nobody@x.io' })).toBe(false);

    crm.setEmailSubscription('alan@x.io', 'UNSUBSCRIBED');
    w.clock.set('2026-03-01T10:05:00Z');
    await sweep(w.deps);
    const inbox = crm.db.prepare('SELECT to_email, status, variables FROM inbox ORDER BY to_email').all() as { to_email: string; status: string; variables: string }[];
    expect(inbox.map((r) => [r.to_email, r.status])).toEqual([['ada@x.io', 'SENT'], ['grace@x.io', 'SENT']]);
    expect(JSON.parse(inbox[0]!.variables)).toMatchObject({ eventName: 'Jazz Night', ticketName: 'Early Bird', saleStart: 'Mar 1, 2026, 11:00 AM GMT+1' });
    // The template renders with the alert's variables.
    const html = crm.templates.render('sale-alert', JSON.parse(inbox[0]!.variables))!;
    expect(html).toContain('Tickets for Jazz Night are on sale');
    expect(html).toContain('https://site.example/_functions/saleAlertUnsubscribe?s=sa_');

    await w.deps.marketing.removeFromEvent({ email: 'ada@x.io', contactId: ada._id, eventId: 'ev1' });
    expect(crm.getContact(ada._id).info.labelKeys).toEqual([]);
  });
});
