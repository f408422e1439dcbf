// The wire contract of the local Wix Data, checked on every exchange the genuine SDK made.
// Neither @wix/wix-data-items-sdk nor @wix/auto_sdk_data_collections (1.0.98) publishes zod schemas
// (no `./schemas` export), so these are written from their typings: DataItem, PagingMetadataV2,
// BulkDataItemResult, ApplicationError (@wix/wix-data-items-common/dist/types/types/data-item-types.d.ts)
// and DataCollection (@wix/auto_sdk_data_collections/build/es/index.typings.d.mts).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { z } from 'zod';
import { startDataServer, type DataServer, type Exchange } from '../support/dataServer.js';
import { adminFetch } from '../../local-wix/local-key.js';

const dateWire = z.object({ $date: z.iso.datetime() }).strict();
const DataItem = z.object({
  id: z.string(),
  dataCollectionId: z.string(),
  data: z.object({ _id: z.string(), _createdDate: dateWire.optional(), _updatedDate: dateWire.optional(), _owner: z.string().optional() }).loose(),
}).strict();
const ApplicationError = z.object({ code: z.string(), description: z.string(), data: z.record(z.string(), z.unknown()).optional() });
const ErrorBody = z.object({
  message: z.string(),
  details: z.union([z.object({ applicationError: ApplicationError }), z.object({ validationError: z.object({ fieldViolations: z.array(z.object({ field: z.string(), description: z.string() }).loose()) }) })]),
});
const PagingMetadata = z.object({
  count: z.number().int(), offset: z.number().int(), total: z.number().int().optional(), tooManyToCount: z.boolean().optional(), hasNext: z.boolean(),
  cursors: z.object({ next: z.string().optional(), prev: z.string().optional() }).optional(),
}).strict();
const Bulk = z.object({
  results: z.array(z.object({
    action: z.enum(['INSERT', 'UPDATE', 'DELETE', 'PATCH']),
    itemMetadata: z.object({ id: z.string().nullable().optional(), originalIndex: z.number().int(), success: z.boolean(), error: ApplicationError.optional() }).strict(),
    dataItem: DataItem.optional(),
  }).strict()),
  bulkActionMetadata: z.object({ totalSuccesses: z.number().int(), totalFailures: z.number().int(), undetailedFailures: z.number().int().optional() }),
});
const Role = z.enum(['ADMIN', 'SITE_MEMBER_AUTHOR', 'SITE_MEMBER', 'ANYONE']);
const DataCollection = z.object({
  id: z.string(), collectionType: z.enum(['NATIVE', 'WIX_APP', 'BLOCKS_APP', 'EXTERNAL']), displayName: z.string().optional(),
  fields: z.array(z.object({ key: z.string(), type: z.string(), displayName: z.string().nullable().optional(), systemField: z.boolean().optional() }).loose()),
  permissions: z.object({ read: Role, insert: Role, update: Role, remove: Role }).strict(),
  revision: z.string(), createdDate: z.iso.datetime(), updatedDate: z.iso.datetime(),
  maxPageSize: z.number().optional(), pagingModes: z.array(z.enum(['OFFSET', 'CURSOR'])).optional(),
}).strict();

/** Response schema of each successful route. */
function successSchema(ex: Exchange): z.ZodType | null {
  const p = ex.path.replace('/wix-data/v2', '');
  if (p === '/items/query') return z.object({ dataItems: z.array(DataItem), pagingMetadata: PagingMetadata }).strict();
  if (p === '/items/count') return z.object({ totalCount: z.number().int() }).strict();
  if (p === '/items/save') return z.object({ action: z.enum(['INSERTED', 'UPDATED']), dataItem: DataItem }).strict();
  if (p === '/items/truncate') return z.object({}).strict();
  if (p.startsWith('/bulk/items/')) return Bulk;
  if (p === '/items' || p === '/items/update' || p === '/items/remove' || (ex.method === 'GET' && p.startsWith('/items/'))) return z.object({ dataItem: DataItem }).strict();
  if (p === '/collections' && ex.method === 'GET') return z.object({ collections: z.array(DataCollection), pagingMetadata: z.object({ count: z.number(), offset: z.number(), total: z.number(), tooManyToCount: z.boolean() }) });
  if (p.startsWith('/collections')) return z.object({ collection: DataCollection }).strict();
  return null;
}

let s: DataServer;
beforeAll(async () => { s = await startDataServer(); });
afterAll(() => s.close());

test('every request the SDK sends is answered in the wire format it parses, errors included', async () => {
  await s.admin.collections.createDataCollection({ _id: 'W', fields: [{ key: 't', type: 'TEXT' }], permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } });
  await s.admin.collections.getDataCollection('W');
  await s.admin.collections.listDataCollections({ paging: { limit: 10, offset: 0 } });
  const a = await s.admin.items.insert('W', { t: 'a', d: new Date() });
  await s.admin.items.get('W', a._id);
  await s.admin.items.update('W', { ...a, t: 'b' });
  await s.admin.items.save('W', { _id: 'w2', t: 'c' });
  await s.admin.items.query('W').eq('t', 'c').ascending('t').limit(1).find({ returnTotalCount: true });
  await s.admin.items.query('W', { filter: {}, cursorPaging: { limit: 1 } } as any);
  await s.admin.items.query('W').count();
  await s.admin.items.bulkInsert('W', [{ _id: 'w3' }, { _id: 'w2' }]);
  await s.admin.items.bulkUpdate('W', [{ _id: 'w3', t: 'x' }]);
  await s.admin.items.bulkSave('W', [{ _id: 'w4' }]);
  await s.admin.items.bulkRemove('W', ['w4', 'missing']);
  await s.admin.items.remove('W', 'w3');
  await s.admin.items.remove('W', 'missing');
  await s.admin.items.insert('W', { _id: 'w2' }).catch(() => {});
  await s.visitor.items.insert('W', {}).catch(() => {});
  await s.admin.items.get('Nope', 'x').catch(() => {});
  await s.admin.collections.getDataCollection('Nope').catch(() => {});
  await s.admin.collections.createDataCollection({ _id: 'W' }).catch(() => {});
  await s.admin.items.truncate('W');

  expect(s.exchanges.length).toBeGreaterThan(20);
  const statuses = new Set<number>();
  for (const ex of s.exchanges) {
    statuses.add(ex.status);
    const label = `${ex.method} ${ex.path} → ${ex.status}`;
    if (ex.status >= 400) {
      expect(ErrorBody.safeParse(ex.responseBody).error, label).toBeUndefined();
      continue;
    }
    const schema = successSchema(ex);
    expect(schema, label).not.toBeNull();
    expect(schema!.safeParse(ex.responseBody).error, label).toBeUndefined();
  }
  expect([...statuses].sort()).toEqual([200, 403, 404, 409]);
});

test('cursor paging (REST callers; the SDK itself pages by offset) walks a query to its end', async () => {
  await s.admin.items.bulkInsert('W', Array.from({ length: 5 }, (_, i) => ({ _id: `c${i}`, i })));
  const post = (query: unknown) => adminFetch(`${s.url}/wix-data/v2/items/query`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'LocalWix ADMIN owner' }, body: JSON.stringify({ dataCollectionId: 'W', query }) }).then((r) => r.json() as Promise<any>);
  const seen: string[] = [];
  let res = await post({ filter: { i: { $gte: 0 } }, sort: [{ fieldName: 'i', order: 'ASC' }], cursorPaging: { limit: 2 } });
  for (;;) {
    seen.push(...res.dataItems.map((x: any) => x.id));
    const next = res.pagingMetadata.cursors?.next;
    if (!next) break;
    res = await post({ cursorPaging: { limit: 2, cursor: next } });
  }
  expect(seen).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
});
