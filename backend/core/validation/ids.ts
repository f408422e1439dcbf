// The one schema for a Wix ID (event, ticket definition, contact) in a web method's input: a GUID, as
// Wix IDs are on a live site and on the local Wix alike. Each input names the ID in its refusal.
import { z } from 'zod';
import { GUID } from '../security/wixId.js';

/** A Wix ID; refused as "must be <what> (a GUID)". Pipe a trimmed string into it to allow padding. */
export function wixIdSchema(what: string) {
  return z.string().regex(GUID, `must be ${what} (a GUID)`);
}
