// Wix IDs (events, ticket definitions, contacts) are GUIDs; anything else is refused before it costs a
// Wix call. (Non-GUID slugs are accepted only on the local Wix, whose demo event predates GUID IDs.)
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isWixId(id: unknown, opts: { localWix?: boolean } = {}): id is string {
  if (typeof id !== 'string') return false;
  if (GUID.test(id)) return true;
  return !!opts.localWix && /^[A-Za-z0-9_-]{1,100}$/.test(id);
}
