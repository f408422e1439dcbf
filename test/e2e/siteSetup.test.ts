// What a site owner runs once on a live site, through the Velo host as Wix would run it: the admin web
// methods setupCollectionsNow (src/backend/setup.web.js) and addSyncMappingPreset (src/backend/sync.web.js).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { collections } from '@wix/data';
import type { Stack } from '../../local-wix/stack.js';
import { startTestStack } from '../support/testStack.js';
import { ADMIN, createLocalClient } from '../../local-wix/sdk-client.js';
import { tokenFor } from '../../local-wix/server/identity.js';
import { items } from '@wix/data';
import { ALL_COLLECTIONS, COLLECTIONS } from '../../backend/collections.js';
import { MAPPING_PRESETS } from '../../backend/core/sync/defaultMappings.js';
import { adminFetch } from '../../local-wix/local-key.js';

let stack: Stack;
const api = () => createLocalClient(stack.baseUrl, { collections }, ADMIN).collections;
const webMethod = async (file: string, fn: string, args: unknown[], auth: string | null) => {
  const res = await adminFetch(`${stack.baseUrl}/_webMethods/${file}/${fn}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify({ args }),
  });
  return { status: res.status, body: (await res.json()) as any };
};
const setupNow = (auth: string | null) => webMethod('setup.web.js', 'setupCollectionsNow', [], auth);
const addPreset = (input: unknown, auth: string | null = tokenFor(ADMIN)) => webMethod('sync.web.js', 'addSyncMappingPreset', [input], auth);

beforeAll(async () => {
  stack = await startTestStack('e2e-setup', { seed: false });
});
afterAll(async () => {
  await stack.close();
});

it('creates the missing collections with their permissions, leaves the others alone, and refuses visitors', async () => {
  const targets = COLLECTIONS.SyncTargets.id;
  await api().deleteDataCollection(targets);
  const before = await api().getDataCollection(COLLECTIONS.TicketCounters.id);

  const visitor = await setupNow(null);
  expect(visitor.status).toBe(403);
  expect(visitor.body.details.applicationError.code).toBe('PERMISSION_DENIED');

  const first = await setupNow(tokenFor(ADMIN));
  expect(first.status).toBe(200);
  expect(first.body.result.created).toEqual([targets]);
  expect([...first.body.result.existing].sort()).toEqual(ALL_COLLECTIONS.map((c) => c.id).filter((id) => id !== targets).sort());
  const created = await api().getDataCollection(targets);
  expect(created.permissions).toEqual({ read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' });
  expect(created.fields!.map((f) => f.key)).toEqual(expect.arrayContaining(COLLECTIONS.SyncTargets.fields.map((f) => f.key)));
  // An existing collection is not rewritten (its revision stays).
  expect((await api().getDataCollection(COLLECTIONS.TicketCounters.id)).revision).toBe(before.revision);

  const again = await setupNow(tokenFor(ADMIN));
  expect(again.body.result.created).toEqual([]);
  expect(again.body.result.existing).toHaveLength(ALL_COLLECTIONS.length);
});

it('copies a shipped field mapping for a target once; fields the owner already mapped are kept', async () => {
  const cms = createLocalClient(stack.baseUrl, { items }, ADMIN).items;
  await cms.insert(COLLECTIONS.SyncTargets.id, { _id: 'hooks', kind: 'signedRest', baseUrl: 'https://tickets.example.com/api', secretName: 'SYNC_HOOKS_SECRET', enabled: true });
  // The owner mapped `name` by hand already: the preset must not add a second row writing it.
  await cms.insert(COLLECTIONS.SyncFieldMappings.id, { _id: 'mine', targetId: 'hooks', sourcePath: 'description', targetField: 'name', required: false, enabled: true });

  expect((await addPreset({ targetId: 'hooks' }, null)).status).toBe(403);
  const first = await addPreset({ targetId: 'hooks' });
  const fields = MAPPING_PRESETS.signedRest.map((r) => r.targetField);
  expect(first.body.result).toEqual({ preset: 'signedRest', inserted: fields.filter((f) => f !== 'name'), skipped: ['name'] });
  const rows = (await cms.query(COLLECTIONS.SyncFieldMappings.id).eq('targetId', 'hooks').limit(1000).find({ consistentRead: true })).items;
  expect(rows.filter((r) => r.targetField === 'name').map((r) => r._id)).toEqual(['mine']);

  const again = await addPreset({ targetId: 'hooks' });
  expect(again.body.result.inserted).toEqual([]);

  const missing = await addPreset({ targetId: 'nope' });
  expect(missing.status).toBe(500);
  expect(missing.body.message).toMatch(/no sync target "nope"/);
  const badPreset = await addPreset({ targetId: 'hooks', preset: 'ticketmaster' });
  expect(badPreset.body.message).toMatch(/addSyncMappingPreset: preset Invalid option: expected one of "pretix"\|"signedRest"\|"eventbriteTicketClass"/);
});
