// Wix Data items REST routes (`/wix-data/v2/items…`, `/wix-data/v2/bulk/items/…`), in the wire format
// the genuine @wix/data SDK sends and parses (see scripts/probe-sdk-wire.mjs).
import type { Router, RequestContext } from './http.js';
import { WixHttpError } from './http.js';
import type { Identity } from './identity.js';
import type { DataService, QueryInput, WriteOptions } from './dataService.js';
import type { ReadFrom } from './dataStore.js';

type Who = (req: RequestContext) => Identity;

const BASE = '/wix-data/v2';

/** `dataItem: {id, data}` → the item data, with `id` as `_id` when data has none. */
function itemData(dataItem: unknown): unknown {
  if (!dataItem || typeof dataItem !== 'object') throw WixHttpError.validation('dataItem', 'dataItem is required');
  const { id, data } = dataItem as { id?: unknown; data?: unknown };
  if (data && typeof data === 'object' && !Array.isArray(data) && (data as { _id?: unknown })._id === undefined && typeof id === 'string' && id) {
    return { ...(data as object), _id: id };
  }
  return data;
}

function bulkItems(list: unknown): unknown {
  return Array.isArray(list) ? list.map((x) => (x && typeof x === 'object' ? { data: itemData(x) } : x)) : list;
}

const opts = (body: { suppressHooks?: unknown }): WriteOptions => ({ suppressHooks: body.suppressHooks === true });

/** The GET form of QueryDataItems carries the request as base64url JSON in `.r`. */
function queryRequest(req: RequestContext): Record<string, unknown> {
  if (req.method !== 'GET') return req.body ?? {};
  const r = req.url.searchParams.get('.r');
  if (!r) return Object.fromEntries(req.url.searchParams);
  try {
    return JSON.parse(Buffer.from(r, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw WixHttpError.validation('.r', 'The .r query parameter is not base64url-encoded JSON');
  }
}

const flag = (v: unknown) => v === true || v === 'true';
/** `consistentRead: true` reads the primary; otherwise a mirror that lags it (dataMirror.ts). */
const readFrom = (consistentRead: unknown): ReadFrom => (flag(consistentRead) ? 'primary' : 'mirror');

export function registerItemRoutes(router: Router, data: DataService, who: Who) {
  const query = (req: RequestContext) => {
    const body = queryRequest(req);
    return data.query(body.dataCollectionId, (body.query ?? {}) as QueryInput, who(req), flag(body.returnTotalCount), readFrom(body.consistentRead));
  };
  router.get(`${BASE}/items/query`, query);
  router.post(`${BASE}/items/query`, query);

  router.post(`${BASE}/items/count`, (req) => ({ totalCount: data.count(req.body.dataCollectionId, req.body.filter, who(req), readFrom(req.body.consistentRead)) }));

  router.get(`${BASE}/items/:id`, (req) => ({
    dataItem: data.get(req.url.searchParams.get('dataCollectionId'), req.url.searchParams.get('dataItemId') ?? req.params.id!, who(req), readFrom(req.url.searchParams.get('consistentRead'))),
  }));

  router.post(`${BASE}/items`, async (req) => ({
    dataItem: await data.insert(req.body.dataCollectionId, itemData(req.body.dataItem), who(req), opts(req.body)),
  }));
  router.post(`${BASE}/items/update`, async (req) => ({
    dataItem: await data.update(req.body.dataCollectionId, itemData(req.body.dataItem), who(req), opts(req.body)),
  }));
  router.post(`${BASE}/items/save`, async (req) => {
    const { action, item } = await data.save(req.body.dataCollectionId, itemData(req.body.dataItem), who(req), opts(req.body));
    return { action: action === 'INSERT' ? 'INSERTED' : 'UPDATED', dataItem: item };
  });
  router.post(`${BASE}/items/remove`, async (req) => ({
    dataItem: await data.remove(req.body.dataCollectionId, req.body.dataItemId, who(req), opts(req.body)),
  }));
  router.post(`${BASE}/items/truncate`, async (req) => {
    await data.truncate(req.body.dataCollectionId, who(req));
    return {};
  });

  router.post(`${BASE}/bulk/items/insert`, (req) => data.bulkInsert(req.body.dataCollectionId, bulkItems(req.body.dataItems), who(req), opts(req.body)));
  router.post(`${BASE}/bulk/items/update`, (req) => data.bulkUpdate(req.body.dataCollectionId, bulkItems(req.body.dataItems), who(req), opts(req.body)));
  router.post(`${BASE}/bulk/items/save`, (req) => data.bulkSave(req.body.dataCollectionId, bulkItems(req.body.dataItems), who(req), opts(req.body)));
  router.post(`${BASE}/bulk/items/remove`, (req) => data.bulkRemove(req.body.dataCollectionId, req.body.dataItemIds, who(req), opts(req.body)));
}
