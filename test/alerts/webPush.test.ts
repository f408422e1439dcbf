// Web push end to end: the flow sends through the web-push connector to a local push service; the
// test decrypts the message with the subscriber's private keys (RFC 8291) as the browser would.
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/collections.js';
import { subscriptionId } from '../../backend/core/alerts/alertKeys.js';
import type { SaleAlertSubscription } from '../../backend/core/alerts/saleAlertTypes.js';
import { PushDeliveryError, webPushConnector } from '../../backend/connectors/webPush.js';
import { subscribe, sweep } from '../../backend/flows/alerts.js';
import { decryptAes128gcm, newPushKeys, subscriptionFor } from '../site/push-decrypt.js';
import { startPushService, type PushService } from '../vendors/pushService.js';
import { MemorySecrets } from '../support/secrets.js';
import { definition } from '../support/ticketDefinitions.js';
import { alertWorld, signUpAndConfirm } from './alertWorld.js';
import { guid } from '../support/guids.js';

let service: PushService;
const vapid = webpush.generateVAPIDKeys();
const secrets = new MemorySecrets({ VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, SALE_ALERT_UNSUBSCRIBE_KEY: 'test-unsubscribe-key' });

beforeAll(async () => { service = await startPushService(); });
afterAll(async () => { await service.close(); });

describe('web push connector', () => {
  it('delivers an encrypted, VAPID-signed alert that the subscriber can decrypt', async () => {
    const w = alertWorld();
    w.deps.secrets = secrets;
    w.deps.push = webPushConnector({ secrets, subject: 'mailto:owner@site.example', localWix: true });
    const keys = newPushKeys();
    const gone = newPushKeys();
    w.definitions.put(definition({ _id: 'vip', name: 'VIP', salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
    await signUpAndConfirm(w, { email: 'a@x.io', eventId: guid('ev1'), channels: ['email', 'push'], push: subscriptionFor(service.endpoint('sub-a'), keys) });
    await signUpAndConfirm(w, { email: 'g@x.io', eventId: guid('ev1'), channels: ['push'], push: subscriptionFor(service.endpoint('sub-g'), gone) });
    service.gone.add('sub-g');
    w.clock.set('2026-03-01T10:05:00Z');

    const r = await sweep(w.deps);
    expect(service.refused).toEqual([]);
    expect(r.stats).toMatchObject({ sent: 2, skipped: 1, failed: 0 });
    const [msg] = service.received;
    expect(service.received).toHaveLength(1);
    expect(msg!.id).toBe('sub-a');
    // Topic: "sale" and the event ID's first 28 letters and digits (guid('ev1') = 25bd0c80-0af5-5dcf-9857-…), at most 32 (RFC 8030).
    expect(msg!.headers).toMatchObject({ 'content-encoding': 'aes128gcm', ttl: '86400', urgency: 'normal', topic: 'sale25bd0c800af55dcf98571c28b15d' });
    const payload = JSON.parse(decryptAes128gcm(msg!.body, keys));
    expect(payload).toEqual({ title: 'Tickets on sale: Jazz Night', body: 'VIP ($25.00) — on sale since Mar 1, 2026, 11:00 AM GMT+1', url: 'https://site.example/events/jazz-night', tag: `sale-alert-${guid('ev1')}` });
    // The push service said sub-g is gone: the subscription no longer holds it.
    const g = await w.collections.get<SaleAlertSubscription>(COLLECTIONS.SaleAlertSubscriptions.id, subscriptionId('g@x.io', guid('ev1')));
    expect(g).toMatchObject({ push: null, channels: [] });
  });

  it('reports other refusals as errors worth a retry', async () => {
    const push = webPushConnector({ secrets, subject: 'mailto:owner@site.example', localWix: true });
    const keys = newPushKeys();
    service.overloaded.set('busy', 30);
    const err = await push.send(subscriptionFor(service.endpoint('busy'), keys), '{}').catch((e) => e);
    expect(err).toBeInstanceOf(PushDeliveryError);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 30_000 });
    expect(await push.send(subscriptionFor(`${service.url}/unknown/path`, keys), '{}')).toEqual({ outcome: 'gone', status: 404 });
  });
});
