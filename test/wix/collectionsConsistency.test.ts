// The package reads its collections from Wix Data's primary (consistentRead), so a row another
// container has just written is seen at once. On the local Wix with a mirror that lags by a minute
// (local-wix/server/dataMirror.ts), the CollectionsPort adapter sees a write at once; a plain SDK read
// of the same row does not.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { items, collections } from '@wix/data';
import { wixCollections } from '../../backend/wix/collections.js';
import { ADMIN, VISITOR, createLocalClient } from '../../local-wix/sdk-client.js';
import { startDataServer, type DataServer } from '../support/dataServer.js';

let s: DataServer;
const previous = (globalThis as { __wix_context__?: unknown }).__wix_context__;

beforeAll(async () => {
  s = await startDataServer({ mirrorLagMs: 60_000 });
  createLocalClient(s.url, { items, collections }, VISITOR).enableContext('global');
  createLocalClient(s.url, { items, collections }, ADMIN).enableContext('global', { elevated: true });
  await s.admin.collections.createDataCollection({ _id: 'Claims', permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } });
});
afterAll(async () => {
  (globalThis as { __wix_context__?: unknown }).__wix_context__ = previous;
  await s.close();
});

test('get and query of the adapter see a row written a moment ago; a plain read does not yet', async () => {
  const port = wixCollections();
  await s.admin.items.insert('Claims', { _id: 'read:1', owner: 'container-a' });
  expect(await s.admin.items.get('Claims', 'read:1')).toBeNull();
  expect(await port.get('Claims', 'read:1')).toMatchObject({ owner: 'container-a' });
  expect((await port.query('Claims', { filter: { owner: 'container-a' } })).items.map((i) => i._id)).toEqual(['read:1']);
  await port.remove('Claims', 'read:1');
  expect(await port.get('Claims', 'read:1')).toBeNull();
  expect(await s.admin.items.get('Claims', 'read:1')).toBeNull(); // the mirror never had it
});
