// Mailchimp connector against the local Mailchimp API server, and the alert flow using it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventTag, MailchimpError, mailchimpApiBase, mailchimpMarketing, subscriberHash } from '../../backend/connectors/mailchimp.js';
import { subscribe, onDefinitionChanged, sweep, unsubscribe } from '../../backend/flows/alerts.js';
import { subscriptionId } from '../../backend/core/alerts/alertKeys.js';
import { unsubscribeToken } from '../../backend/core/alerts/unsubscribeToken.js';
import { startMailchimpServer, type MailchimpServer } from '../vendors/mailchimpServer.js';
import { MemorySecrets } from '../support/secrets.js';
import { definition } from '../support/ticketDefinitions.js';
import { alertWorld, signUpAndConfirm } from './alertWorld.js';
import { guid } from '../support/guids.js';

let mc: MailchimpServer;
beforeAll(async () => { mc = await startMailchimpServer(); });
afterAll(async () => { await mc.close(); });

const secrets = () => new MemorySecrets({ MAILCHIMP_API_KEY: mc.apiKey, SALE_ALERT_UNSUBSCRIBE_KEY: 'test-unsubscribe-key' });
const connector = () => mailchimpMarketing({ secrets: secrets(), listId: mc.listId, baseUrl: mc.url });

describe('mailchimp connector', () => {
  it('derives the data center from the key and hashes emails as Mailchimp does', () => {
    expect(mailchimpApiBase('0123456789abcdef-us21')).toBe('https://us21.api.mailchimp.com/3.0');
    expect(() => mailchimpApiBase('no-datacenter!')).toThrow(/data center/);
    expect(subscriberHash(' Urist.McVankab@FreddiesJokes.com')).toBe('62eeb292278cc15f5817cb78f7790b08');
  });

  it('upserts a subscribed member tagged with the event, with the sale start in a merge field', async () => {
    const tool = connector();
    const s = { email: 'Ada@Example.com', eventId: guid('ev1'), consentAt: '2026-03-01T09:00:00.000Z', saleStart: '2026-03-02T10:00:00.000Z' };
    await tool.upsertSubscriber(s);
    await tool.upsertSubscriber({ ...s, eventId: guid('ev2') });
    const m = mc.members.get(subscriberHash('ada@example.com'))!;
    expect(m).toMatchObject({ email_address: 'Ada@Example.com', status: 'subscribed', timestamp_opt: '2026-03-01T09:00:00Z' });
    expect(m.merge_fields.SALESTART).toBe('2026-03-02T10:00:00.000Z');
    expect([...m.tags]).toEqual([eventTag(guid('ev1')), eventTag(guid('ev2'))]);
    expect(mc.mergeFields.map((f) => f.tag)).toContain('SALESTART');
    expect(await tool.isSubscribed({ email: 'ada@example.com' })).toBe(true);
    expect(await tool.isSubscribed({ email: 'stranger@example.com' })).toBe(false);
    await tool.removeFromEvent({ email: 'ada@example.com', eventId: guid('ev2') });
    expect([...m.tags]).toEqual([eventTag(guid('ev1'))]);
    await tool.removeFromEvent({ email: 'nobody@example.com', eventId: guid('ev2') }); // unknown: nothing to remove
  });

  it('never re-subscribes someone who unsubscribed in Mailchimp', async () => {
    const tool = connector();
    const s = { email: 'gone@example.com', eventId: guid('ev1'), consentAt: '2026-03-01T09:00:00.000Z' };
    await tool.upsertSubscriber(s);
    mc.setStatus('gone@example.com', 'unsubscribed');
    await tool.upsertSubscriber(s);
    expect(mc.members.get(subscriberHash('gone@example.com'))!.status).toBe('unsubscribed');
    expect(await tool.isSubscribed({ email: 'gone@example.com' })).toBe(false);
  });

  it('passes a new sale start to every member tagged with the event, and only to them', async () => {
    const tool = connector();
    for (const email of ['e1@x.io', 'e2@x.io']) await tool.upsertSubscriber({ email, eventId: guid('ev7'), consentAt: '2026-03-01T09:00:00.000Z' });
    await tool.upsertSubscriber({ email: 'other@x.io', eventId: guid('ev8'), consentAt: '2026-03-01T09:00:00.000Z', saleStart: '2026-04-01T00:00:00.000Z' });
    await tool.setSaleStart(guid('ev7'), '2026-03-05T18:00:00.000Z');
    expect(mc.members.get(subscriberHash('e1@x.io'))!.merge_fields.SALESTART).toBe('2026-03-05T18:00:00.000Z');
    expect(mc.members.get(subscriberHash('e2@x.io'))!.merge_fields.SALESTART).toBe('2026-03-05T18:00:00.000Z');
    expect(mc.members.get(subscriberHash('other@x.io'))!.merge_fields.SALESTART).toBe('2026-04-01T00:00:00.000Z');
    await tool.setSaleStart(guid('ev-nobody'), null); // no tag yet: nothing to do
  });

  it('reports Mailchimp errors with their problem details', async () => {
    const bad = mailchimpMarketing({ secrets: new MemorySecrets({ MAILCHIMP_API_KEY: 'wrong-us21' }), listId: mc.listId, baseUrl: mc.url });
    await expect(bad.isSubscribed({ email: 'a@x.io' })).rejects.toMatchObject({ name: 'MailchimpError', status: 401, title: 'API Key Invalid' });
    const wrongList = mailchimpMarketing({ secrets: secrets(), listId: 'nolist', baseUrl: mc.url });
    await expect(wrongList.upsertSubscriber({ email: 'a@x.io', eventId: guid('e'), consentAt: '2026-03-01T09:00:00.000Z' })).rejects.toBeInstanceOf(MailchimpError);
  });
});

describe('alert flow with Mailchimp as the marketing tool', () => {
  it('alerts only members still subscribed in Mailchimp; unsubscribing removes the event tag', async () => {
    const w = alertWorld();
    w.deps.marketing = connector();
    w.deps.secrets = secrets();
    w.definitions.put(definition({ _id: 'd', eventId: guid('ev1'), salePeriod: { startDate: '2026-03-01T12:00:00Z' } }));
    // Members are added only after our own confirmation (double opt-in), as `subscribed`: an address
    // that signed up but never confirmed is not in Mailchimp at all.
    expect((await subscribe(w.deps, { email: 'unconfirmed@flow.io', eventId: guid('ev1') })).outcome).toBe('confirmation_sent');
    expect(mc.members.has(subscriberHash('unconfirmed@flow.io'))).toBe(false);
    w.mailer.inbox.length = 0;
    for (const email of ['keep@flow.io', 'mcout@flow.io', 'siteout@flow.io']) await signUpAndConfirm(w, { email, eventId: guid('ev1') });
    expect(mc.members.get(subscriberHash('keep@flow.io'))!.merge_fields.SALESTART).toBe('2026-03-01T12:00:00.000Z');
    mc.setStatus('mcout@flow.io', 'unsubscribed');
    const id = subscriptionId('siteout@flow.io', guid('ev1'));
    await unsubscribe(w.deps, { s: id, t: unsubscribeToken('test-unsubscribe-key', id) });
    expect([...mc.members.get(subscriberHash('siteout@flow.io'))!.tags]).toEqual([]);

    // The sale moves earlier: the new start reaches Mailchimp.
    w.definitions.put(definition({ _id: 'd', eventId: guid('ev1'), salePeriod: { startDate: '2026-03-01T11:00:00Z' } }));
    await onDefinitionChanged(w.deps, { definitionId: 'd', eventId: guid('ev1') });
    expect(mc.members.get(subscriberHash('keep@flow.io'))!.merge_fields.SALESTART).toBe('2026-03-01T11:00:00.000Z');

    w.clock.set('2026-03-01T11:01:00Z');
    await sweep(w.deps);
    expect(w.mailer.inbox.map((m) => m.email)).toEqual(['keep@flow.io']);
  });
});
