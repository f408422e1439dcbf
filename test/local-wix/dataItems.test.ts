// Wix Data items through the genuine @wix/data SDK over HTTP: CRUD, bulk, query operators, paging, count,
// dates, and Wix-style errors.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startDataServer, type DataServer } from '../support/dataServer.js';
import { idScans } from '../../local-wix/server/dataQuery.js';
import { guidFor } from '../../local-wix/server/guid.js';

let s: DataServer;
const C = 'Things';

beforeAll(async () => {
  s = await startDataServer();
  await s.admin.collections.createDataCollection({ _id: C, fields: [{ key: 'name', type: 'TEXT' }, { key: 'n', type: 'NUMBER' }], permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } });
});
afterAll(() => s.close());
beforeEach(async () => { await s.admin.items.truncate(C); });

const errorOf = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: any) => e);

describe('single-item operations', () => {
  test('insert assigns system fields; get returns the item with Dates', async () => {
    const when = new Date('2024-05-01T10:00:00.000Z');
    const inserted = await s.admin.items.insert(C, { name: 'a', when, nested: { at: when, tags: ['x'] } });
    expect(typeof inserted._id).toBe('string');
    expect(inserted._createdDate).toBeInstanceOf(Date);
    expect(inserted._updatedDate).toBeInstanceOf(Date);
    expect(inserted._owner).toBe(guidFor('site-owner'));
    const got = await s.admin.items.get(C, inserted._id);
    expect(got).toEqual(inserted);
    expect(got!.when).toEqual(when);
    expect((got!.nested as any).at).toEqual(when);
  });

  test('get of a missing item is null (the SDK recovers WDE0073)', async () => {
    expect(await s.admin.items.get(C, 'missing')).toBeNull();
  });

  test('a second insert with the same _id fails with WDE0074 (409)', async () => {
    await s.admin.items.insert(C, { _id: 'dup', name: 'a' });
    const e = await errorOf(s.admin.items.insert(C, { _id: 'dup', name: 'b' }));
    expect(e.message).toMatch(/WDE0074/);
    expect(e.details.applicationError.code).toBe('WDE0074');
    expect(s.exchanges.at(-1)!.status).toBe(409);
    expect((await s.admin.items.get(C, 'dup'))!.name).toBe('a');
  });

  test('concurrent inserts of one _id: exactly one wins', async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => s.admin.items.insert(C, { _id: 'once', i })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  test('update replaces the item, keeps _createdDate/_owner, moves _updatedDate', async () => {
    s.wix.clock.set(new Date('2025-01-01T00:00:00Z'), true);
    const a = await s.admin.items.insert(C, { _id: 'u', name: 'a', extra: 1 });
    s.wix.clock.advance(60_000);
    const b = await s.admin.items.update(C, { _id: 'u', name: 'b' });
    s.wix.clock.reset();
    expect(b.name).toBe('b');
    expect(b.extra).toBeUndefined();
    expect(b._createdDate).toEqual(a._createdDate);
    expect(b._updatedDate).toEqual(new Date('2025-01-01T00:01:00Z'));
  });

  test('update of a missing item fails with WDE0073 (404)', async () => {
    const e = await errorOf(s.admin.items.update(C, { _id: 'nope', name: 'x' }));
    expect(e.details.applicationError.code).toBe('WDE0073');
    expect(s.exchanges.at(-1)!.status).toBe(404);
  });

  test('save inserts then updates; remove returns the removed item, then null', async () => {
    const first = await s.admin.items.save(C, { _id: 's', name: 'one' });
    const second = await s.admin.items.save(C, { _id: 's', name: 'two' });
    expect(second._createdDate).toEqual(first._createdDate);
    expect(s.exchanges.at(-1)!.responseBody).toMatchObject({ action: 'UPDATED' });
    const removed = await s.admin.items.remove(C, 's');
    expect(removed!.name).toBe('two');
    expect(await s.admin.items.remove(C, 's')).toBeNull();
    expect(await s.admin.items.get(C, 's')).toBeNull();
  });
});

describe('bulk operations', () => {
  test('bulkInsert, bulkUpdate, bulkSave, bulkRemove report per item', async () => {
    const ins = await s.admin.items.bulkInsert(C, [{ _id: 'b1', n: 1 }, { _id: 'b2', n: 2 }, { n: 3 }]);
    expect(ins.inserted).toBe(3);
    // A duplicate in bulkInsert is skipped (the SDK ignores WDE0074 there), the rest goes in.
    const dup = await s.admin.items.bulkInsert(C, [{ _id: 'b1', n: 9 }, { _id: 'b4', n: 4 }]);
    expect(dup).toMatchObject({ inserted: 1, skipped: 1, errors: [] });
    const body = s.exchanges.at(-1)!.responseBody as any;
    expect(body.results[0].itemMetadata).toMatchObject({ id: 'b1', originalIndex: 0, success: false, error: { code: 'WDE0074' } });
    expect(body.bulkActionMetadata).toMatchObject({ totalSuccesses: 1, totalFailures: 1 });

    const upd = await s.admin.items.bulkUpdate(C, [{ _id: 'b1', n: 10 }, { _id: 'missing', n: 0 }]);
    expect(upd).toMatchObject({ updated: 1, skipped: 1 });
    const saved = await s.admin.items.bulkSave(C, [{ _id: 'b2', n: 20 }, { _id: 'b5', n: 5 }]);
    expect(saved).toMatchObject({ inserted: 1, updated: 1, insertedItemIds: ['b5'], updatedItemIds: ['b2'] });
    const rem = await s.admin.items.bulkRemove(C, ['b1', 'b2', 'nope']);
    expect(rem).toMatchObject({ removed: 2, skipped: 1 });
    expect(await s.admin.items.query(C).count()).toBe(3);
  });

  test('more than 1000 items are refused by the SDK before any request', async () => {
    const before = s.exchanges.length;
    const e = await errorOf(s.admin.items.bulkSave(C, Array.from({ length: 1001 }, (_, i) => ({ _id: `x${i}` }))));
    expect(String(e.message)).toMatch(/WDE0006|1000/);
    expect(s.exchanges.length).toBe(before);
  });

  test('1000 items in one bulkSave', async () => {
    const r = await s.admin.items.bulkSave(C, Array.from({ length: 1000 }, (_, i) => ({ _id: `k${i}`, n: i })));
    expect(r.inserted).toBe(1000);
    expect(await s.admin.items.query(C).count()).toBe(1000);
  });
});

describe('queries', () => {
  beforeEach(async () => {
    await s.admin.items.bulkInsert(C, [
      { _id: 'p1', name: 'Alpha', n: 1, tags: ['red', 'blue'], when: new Date('2024-01-01T00:00:00Z'), flag: true },
      { _id: 'p2', name: 'beta', n: 2, tags: ['green'], when: new Date('2024-02-01T00:00:00Z'), flag: false },
      { _id: 'p3', name: 'Gamma', n: 3, tags: [], when: new Date('2024-03-01T00:00:00Z') },
      { _id: 'p4', name: 'delta', n: 4, nested: { v: 'x' } },
      { _id: 'p5', n: 5, name: null },
    ]);
  });
  const ids = (r: { items: { _id: string }[] }) => r.items.map((i) => i._id).sort();
  const q = () => s.visitor.items.query(C);

  test('comparison operators', async () => {
    expect(ids(await q().eq('n', 2).find())).toEqual(['p2']);
    expect(ids(await q().ne('n', 2).find())).toEqual(['p1', 'p3', 'p4', 'p5']);
    expect(ids(await q().gt('n', 3).find())).toEqual(['p4', 'p5']);
    expect(ids(await q().ge('n', 3).find())).toEqual(['p3', 'p4', 'p5']);
    expect(ids(await q().lt('n', 2).find())).toEqual(['p1']);
    expect(ids(await q().le('n', 2).find())).toEqual(['p1', 'p2']);
    expect(ids(await q().between('n', 2, 4).find())).toEqual(['p2', 'p3']);
    expect(ids(await q().eq('flag', false).find())).toEqual(['p2']);
    expect(ids(await q().eq('nested.v', 'x').find())).toEqual(['p4']);
  });

  test('dates compare as dates', async () => {
    expect(ids(await q().lt('when', new Date('2024-02-15T00:00:00Z')).find())).toEqual(['p1', 'p2']);
    expect(ids(await q().eq('when', new Date('2024-03-01T00:00:00Z')).find())).toEqual(['p3']);
  });

  test('set, string and existence operators', async () => {
    expect(ids(await q().hasSome('_id', ['p1', 'p3', 'zz']).find())).toEqual(['p1', 'p3']);
    expect(ids(await q().hasSome('tags', ['blue', 'green']).find())).toEqual(['p1', 'p2']);
    expect(ids(await q().hasAll('tags', ['red', 'blue']).find())).toEqual(['p1']);
    expect(ids(await q().contains('name', 'ET').find())).toEqual(['p2']);
    expect(ids(await q().startsWith('name', 'a').find())).toEqual(['p1']);
    expect(ids(await q().endsWith('name', 'A').find())).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(ids(await q().isEmpty('name').find())).toEqual(['p5']);
    expect(ids(await q().isNotEmpty('when').find())).toEqual(['p1', 'p2', 'p3']);
  });

  test('which filters the _id index answers: top-level and $and conditions on ASCII IDs; anything else is scanned', () => {
    expect(idScans({ _id: 'a' })).toEqual([{ in: ['a'] }]);
    // What the SDK sends for .ge('_id', …).lt('_id', …):
    expect(idScans({ $and: [{ _id: { $gte: 'read:1' } }, { _id: { $lt: 'read;' } }] })).toEqual([{ gte: 'read:1' }, { lt: 'read;' }]);
    expect(idScans({ _id: { $hasSome: ['a', 'b'] }, n: 1 })).toEqual([{ in: ['a', 'b'] }]);
    expect(idScans({ _id: { $gt: 'é' } })).toBeNull();
    expect(idScans({ _id: { $ne: 'a' } })).toBeNull();
    expect(idScans({ $or: [{ _id: 'a' }, { _id: 'b' }] })).toBeNull();
    expect(idScans({ n: 1 })).toBeNull();
  });

  test('_id filters (answered from the primary key index) find what a full scan finds, non-ASCII IDs included', async () => {
    await s.admin.items.bulkInsert(C, [{ _id: 'p2é', n: 6 }, { _id: 'p2\u{1F600}', n: 7 }, { _id: 'p\u00e9', n: 8 }]);
    const every = (await q().limit(100).find()).items as { _id: string; n?: number }[];
    const scan = (pred: (id: string) => boolean) => every.map((i) => i._id).filter(pred).sort();
    expect(ids(await q().eq('_id', 'p2').find())).toEqual(['p2']);
    expect(ids(await q().hasSome('_id', ['p2', 'p2é', 'nope']).find())).toEqual(['p2', 'p2é']);
    expect(ids(await q().gt('_id', 'p2').limit(100).find())).toEqual(scan((id) => id > 'p2'));
    expect(ids(await q().ge('_id', 'p2').lt('_id', 'p3').limit(100).find())).toEqual(scan((id) => id >= 'p2' && id < 'p3'));
    expect(ids(await q().gt('_id', 'p2\u{1F600}').limit(100).find())).toEqual(scan((id) => id > 'p2\u{1F600}'));
    expect(ids(await q().le('_id', 'p3').eq('n', 3).find())).toEqual(['p3']);
    expect(await q().ge('_id', 'p2').lt('_id', 'p3').count()).toBe(scan((id) => id >= 'p2' && id < 'p3').length);
  });

  test('$in, $exists and $not through the filter model', async () => {
    const direct = (filter: Record<string, unknown>) => s.visitor.items.query(C, { filter } as any) as unknown as Promise<{ items: { _id: string }[] }>;
    expect(ids(await direct({ n: { $in: [1, 5] } }))).toEqual(['p1', 'p5']);
    expect(ids(await direct({ flag: { $exists: true } }))).toEqual(['p1', 'p2']);
    expect(ids(await direct({ $not: { n: { $lt: 4 } } }))).toEqual(['p4', 'p5']);
  });

  test('and / or / not combinations', async () => {
    expect(ids(await q().eq('n', 1).or(q().eq('n', 4)).find())).toEqual(['p1', 'p4']);
    expect(ids(await q().gt('n', 1).and(q().lt('n', 4)).find())).toEqual(['p2', 'p3']);
    expect(ids(await q().not(q().lt('n', 4)).find())).toEqual(['p4', 'p5']);
    expect(ids(await q().gt('n', 1).eq('flag', false).find())).toEqual(['p2']);
  });

  test('sorting: ascending/descending, strings by code point, missing values lowest', async () => {
    const names = (await q().ascending('name').find()).items.map((i) => i.name ?? null);
    expect(names).toEqual([null, 'Alpha', 'Gamma', 'beta', 'delta']);
    const byN = (await q().descending('n').find()).items.map((i) => i.n);
    expect(byN).toEqual([5, 4, 3, 2, 1]);
  });

  test('default order is newest _createdDate first', async () => {
    await s.admin.items.truncate(C);
    s.wix.clock.set(new Date('2025-01-01T00:00:00Z'), true);
    for (const id of ['o1', 'o2', 'o3']) { await s.admin.items.insert(C, { _id: id }); s.wix.clock.advance(1000); }
    s.wix.clock.reset();
    expect((await q().find()).items.map((i) => i._id)).toEqual(['o3', 'o2', 'o1']);
  });

  test('paging: limit, skip, next(), totalCount, hasNext', async () => {
    const first = await q().ascending('n').limit(2).find({ returnTotalCount: true });
    expect(first.items.map((i) => i.n)).toEqual([1, 2]);
    expect(first.totalCount).toBe(5);
    expect(first.totalPages).toBe(3);
    expect(first.hasNext()).toBe(true);
    const second = await first.next();
    expect(second.items.map((i) => i.n)).toEqual([3, 4]);
    const third = await second.next();
    expect(third.items.map((i) => i.n)).toEqual([5]);
    expect(third.hasNext()).toBe(false);
    expect((await q().ascending('n').skip(3).limit(10).find()).items.map((i) => i.n)).toEqual([4, 5]);
  });

  test('default limit is 50; a page holds at most 1000', async () => {
    await s.admin.items.bulkInsert(C, Array.from({ length: 60 }, (_, i) => ({ _id: `m${i}` })));
    const r = await q().find();
    expect(r.items).toHaveLength(50);
    expect(r.hasNext()).toBe(true);
    expect((await q().limit(1000).find()).items).toHaveLength(65);
    const e = await errorOf(q().limit(1001).find());
    expect(String(e.message)).toMatch(/1000/);
  });

  test('count honours the filter; GET ?.r and POST query answer alike', async () => {
    expect(await q().gt('n', 2).count()).toBe(3);
    const got = await q().eq('n', 1).find();
    const ex = s.exchanges.at(-1)!;
    expect(ex.method).toBe('GET');
    expect(ex.path).toBe('/wix-data/v2/items/query');
    const viaPost = await fetch(`${s.url}/wix-data/v2/items/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataCollectionId: C, query: { filter: { n: 1 } } }) }).then((r) => r.json());
    expect(viaPost.dataItems.map((d: any) => d.id)).toEqual(got.items.map((i) => i._id));
  });

  test('projection returns only the asked fields and _id', async () => {
    const r = await q().eq('n', 1).fields('name').find();
    expect(r.items).toEqual([{ _id: 'p1', name: 'Alpha' }]);
  });
});

describe('errors', () => {
  test('a collection that does not exist: WDE0025 for reads and writes', async () => {
    for (const call of [() => s.admin.items.insert('Nope', { a: 1 }), () => s.admin.items.query('Nope').find(), () => s.admin.items.bulkSave('Nope', [{ a: 1 }])]) {
      const e = await errorOf(call());
      expect(e.details.applicationError.code).toBe('WDE0025');
    }
    expect(s.exchanges.at(-1)!.status).toBe(404);
  });

  test('a bad filter operator gets a validation error body and the server keeps answering', async () => {
    const res = await fetch(`${s.url}/wix-data/v2/items/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataCollectionId: C, query: { filter: { n: { $regex: '.*' } } } }) });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ message: expect.any(String), details: { validationError: { fieldViolations: [expect.objectContaining({ field: 'filter.$regex' })] } } });
    const bad = await fetch(`${s.url}/wix-data/v2/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(bad.status).toBe(400);
    expect(await s.admin.items.query(C).count()).toBe(0);
  });

  test('items over 500 KB are refused', async () => {
    const e = await errorOf(s.admin.items.insert(C, { big: 'x'.repeat(520 * 1024) }));
    expect(e.message).toMatch(/WDE0109/);
  });
});
