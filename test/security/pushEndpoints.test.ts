// Attack "push endpoints": any https URL accepted as a push endpoint (`https://evil.example/collect`),
// and redirects followed. Sign-ups go over HTTP to the local Wix set up as a live site; the sending
// side is the web push connector against local servers.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { items } from '@wix/data';
import webpush from 'web-push';
import { PushDeliveryError, webPushConnector } from '../../backend/connectors/webPush.js';
import { ADMIN, createLocalClient } from '../../local-wix/sdk-client.js';
import { MemorySecrets } from '../support/secrets.js';
import { newPushKeys, subscriptionFor } from '../site/push-decrypt.js';
import { startHostileStack, type HostileStack } from './hostileStack.js';

let live: HostileStack;
const EVENT = crypto.randomUUID();
const keys = newPushKeys();
const signUp = (email: string, endpoint: string) =>
  live.webMethod('alerts.web.js', 'subscribeToSaleAlerts', [{ email, eventId: EVENT, channels: ['email', 'push'], push: subscriptionFor(endpoint, keys) }]);

beforeAll(async () => {
  live = await startHostileStack('sec-push', { live: true, seed: false });
  await live.post('/_local/events', { id: EVENT, title: 'Push Night', timeZoneId: 'UTC', startDate: '2027-06-01T18:00:00Z', endDate: '2027-06-01T23:00:00Z' });
});
afterAll(async () => { await live?.close(); });

describe('push endpoints', () => {
  it.each([
    ['an attacker\'s https collector', 'https://evil.example/collect'],
    ['a look-alike host', 'https://fcm.googleapis.com.evil.example/fcm/send/x'],
    ['a push host on another port', 'https://fcm.googleapis.com:8443/fcm/send/x'],
    ['credentials in the URL', 'https://user:pw@updates.push.services.mozilla.com/wpush/v2/x'],
    ['plain http', 'http://fcm.googleapis.com/fcm/send/x'],
    ['a loopback receiver on a live site', 'http://127.0.0.1:9/push/x'],
    ['the bare WNS suffix', 'https://notify.windows.com/x'],
  ])('%s is refused as invalid and nothing is stored or sent', async (_name, endpoint) => {
    const r = await signUp(`push-${crypto.randomUUID()}@example.com`, endpoint);
    expect(r.status).toBe(200);
    expect(r.body.result).toMatchObject({ ok: false, reason: 'invalid', issues: [expect.stringMatching(/^push\.endpoint must be a push service endpoint/)] });
    const owner = createLocalClient(live.baseUrl, { items }, ADMIN);
    expect((await owner.items.query('SaleAlertSubscriptions').find({ consistentRead: true })).items.filter((s: any) => JSON.stringify(s).includes(endpoint))).toEqual([]);
  });

  it.each([
    'https://fcm.googleapis.com/fcm/send/abc',
    'https://updates.push.services.mozilla.com/wpush/v2/abc',
    'https://wns2-par02p.notify.windows.com/w/?token=abc',
    'https://web.push.apple.com/QGuQyavXutnMei',
  ])('a browser push service endpoint (%s) is accepted', async (endpoint) => {
    const r = await signUp(`ok-${crypto.randomUUID()}@example.com`, endpoint);
    expect(r.body.result).toEqual({ ok: true, outcome: 'confirmation_sent' });
  });

  it('pushes never follow redirects, and an endpoint outside the push services is never called', async () => {
    const elsewhere: string[] = [];
    const target = http.createServer((req, res) => { elsewhere.push(`${req.method} ${req.url}`); res.writeHead(201).end(); });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/stolen`;
    const bouncer = http.createServer((req, res) => { req.resume(); res.writeHead(307, { location: targetUrl }).end(); });
    await new Promise<void>((r) => bouncer.listen(0, '127.0.0.1', r));
    try {
      const vapid = webpush.generateVAPIDKeys();
      const secrets = new MemorySecrets({ VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey });
      // localWix: the two local servers stand in for a push service (the local Wix's rule).
      const push = webPushConnector({ secrets, subject: 'mailto:owner@site.example', localWix: true });
      const err = await push.send(subscriptionFor(`http://127.0.0.1:${(bouncer.address() as AddressInfo).port}/push/x`, keys), '{}').catch((e) => e);
      expect(err).toBeInstanceOf(PushDeliveryError);
      expect(err.status).toBe(307);
      // A row stored before the rule (or edited in the CMS) pointing elsewhere: not called, and gone.
      const livePush = webPushConnector({ secrets, subject: 'mailto:owner@site.example' });
      expect(await livePush.send(subscriptionFor(targetUrl, keys), '{}')).toEqual({ outcome: 'gone', status: 0 });
      expect(elsewhere).toEqual([]);
    } finally {
      await new Promise((r) => target.close(r));
      await new Promise((r) => bouncer.close(r));
    }
  });
});
