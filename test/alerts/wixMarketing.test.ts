// Wix marketing tool and mailer adapters against the local CRM (the stand-in for wix-crm-backend),
// reached through the Velo host's own `wix-crm-backend` module: labels per event, email subscription
// status respected, alerts landing in the local inbox, the sale start in one DATE field per contact.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalCrm } from '../../local-wix/server/crm.js';
import { setFallbackServices, type HostServices } from '../../local-wix/velo-host/invocation.js';
import { contacts as veloContacts, triggeredEmails } from '../../local-wix/velo-host/modules/wix-crm-backend.js';
import { crmMailer } from '../../backend/wix/mailerCrm.js';
import { crmMarketing, eventLabel, SALE_START_FIELD, type WixContacts } from '../../backend/wix/marketingCrm.js';
import { onDefinitionChanged, subscribe, sweep } from '../../backend/flows/alerts.js';
import { definition } from '../support/ticketDefinitions.js';
import { alertWorld, signUpAndConfirm } from './alertWorld.js';
import { guid } from '../support/guids.js';

/** Velo's `wix-crm-backend` (the Velo host's module) over this local CRM. */
function veloCrm(crm: LocalCrm) {
  setFallbackServices({ crm } as unknown as HostServices);
  return { contacts: { ...veloContacts } as unknown as WixContacts, triggeredEmails };
}
afterEach(() => setFallbackServices(null));

describe('Wix contacts as the marketing tool', () => {
  it('labels the contact per event, respects the email subscription status, sends alerts to the inbox', async () => {
    const crm = new LocalCrm(new Database(':memory:'));
    const velo = veloCrm(crm);
    const w = alertWorld();
    w.deps.marketing = crmMarketing(velo.contacts);
    w.deps.mailer = crmMailer(velo);
    w.deps.config.templateId = 'sale-alert';
    w.definitions.put(definition({ _id: 'd', name: 'Early Bird', salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
    for (const email of ['ada@x.io', 'alan@x.io', 'grace@x.io']) await signUpAndConfirm(w, { email, eventId: guid('ev1') });

    const ada = crm.getContact((await velo.contacts.appendOrCreateContact({ emails: [{ email: 'ada@x.io' }] })).contactId);
    const label = crm.findOrCreateLabel(eventLabel(guid('ev1'))).label.key;
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

    await w.deps.marketing.removeFromEvent({ email: 'ada@x.io', contactId: ada._id, eventId: guid('ev1') });
    expect(crm.getContact(ada._id).info.labelKeys).toEqual([]);
  });
});

describe('the sale start in the "Ticket sale starts" contact field', () => {
  const setup = () => {
    const crm = new LocalCrm(new Database(':memory:'));
    const velo = veloCrm(crm);
    const contactOf = (email: string) => crm.appendOrCreateContact({ emails: [email] }).contactId;
    const field = () => crm.findOrCreateExtendedField({ displayName: SALE_START_FIELD, dataType: 'DATE' }).extendedField.key;
    const dateOf = (email: string) => crm.getContact(contactOf(email)).info.extendedFields[field()];
    return { crm, velo, contactOf, field, dateOf };
  };
  const consentAt = '2026-03-01T09:00:00.000Z';

  it('sets the UTC date on the event\'s labelled contacts only, page by page, and clears it with null', async () => {
    const { crm, velo, contactOf, dateOf } = setup();
    const tool = crmMarketing(velo.contacts, { pageSize: 2, concurrency: 2 });
    const fans = ['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io', 'e@x.io'];
    for (const email of fans) await tool.upsertSubscriber({ email, eventId: guid('ev1'), consentAt });
    await tool.upsertSubscriber({ email: 'other@x.io', eventId: guid('ev2'), consentAt });
    contactOf('nobody@x.io');

    await tool.setSaleStart(guid('ev1'), '2026-03-05T23:30:00.000-05:00'); // 04:30 UTC on the 6th
    expect(fans.map(dateOf)).toEqual(fans.map(() => '2026-03-06'));
    expect(dateOf('other@x.io')).toBeUndefined();
    expect(dateOf('nobody@x.io')).toBeUndefined();

    // Unchanged dates are not written again.
    const revisions = () => fans.map((e) => crm.getContact(contactOf(e)).revision);
    const before = revisions();
    await tool.setSaleStart(guid('ev1'), '2026-03-06T10:00:00Z');
    expect(revisions()).toEqual(before);

    await tool.setSaleStart(guid('ev2'), '2026-04-01T10:00:00Z');
    expect(dateOf('other@x.io')).toBe('2026-04-01');
    await tool.setSaleStart(guid('ev1'), null);
    expect(fans.map(dateOf)).toEqual(fans.map(() => undefined));
    expect(dateOf('other@x.io')).toBe('2026-04-01');
    // One field for every event (Wix allows 100 custom fields).
    expect(crm.db.prepare('SELECT display_name, data_type FROM crm_extended_fields').all()).toEqual([{ display_name: SALE_START_FIELD, data_type: 'DATE' }]);
  });

  it('re-reads and retries once when the contact changed since it was read', async () => {
    const { crm, velo, contactOf, dateOf } = setup();
    const raced = new Set<string>();
    const attempts: string[] = [];
    const contacts: WixContacts = {
      ...velo.contacts,
      // Someone else labels the contact between our query and our update: our revision is stale.
      updateContact: async (ids, info, o) => {
        attempts.push(ids.contactId);
        if (!raced.has(ids.contactId)) {
          raced.add(ids.contactId);
          crm.labelContact(ids.contactId, [crm.findOrCreateLabel('VIP').label.key]);
        }
        return velo.contacts.updateContact(ids, info, o);
      },
    };
    const tool = crmMarketing(contacts, { pageSize: 2 });
    for (const email of ['a@x.io', 'b@x.io', 'c@x.io']) await tool.upsertSubscriber({ email, eventId: guid('ev1'), consentAt });

    await tool.setSaleStart(guid('ev1'), '2026-03-05T10:00:00Z');
    expect(['a@x.io', 'b@x.io', 'c@x.io'].map(dateOf)).toEqual(['2026-03-05', '2026-03-05', '2026-03-05']);
    expect(attempts).toHaveLength(6);
    // The other writer's change is kept.
    expect(crm.getContact(contactOf('a@x.io')).info.labelKeys).toHaveLength(2);

    // A failure that is not a conflict (the revision did not move) is not hidden.
    const failing = crmMarketing({ ...velo.contacts, updateContact: async () => { throw new Error('CRM down'); } });
    await expect(failing.setSaleStart(guid('ev1'), '2026-03-07T10:00:00Z')).rejects.toThrow('CRM down');
  });

  it('a new subscriber gets the date the flow knows; without one the field is left alone', async () => {
    const { velo, field, dateOf } = setup();
    const tool = crmMarketing(velo.contacts);
    await tool.upsertSubscriber({ email: 'a@x.io', eventId: guid('ev1'), consentAt, saleStart: '2026-03-05T10:00:00.000Z' });
    expect(dateOf('a@x.io')).toBe('2026-03-05');
    await tool.upsertSubscriber({ email: 'a@x.io', eventId: guid('ev2'), consentAt, saleStart: null });
    expect(dateOf('a@x.io')).toBe('2026-03-05');
    expect(field()).toMatch(/^custom\./);
  });

  it('through the flow: subscribe writes the next sale start, a changed sale period moves it', async () => {
    const { velo, dateOf } = setup();
    const w = alertWorld();
    w.deps.marketing = crmMarketing(velo.contacts);
    w.deps.mailer = crmMailer(velo);
    w.definitions.put(definition({ _id: 'd', salePeriod: { startDate: '2026-03-02T10:00:00Z' } }));
    for (const email of ['ada@x.io', 'alan@x.io']) await signUpAndConfirm(w, { email, eventId: guid('ev1') });
    expect(['ada@x.io', 'alan@x.io'].map(dateOf)).toEqual(['2026-03-02', '2026-03-02']);

    w.definitions.put(definition({ _id: 'd', salePeriod: { startDate: '2026-03-09T10:00:00Z' } }));
    await onDefinitionChanged(w.deps, { definitionId: 'd', eventId: guid('ev1') });
    expect(['ada@x.io', 'alan@x.io'].map(dateOf)).toEqual(['2026-03-09', '2026-03-09']);
  });
});
