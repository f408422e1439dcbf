// Attack "CMS secret exfiltration": a collaborator who can edit SyncTargets names one of the package's
// own secrets, or points a target at plain http, an internal host, or a template outside baseUrl; the
// Pretix connector follows `next` anywhere; redirects carry the token elsewhere; an error echoes our
// headers into the CMS. Row writes go over HTTP to the local Wix set up as a live site (its data hooks
// run the site code's checks); the connectors run against local servers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { items } from '@wix/data';
import { COLLECTIONS } from '../../backend/collections.js';
import { pretixConnector, PRETIX_MAX_PAGES } from '../../backend/connectors/pretix.js';
import { signedRestConnector } from '../../backend/connectors/signedRest.js';
import { MAX_ERROR_DETAIL } from '../../backend/connectors/syncHttp.js';
import { syncTargetFactory } from '../../backend/connectors/syncTargetFactory.js';
import { drainOutbox, onDefinitionChanged } from '../../backend/flows/sync.js';
import { ADMIN, createLocalClient } from '../../local-wix/sdk-client.js';
import { MemorySecrets } from '../support/secrets.js';
import { definition } from '../support/ticketDefinitions.js';
import { EV1, world } from '../sync/setup.js';
import { startHostileStack, type HostileStack } from './hostileStack.js';

let live: HostileStack;
const cms = () => createLocalClient(live.baseUrl, { items }, ADMIN).items;
const row = (over: Record<string, unknown>) => ({ kind: 'signedRest', baseUrl: 'https://tickets.example.com/api', secretName: 'SYNC_HOOKS', enabled: true, ...over });

async function server(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const s = http.createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, close: () => new Promise((r) => s.close(() => r())) };
}

beforeAll(async () => { live = await startHostileStack('sec-sync', { live: true, seed: false }); });
afterAll(async () => { await live?.close(); });

describe('sync targets: the CMS row', () => {
  it.each(['SALE_ALERT_UNSUBSCRIBE_KEY', 'VAPID_PRIVATE_KEY', 'MAILCHIMP_API_KEY', 'sale_alerts_settings', 'SYNC'])('secretName %s (not a SYNC_ secret) is refused and nothing is stored', async (secretName) => {
    await expect(cms().insert(COLLECTIONS.SyncTargets.id, row({ secretName }))).rejects.toThrow(/secretName must start with SYNC_/);
  });

  it.each([
    ['plain http', 'http://tickets.example.com/api', /https/],
    ['loopback on a live site', 'http://127.0.0.1:8080/api', /https/],
    ['loopback over https', 'https://127.0.0.1/api', /public host/],
    ['localhost', 'https://localhost/api', /public host/],
    ['a private network host', 'https://10.0.0.5/api', /public host/],
    ['another private range', 'https://192.168.1.10/api', /public host/],
    ['172.16/12', 'https://172.20.0.1/api', /public host/],
    ['the cloud metadata address (link-local)', 'https://169.254.169.254/latest', /public host/],
    ['an integer-written loopback', 'https://2130706433/api', /public host/],
    ['IPv6 loopback', 'https://[::1]/api', /public host/],
    ['IPv6 unique-local', 'https://[fd12::1]/api', /public host/],
    ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/api', /public host/],
    ['an internal name', 'https://metadata.google.internal/api', /public host/],
    ['a single-label host', 'https://intranet/api', /public host/],
    ['credentials in the URL', 'https://user:pw@tickets.example.com/api', /user name or password/],
    ['another scheme', 'file:///etc/passwd', /https/],
  ])('baseUrl with %s is refused on a live site', async (_name, baseUrl, message) => {
    await expect(cms().insert(COLLECTIONS.SyncTargets.id, row({ baseUrl }))).rejects.toThrow(message);
  });

  it.each([
    ['another host', 'https://evil.example/collect'],
    ['baseUrl as a host prefix', '{baseUrl}.evil.example/tickets'],
    ['baseUrl as user info', '{baseUrl}@evil.example/tickets'],
    ['baseUrl not first', 'https://evil.example/?u={baseUrl}'],
  ])('a URL template with %s is refused', async (_name, tpl) => {
    await expect(cms().insert(COLLECTIONS.SyncTargets.id, row({ options: { templates: { create: tpl } } }))).rejects.toThrow(/templates\.create must start with \{baseUrl\} followed by \/ or \?/);
  });

  it('none of the refused rows was stored; a row that keeps to the rules is', async () => {
    expect((await cms().query(COLLECTIONS.SyncTargets.id).find({ consistentRead: true })).items).toEqual([]);
    await cms().insert(COLLECTIONS.SyncTargets.id, row({ _id: 'ok', options: { templates: { create: '{baseUrl}/events/{externalEventId}/tickets' } } }));
    expect((await cms().query(COLLECTIONS.SyncTargets.id).find({ consistentRead: true })).items.map((i: any) => i._id)).toEqual(['ok']);
  });

  it('a row that got past the hooks (written before these rules) still sends nothing: the connector refuses it', async () => {
    const f = syncTargetFactory({ secrets: new MemorySecrets({ VAPID_PRIVATE_KEY: 'private', SYNC_OK: 'whsec_' + Buffer.from('k'.repeat(24)).toString('base64') }) });
    const base = { _id: 't', kind: 'signedRest' as const, deleteBehaviour: 'delete' as const, options: {} };
    await expect(f.connect({ ...base, baseUrl: 'https://tickets.example.com', secretName: 'VAPID_PRIVATE_KEY' })).rejects.toThrow(/SYNC_/);
    await expect(f.connect({ ...base, baseUrl: 'https://169.254.169.254', secretName: 'SYNC_OK' })).rejects.toThrow(/public host/);
    await expect(f.connect({ ...base, baseUrl: 'https://tickets.example.com', secretName: 'SYNC_OK', options: { templates: { create: 'https://evil.example/x' } } })).rejects.toThrow(/templates\.create/);
  });
});

describe('sync targets: where requests go', () => {
  it('Pretix pagination stays on the target\'s origin: a `next` elsewhere is not followed', async () => {
    const elsewhere: string[] = [];
    const other = await server((req, res) => { elsewhere.push(String(req.headers.authorization)); res.writeHead(200, { 'content-type': 'application/json' }).end('{"next":null,"results":[]}'); });
    const pretix = await server((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ next: `${other.url}/api/v1/organizers/o/events/e/items/?page=2`, results: [{ id: 1 }] }));
    });
    try {
      const p = pretixConnector({ baseUrl: `${pretix.url}/api/v1`, organizer: 'o', token: 'secret-pretix-token' });
      await expect(p.listExternalIds!('e')).rejects.toThrow(/another origin/);
      expect(elsewhere).toEqual([]);
    } finally {
      await other.close();
      await pretix.close();
    }
  });

  it('Pretix pagination has a page cap: a target that pages forever is stopped', async () => {
    let pages = 0;
    const pretix = await server((req, res) => {
      pages++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ next: `http://${req.headers.host}/api/v1/organizers/o/events/e/items/?page=${pages + 1}`, results: [{ id: pages }] }));
    });
    try {
      const p = pretixConnector({ baseUrl: `${pretix.url}/api/v1`, organizer: 'o', token: 't' });
      await expect(p.listExternalIds!('e')).rejects.toThrow(new RegExp(`more than ${PRETIX_MAX_PAGES} pages`));
      expect(pages).toBe(PRETIX_MAX_PAGES);
    } finally {
      await pretix.close();
    }
  });

  it('no request follows a redirect: the signed request and its token never reach the redirect target', async () => {
    const elsewhere: string[] = [];
    const other = await server((req, res) => { elsewhere.push(`${req.method} ${req.url}`); res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"x"}'); });
    const bouncer = await server((req, res) => { req.resume(); res.writeHead(307, { location: `${other.url}/collect` }).end(); });
    try {
      const c = signedRestConnector({ baseUrl: bouncer.url, secret: 'whsec_' + Buffer.from('k'.repeat(24)).toString('base64') });
      await expect(c.create({ definitionId: 'd', externalEventId: 'e', payload: {}, idempotencyKey: 'k1' })).rejects.toThrow(/307 \(redirect not followed\)/);
      expect(elsewhere).toEqual([]);
    } finally {
      await other.close();
      await bouncer.close();
    }
  });

  it('what is stored in lastError is trimmed and never echoes the request headers', async () => {
    const token = 'whsec_' + Buffer.from('s'.repeat(24)).toString('base64');
    // A hostile target answers 400 with our request headers (the signature, idempotency key) and padding.
    const echo = await server((req, res) => { req.resume(); res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ headers: req.headers, pad: 'x'.repeat(5000) })); });
    try {
      const w = world();
      w.cms.coll(COLLECTIONS.SyncTargets.id).set('t1', { _id: 't1', kind: 'signedRest', baseUrl: echo.url, secretName: 'SYNC_HOOKS', enabled: true, deleteBehaviour: 'delete', options: {} } as any);
      const deps = { ...w.deps, connectors: syncTargetFactory({ secrets: new MemorySecrets({ SYNC_HOOKS: token }), localWix: true }) };
      w.defs.put(definition({ _id: 'd1', eventId: EV1, name: 'Door' }));
      await onDefinitionChanged(deps, 'd1');
      await drainOutbox(deps);
      const [slot] = w.cms.all<any>(COLLECTIONS.SyncOutbox.id);
      expect(slot.lastError).toMatch(/HTTP 400/);
      expect(slot.lastError.length).toBeLessThan(MAX_ERROR_DETAIL + 200);
      expect(slot.lastError).not.toContain('v1,'); // the webhook-signature value
      expect(slot.lastError).not.toContain(slot.idempotencyKey);
      expect(slot.lastError).not.toContain(token);
      expect(slot.lastError).toContain('[redacted]');
    } finally {
      await echo.close();
    }
  });
});
