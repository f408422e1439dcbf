// Wix IDs (events, ticket definitions, contacts) are GUIDs, on a live site and on the local Wix alike;
// anything else is refused before it costs a Wix call.
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isWixId(id: unknown): id is string {
  return typeof id === 'string' && GUID.test(id);
}
