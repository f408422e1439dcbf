// Deterministic GUIDs for tests: Wix IDs are GUIDs (the local Wix refuses other shapes), and a test
// reads better with a name than with a random ID. `guid('def-1')` is always the same GUID.
import { createHash } from 'node:crypto';

export function guid(label: string): string {
  const h = createHash('sha1').update(label).digest('hex');
  // Laid out as a name-based (version 5) UUID so it also passes stricter UUID checks.
  const variant = (8 | (parseInt(h[16]!, 16) & 3)).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
