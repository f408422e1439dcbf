// Creates the package's CMS collections (backend/collections.ts) that the site does not have yet,
// through @wix/data `collections`, elevated. Idempotent: existing collections are left as they are.
import { collections } from '@wix/data';
import { auth } from '@wix/essentials';
import { ALL_COLLECTIONS, type CollectionSchema } from '../collections.js';
import { sdkErrorStatus } from './sdkErrors.js';

export interface SetupResult { created: string[]; existing: string[] }

export async function setupCollections(schemas: CollectionSchema[] = ALL_COLLECTIONS): Promise<SetupResult> {
  const list = auth.elevate(collections.listDataCollections);
  const create = auth.elevate(collections.createDataCollection);
  const have = new Set<string>();
  for (let offset = 0; ; ) {
    const page = await list({ paging: { limit: 100, offset } });
    for (const c of page.collections ?? []) if (c._id) have.add(c._id);
    const n = page.collections?.length ?? 0;
    offset += n;
    if (n === 0 || offset >= (page.pagingMetadata?.total ?? offset)) break;
  }
  const result: SetupResult = { created: [], existing: [] };
  for (const s of schemas) {
    if (have.has(s.id)) { result.existing.push(s.id); continue; }
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
