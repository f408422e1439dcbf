import { afterEach, describe, expect, test } from 'vitest';
import { ADMIN, VISITOR } from '../../local-wix/sdk-client.js';
import type { CrmLike } from '../../local-wix/velo-host/invocation.js';
import { callWebMethod, dataQueryRecorder, startFixture } from './fixture.js';

let f: Awaited<ReturnType<typeof startFixture>> | null = null;
afterEach(async () => { await f?.close(); f = null; });
const MEMBER = { role: 'SITE_MEMBER' as const, id: 'member-1' };

describe('web methods over HTTP', () => {
  test('Anyone: a browser visitor (no Authorization) may call it; relative and backend/ imports resolve', async () => {
    f = await startFixture();
    expect(await callWebMethod(f.baseUrl, 'notes.web.js', 'hello', ['ada'])).toEqual({ status: 200, body: { result: '» HELLO ADA' } });
  });

  test('Admin: a visitor is refused with a Wix-style error, the site owner is allowed', async () => {
    f = await startFixture();
    const refused = await callWebMethod(f.baseUrl, 'notes.web.js', 'adminOnly', []);
    expect(refused.status).toBe(403);
    expect(refused.body.details.applicationError.code).toBe('PERMISSION_DENIED');
    expect(refused.body.message).toContain('Permissions.Admin');
    expect((await callWebMethod(f.baseUrl, 'notes.web.js', 'adminOnly', [], ADMIN)).body).toEqual({ result: 'admin ok' });
  });

  test('SiteMember: visitor refused, member and admin allowed', async () => {
    f = await startFixture();
    expect((await callWebMethod(f.baseUrl, 'notes.web.js', 'memberOnly', [], VISITOR)).status).toBe(403);
    expect((await callWebMethod(f.baseUrl, 'notes.web.js', 'memberOnly', [], MEMBER)).body.result).toBe('member ok');
    expect((await callWebMethod(f.baseUrl, 'notes.web.js', 'memberOnly', [], ADMIN)).body.result).toBe('member ok');
  });

  test('an export not wrapped in webMethod, a missing export or file is not callable', async () => {
    f = await startFixture();
    const plain = await callWebMethod(f.baseUrl, 'notes.web.js', 'notWrapped', [], ADMIN);
    expect(plain.status).toBe(403);
    expect(plain.body.details.applicationError.code).toBe('NOT_A_WEB_METHOD');
    expect((await callWebMethod(f.baseUrl, 'notes.web.js', 'nope', [])).status).toBe(404);
    expect((await callWebMethod(f.baseUrl, 'missing.web.js', 'hello', [])).status).toBe(404);
    expect((await callWebMethod(f.baseUrl, 'events.js', 'wixEvents_onOrderConfirmed', [])).status).toBe(404);
  });

  test('a throwing web method answers with its message, and the server keeps running', async () => {
    f = await startFixture();
    const r = await callWebMethod(f.baseUrl, 'notes.web.js', 'fails', []);
    expect(r.status).toBe(500);
    expect(r.body.message).toBe('web method failed on purpose');
    expect((await callWebMethod(f.baseUrl, 'notes.web.js', 'hello', ['x'])).status).toBe(200);
  });

  test('cold mode: a module-level counter stays 1; warm mode keeps counting', async () => {
    f = await startFixture({ cold: true });
    for (let i = 0; i < 3; i++) expect((await callWebMethod(f.baseUrl, 'notes.web.js', 'count', [])).body.result).toBe(1);
    await f.close();
    f = await startFixture({ cold: false });
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push((await callWebMethod(f.baseUrl, 'notes.web.js', 'count', [])).body.result);
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('SDK binding: @wix/* modules in site code call the local Wix as the current caller', () => {
  test('items.query sends the identity of the web method caller; elevate sends ADMIN', async () => {
    const seen: string[] = [];
    f = await startFixture({ modules: [dataQueryRecorder(seen)] });
    expect((await callWebMethod(f.baseUrl, 'notes.web.js', 'queryNotes', [])).body).toEqual({ result: [] });
    expect((await callWebMethod(f.baseUrl, 'notes.web.js', 'queryNotes', [], MEMBER)).status).toBe(200);
    expect((await callWebMethod(f.baseUrl, 'notes.web.js', 'queryNotesElevated', [])).status).toBe(200);
    expect((await callWebMethod(f.baseUrl, 'notes.web.js', 'queryNotesVeloElevated', [])).status).toBe(200);
    expect(seen).toEqual(['LocalWix ANYONE anonymous', 'LocalWix SITE_MEMBER member-1', 'LocalWix ADMIN site-owner', 'LocalWix ADMIN site-owner']);
  });

  test('concurrent callers keep their own identities', async () => {
    const seen: string[] = [];
    f = await startFixture({ modules: [dataQueryRecorder(seen)] });
    const who = Array.from({ length: 20 }, (_, i) => (i % 2 ? { role: 'SITE_MEMBER' as const, id: `m${i}` } : undefined));
    await Promise.all(who.map((w) => callWebMethod(f!.baseUrl, 'notes.web.js', 'queryNotes', [], w)));
    expect(seen.sort()).toEqual(who.map((w) => (w ? `LocalWix SITE_MEMBER ${w.id}` : 'LocalWix ANYONE anonymous')).sort());
  });
});

describe('secrets', () => {
  test('wix-secrets-backend getSecret and @wix/secrets (elevated) read the local secrets file', async () => {
    f = await startFixture();
    expect((await callWebMethod(f.baseUrl, 'notes.web.js', 'veloSecret', ['API_TOKEN'], ADMIN)).body.result).toBe('tok-123');
    expect((await callWebMethod(f.baseUrl, 'notes.web.js', 'sdkSecret', ['API_TOKEN'], ADMIN)).body.result).toBe('tok-123');
  });

  test('a missing secret is a clear error; @wix/secrets without elevation is refused', async () => {
    f = await startFixture();
    const missing = await callWebMethod(f.baseUrl, 'notes.web.js', 'veloSecret', ['NOPE'], ADMIN);
    expect(missing.status).toBe(500);
    expect(missing.body.message).toMatch(/Secret "NOPE" not found/);
    expect((await callWebMethod(f.baseUrl, 'notes.web.js', 'sdkSecret', ['NOPE'], ADMIN)).status).toBe(500);
    const visitor = await callWebMethod(f.baseUrl, 'notes.web.js', 'visitorSdkSecret', ['API_TOKEN']);
    expect(visitor.status).toBe(500);
    expect(JSON.stringify(visitor.body)).not.toContain('tok-123');
  });
});

test('wix-crm-backend delegates contacts, labels and triggered emails to the local CRM', async () => {
  const calls: unknown[][] = [];
  const crm: CrmLike = {
    appendOrCreateContact: (info) => { calls.push(['appendOrCreateContact', info]); return { contactId: 'c1', identityType: 'CONTACT' }; },
    findOrCreateLabel: (n) => { calls.push(['findOrCreateLabel', n]); return { label: { key: 'custom.sale-alerts', displayName: n }, newLabel: true }; },
    labelContact: (id, keys) => { calls.push(['labelContact', id, keys]); return {}; },
    unlabelContact: () => ({}),
    getContact: () => ({}),
    findOrCreateExtendedField: () => ({}),
    queryContacts: () => ({ items: [], totalCount: 0 }),
    updateContact: () => ({}),
    emailContact: (t, id, o) => { calls.push(['emailContact', t, id, o]); return {}; },
  };
  f = await startFixture({ crm });
  expect((await callWebMethod(f.baseUrl, 'notes.web.js', 'notify', ['a@example.com'], ADMIN)).body.result).toBe('c1');
  expect(calls).toEqual([
    ['appendOrCreateContact', { emails: [{ email: 'a@example.com' }] }],
    ['findOrCreateLabel', 'Sale alerts'],
    ['labelContact', 'c1', ['custom.sale-alerts']],
    ['emailContact', 'sale-alert', 'c1', { variables: { eventName: 'Demo' } }],
  ]);
});
