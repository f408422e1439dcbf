// The exactly-once primitive the flows share: insert an item under a unique `_id`; false when an item
// with that ID already exists (another invocation got there first). Other errors propagate.
import { DuplicateItemError, type CollectionsPort, type Item } from '../ports.js';

export async function insertOnce<T extends Item>(collections: CollectionsPort, collection: string, item: T): Promise<boolean> {
  try {
    await collections.insert(collection, item);
    return true;
  } catch (e) {
    if (e instanceof DuplicateItemError) return false;
    throw e;
  }
}
