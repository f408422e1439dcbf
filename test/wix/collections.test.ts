// The CollectionsPort adapter (backend/wix/collections.ts) and setupCollections, running the genuine
// @wix/data + @wix/essentials against the local Wix through the ambient Wix context, as in site code:
// a visitor's client as `client`, the admin's as `elevatedClient` (what `auth.elevate` uses).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { items, collections } from '@wix/data';
import { wixCollections } from '../../backend/wix/collections.js';
import { setupCollections } from '../../backend/wix/setupCollections.js';
import { ALL_COLLECTIONS, type CollectionSchema } from '../../backend/collections.js';
import { DuplicateItemError } from '../../backend/ports.js';
import { ADMIN, VISITOR, createLocalClient } from '../../local-wix/sdk-client.js';
import { startDataServer, type DataServer } from '../support/dataServer.js';

let s: DataServer;
const previous = (globalThis as { __wix_context__?: unknown }).__wix_context__;

beforeAll(async () => {
  s = await startDataServer();
  createLocalClient(s.url, { items, collections }, VISITOR).enableContext('global');
  createLocalClient(s.url, { items, collections }, ADMIN).enableContext('global', { elevated: true });
});
afterAll(async () => {
  (globalThis as { __wix_context__?: unknown }).__wix_context__ = previous;
  await s.close();
});

describe('setupCollections', () => {
  test('creates the missing collections from the schema module, then nothing; an existing one readable by anyone is made admin-only', async () => {
    // TicketCounters as an earlier version created it: readable by anyone.
    await s.admin.collections.createDataCollection({ _id: 'TicketCounters', permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } });
    const first = await setupCollections();
    expect(first.created.sort()).toEqual(ALL_COLLECTIONS.map((c) => c.id).filter((id) => id !== 'TicketCounters').sort());
    expect(first.existing).toEqual(['TicketCounters']);
    expect(first.tightened).toEqual(['TicketCounters']);
    expect((await s.admin.collections.getDataCollection('TicketCounters')).permissions).toEqual({ read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' });
    const second = await setupCollections();
    expect(second.created).toEqual([]);
    expect(second.tightened).toEqual([]);
    expect(second.existing.sort()).toEqual(ALL_COLLECTIONS.map((c) => c.id).sort());
  });

  test('the created collections carry the schema fields and permissions', async () => {
    expect(ALL_COLLECTIONS.find((c) => c.id === 'TicketCounters')!.permissions.read).toBe('ADMIN');
    for (const schema of ALL_COLLECTIONS.filter((c) => c.id !== 'TicketCounters')) {
      const c = await s.admin.collections.getDataCollection(schema.id);
      expect(c.permissions).toEqual(schema.permissions);
      expect(c.fields!.filter((f) => !f.systemField).map((f) => [f.key, f.type])).toEqual(schema.fields.map((f) => [f.key, f.type]));
    }
  });

  test('a concurrent setup finds the collection created meanwhile', async () => {
    const schema: CollectionSchema = { id: 'RaceColl', displayName: 'Race', fields: [], permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } };
    const [a, b] = await Promise.all([setupCollections([schema]), setupCollections([schema])]);
    expect([...a.created, ...b.created]).toEqual(['RaceColl']);
    expect([...a.existing, ...b.existing]).toEqual(['RaceColl']);
  });
});

describe('wixCollections (CollectionsPort)', () => {
  const port = wixCollections();
  const C = 'CounterClaims'; // admin-only: works because the adapter elevates

  test('the ambient (visitor) client cannot write the admin collection; the port can', async () => {
    await expect(items.insert(C, { _id: 'direct' })).rejects.toMatchObject({ details: { applicationError: { code: 'WDE0027' } } });
    const saved = await port.insert(C, { _id: 'o1', receivedAt: '2025-01-01T00:00:00Z' });
    expect(saved).toMatchObject({ _id: 'o1', receivedAt: '2025-01-01T00:00:00Z' });
  });

  test('insert of a taken _id throws DuplicateItemError; exactly one of concurrent inserts wins', async () => {
    await expect(port.insert(C, { _id: 'o1' })).rejects.toBeInstanceOf(DuplicateItemError);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => port.insert(C, { _id: 'race' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof DuplicateItemError)).toBe(true);
  });

  test('get, save, remove', async () => {
    expect(await port.get(C, 'nope')).toBeNull();
    await port.save(C, { _id: 's1', receivedAt: 'a' });
    await port.save(C, { _id: 's1', receivedAt: 'b' });
    expect(await port.get(C, 's1')).toMatchObject({ receivedAt: 'b' });
    await port.remove(C, 's1');
    await port.remove(C, 's1'); // removing a missing item is not an error
    expect(await port.get(C, 's1')).toBeNull();
  });

  test('query: equality and $lt/$lte/$gt/$gte/$in/$ne filters, sort, limit, skip, total', async () => {
    const T = 'TicketCounters';
    await port.bulkSave(T, Array.from({ length: 6 }, (_, i) => ({ _id: `t${i}`, definitionId: i < 3 ? 'd1' : 'd2', unsold: i, label: `L${i}` })));
    const ids = (r: { items: { _id: string }[] }) => r.items.map((x) => x._id);
    expect(ids(await port.query(T, { filter: { definitionId: 'd1' }, sort: [{ field: 'unsold', order: 'ASC' }] }))).toEqual(['t0', 't1', 't2']);
    expect(ids(await port.query(T, { filter: { unsold: { $gte: 2, $lt: 4 } }, sort: [{ field: 'unsold', order: 'DESC' }] }))).toEqual(['t3', 't2']);
    expect(ids(await port.query(T, { filter: { unsold: { $lte: 1 } }, sort: [{ field: 'unsold', order: 'ASC' }] }))).toEqual(['t0', 't1']);
    expect(ids(await port.query(T, { filter: { unsold: { $gt: 4 } } }))).toEqual(['t5']);
    expect(ids(await port.query(T, { filter: { _id: { $in: ['t1', 't4', 'zz'] } }, sort: [{ field: 'unsold', order: 'ASC' }] }))).toEqual(['t1', 't4']);
    expect(ids(await port.query(T, { filter: { definitionId: 'd2', unsold: { $ne: 4 } }, sort: [{ field: 'unsold', order: 'ASC' }] }))).toEqual(['t3', 't5']);
    const page = await port.query(T, { sort: [{ field: 'unsold', order: 'ASC' }], limit: 2, skip: 2 });
    expect(ids(page)).toEqual(['t2', 't3']);
    expect(page.total).toBe(6);
  });

  test('bulkSave writes more than one SDK batch (1000) and reports failures', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => ({ _id: `b${i}`, receivedAt: String(i) }));
    await port.bulkSave(C, many);
    expect((await port.query(C, { filter: { _id: { $in: ['b0', 'b999', 'b1199'] } } })).items).toHaveLength(3);
    await expect(port.bulkSave('NoSuchCollection', [{ _id: 'x' }])).rejects.toMatchObject({ details: { applicationError: { code: 'WDE0025' } } });
  });
});
