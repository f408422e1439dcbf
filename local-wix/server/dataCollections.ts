// Wix Data collections REST routes (`/wix-data/v2/collections`), as @wix/data `collections` calls them:
// create (POST {collection}), get (GET /{id}), list (GET), update (PUT {collection}), delete (DELETE /{id}).
import type { Router, RequestContext } from './http.js';
import { WixHttpError } from './http.js';
import type { Identity } from './identity.js';
import type { Clock } from './clock.js';
import type { DataStore, StoredCollection } from './dataStore.js';
import { dataErrors } from './dataErrors.js';

type Who = (req: RequestContext) => Identity;

const ROLES = ['ADMIN', 'SITE_MEMBER_AUTHOR', 'SITE_MEMBER', 'ANYONE'];
/** `Type` enum of @wix/auto_sdk_data_collections. */
const FIELD_TYPES = new Set(['TEXT', 'NUMBER', 'DATE', 'DATETIME', 'IMAGE', 'BOOLEAN', 'DOCUMENT', 'URL', 'RICH_TEXT', 'VIDEO', 'ANY', 'ARRAY_STRING', 'ARRAY_DOCUMENT', 'AUDIO', 'TIME', 'LANGUAGE', 'RICH_CONTENT', 'MEDIA_GALLERY', 'ADDRESS', 'PAGE_LINK', 'REFERENCE', 'MULTI_REFERENCE', 'OBJECT', 'ARRAY', 'LEGACY_TIME', 'LEGACY_BOOK', 'LEGACY_EXTERNAL_URL', 'LEGACY_BROKEN_REFERENCE', 'LEGACY_IMAGE', 'LEGACY_COLOR', 'LEGACY_EXTERNAL_VIDEO', 'SLUG', 'EMAIL', 'MEDIA_IMAGE', 'MEDIA_VECTOR_ART']);
/** Permissions of a collection created without any (the CMS default for content: everyone reads, admins write). */
export const DEFAULT_PERMISSIONS = { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' };

const SYSTEM_FIELDS = [
  { key: '_id', displayName: 'ID', type: 'TEXT', systemField: true, readOnly: true },
  { key: '_createdDate', displayName: 'Created Date', type: 'DATETIME', systemField: true, readOnly: true },
  { key: '_updatedDate', displayName: 'Updated Date', type: 'DATETIME', systemField: true, readOnly: true },
  { key: '_owner', displayName: 'Owner', type: 'TEXT', systemField: true, readOnly: true },
];

function requireAdmin(who: Identity, collection: string, action: string) {
  if (who.role !== 'ADMIN') {
    throw WixHttpError.application(403, 'WDE0027', `WDE0027: The current user does not have permissions to ${action} the ${collection} collection.`, { collectionId: collection });
  }
}

function validFields(raw: unknown): StoredCollection['fields'] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw WixHttpError.validation('collection.fields', 'fields must be an array');
  return raw.map((f, i) => {
    const field = f as { key?: unknown; type?: unknown };
    if (typeof field.key !== 'string' || !field.key) throw WixHttpError.validation(`collection.fields[${i}].key`, 'must be a non-empty string');
    if (field.key.startsWith('_')) throw WixHttpError.validation(`collection.fields[${i}].key`, `${field.key} is a reserved system field key`);
    if (typeof field.type !== 'string' || !FIELD_TYPES.has(field.type)) throw WixHttpError.validation(`collection.fields[${i}].type`, `unknown field type ${String(field.type)}`);
    return { ...(f as object), key: field.key, type: field.type };
  });
}

function validPermissions(raw: unknown): StoredCollection['permissions'] {
  const p = { ...DEFAULT_PERMISSIONS, ...(raw && typeof raw === 'object' ? raw : {}) } as Record<string, unknown>;
  for (const k of ['read', 'insert', 'update', 'remove']) {
    if (!ROLES.includes(String(p[k]))) throw WixHttpError.validation(`collection.permissions.${k}`, `must be one of ${ROLES.join(', ')}`);
  }
  return { read: String(p.read), insert: String(p.insert), update: String(p.update), remove: String(p.remove) };
}

export class CollectionsService {
  constructor(private readonly store: DataStore, private readonly clock: Clock) {}

  create(raw: unknown, who: Identity): StoredCollection {
    const c = (raw ?? {}) as { id?: unknown; displayName?: unknown; fields?: unknown; permissions?: unknown };
    if (typeof c.id !== 'string' || !/^[A-Za-z0-9][\w-]{0,255}$/.test(c.id)) throw WixHttpError.validation('collection.id', 'collection id must be 1-256 letters, digits, - or _');
    requireAdmin(who, c.id, 'create');
    if (this.store.getCollection(c.id)) throw dataErrors.collectionExists(c.id);
    const now = this.clock.now().toISOString();
    const stored: StoredCollection = {
      id: c.id,
      collectionType: 'NATIVE',
      displayName: typeof c.displayName === 'string' ? c.displayName : c.id,
      fields: [...SYSTEM_FIELDS, ...validFields(c.fields)],
      permissions: validPermissions(c.permissions),
      revision: '1',
      maxPageSize: 1000,
      pagingModes: ['OFFSET', 'CURSOR'],
      createdDate: now,
      updatedDate: now,
    };
    this.store.putCollection(stored);
    return stored;
  }

  get(id: string): StoredCollection {
    const c = this.store.getCollection(id);
    if (!c) throw dataErrors.collectionMissing(id);
    return c;
  }

  update(raw: unknown, who: Identity): StoredCollection {
    const c = (raw ?? {}) as { id?: unknown; revision?: unknown; displayName?: unknown; fields?: unknown; permissions?: unknown };
    const current = this.get(String(c.id ?? ''));
    requireAdmin(who, current.id, 'update');
    if (c.revision !== undefined && String(c.revision) !== current.revision) {
      throw WixHttpError.application(409, 'WDE0148', `Collection ${current.id} was modified (revision ${current.revision}, given ${String(c.revision)})`);
    }
    const userFields = Array.isArray(c.fields) ? validFields((c.fields as { key?: string }[]).filter((f) => !String(f.key ?? '').startsWith('_'))) : current.fields.filter((f) => !f.systemField);
    const next: StoredCollection = {
      ...current,
      displayName: typeof c.displayName === 'string' ? c.displayName : current.displayName,
      fields: [...SYSTEM_FIELDS, ...userFields],
      permissions: c.permissions ? validPermissions(c.permissions) : current.permissions,
      revision: String(Number(current.revision) + 1),
      updatedDate: this.clock.now().toISOString(),
    };
    this.store.putCollection(next);
    return next;
  }

  delete(id: string, who: Identity) {
    this.get(id);
    requireAdmin(who, id, 'delete');
    this.store.deleteCollection(id);
  }
}

export function registerCollectionRoutes(router: Router, collections: CollectionsService, store: DataStore, who: Who) {
  const BASE = '/wix-data/v2/collections';
  router.post(BASE, (req) => ({ collection: collections.create(req.body.collection, who(req)) }));
  router.get(`${BASE}/:id`, (req) => ({ collection: collections.get(req.url.searchParams.get('dataCollectionId') ?? req.params.id!) }));
  router.add('PUT', BASE, (req) => ({ collection: collections.update(req.body.collection, who(req)) }));
  router.delete(`${BASE}/:id`, (req) => {
    collections.delete(req.url.searchParams.get('dataCollectionId') ?? req.params.id!, who(req));
    return {};
  });
  router.get(BASE, (req) => {
    const all = store.listCollections();
    const limit = Math.min(Number(req.url.searchParams.get('paging.limit') ?? 100) || 100, 1000);
    const offset = Number(req.url.searchParams.get('paging.offset') ?? 0) || 0;
    const page = all.slice(offset, offset + limit);
    return { collections: page, pagingMetadata: { count: page.length, offset, total: all.length, tooManyToCount: false } };
  });
}
