// Creates the package's CMS collections (backend/collections.ts) that the site does not have yet,
// through @wix/data `collections`, elevated. Idempotent: existing collections keep their fields; one
// whose permissions are wider than the schema's (say TicketCounters, public before it held `sold` and
// hidden definitions only for admins) is set to the schema's permissions.
import { collections } from '@wix/data';
import { auth } from '@wix/essentials';
import { ALL_COLLECTIONS, type CollectionSchema, type PermissionRole } from '../collections.js';
import { sdkErrorStatus } from './sdkErrors.js';

export interface SetupResult { created: string[]; existing: string[]; tightened: string[] }

/** How many callers a role lets in: a wider role ranks higher. */
const REACH: Record<PermissionRole, number> = { ADMIN: 0, SITE_MEMBER_AUTHOR: 1, SITE_MEMBER: 2, ANYONE: 3 };

/** Whether any of `have`'s permissions lets in more callers than the schema's. */
export function widerThanSchema(have: Partial<Record<keyof CollectionSchema['permissions'], unknown>> | undefined, schema: CollectionSchema): boolean {
  return (Object.keys(schema.permissions) as (keyof CollectionSchema['permissions'])[]).some((k) => {
    const role = have?.[k];
    return typeof role === 'string' && role in REACH && REACH[role as PermissionRole] > REACH[schema.permissions[k]];
  });
}

export async function setupCollections(schemas: CollectionSchema[] = ALL_COLLECTIONS): Promise<SetupResult> {
  const list = auth.elevate(collections.listDataCollections);
  const create = auth.elevate(collections.createDataCollection);
  const update = auth.elevate(collections.updateDataCollection);
  const have = new Map<string, collections.DataCollection>();
  for (let offset = 0; ; ) {
    const page = await list({ paging: { limit: 100, offset } });
    for (const c of page.collections ?? []) if (c._id) have.set(c._id, c);
    const n = page.collections?.length ?? 0;
    offset += n;
    if (n === 0 || offset >= (page.pagingMetadata?.total ?? offset)) break;
  }
  const result: SetupResult = { created: [], existing: [], tightened: [] };
  for (const s of schemas) {
    const existing = have.get(s.id);
    if (existing) {
      result.existing.push(s.id);
      if (widerThanSchema(existing.permissions as never, s)) {
        await update({ ...existing, _id: s.id, permissions: s.permissions } as never);
        result.tightened.push(s.id);
      }
      continue;
    }
    try {
      await create({
        _id: s.id,
        displayName: s.displayName,
        fields: s.fields.map((f) => ({ key: f.key, type: f.type, ...(f.displayName ? { displayName: f.displayName } : {}) })),
        permissions: s.permissions,
      });
      result.created.push(s.id);
    } catch (e) {
      // Created meanwhile by a concurrent setup: that is the state we wanted.
      if (sdkErrorStatus(e) === 409) result.existing.push(s.id);
      else throw e;
    }
  }
  return result;
}
