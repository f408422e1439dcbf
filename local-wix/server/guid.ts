// Wix IDs are GUIDs: the SDK schemas refuse other shapes ("Must be a valid GUID"), and Wix answers a
// malformed one with a validation error (rule FORMAT), as in Wix's documented error format.
import { createHash } from 'node:crypto';
import { WixHttpError } from './http.js';

/** The pattern of Wix's published zod schemas (`@wix/auto_sdk_*` schemas). */
export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const isGuid = (v: unknown): v is string => typeof v === 'string' && GUID.test(v);

/** Wix's validation error for a malformed GUID at `field`. */
export function guidError(field: string, value: unknown): WixHttpError {
  return new WixHttpError(400, `INVALID_ARGUMENT: ${field} must be a valid GUID`, {
    validationError: {
      fieldViolations: [{ field, description: `must be a valid GUID (got ${JSON.stringify(String(value).slice(0, 80))})`, violatedRule: 'FORMAT', data: { type: 'GUID' } }],
    },
  });
}

export function requireGuid(field: string, value: unknown): string {
  if (!isGuid(value)) throw guidError(field, value);
  return value;
}

/**
 * The GUID standing for a local caller ID (`site-owner`, `member-1`): the ID itself when it is a GUID,
 * else a name-based (version 5 layout) GUID, the same every time. Wix's `_owner` is always a GUID.
 */
export function guidFor(id: string): string {
  if (isGuid(id)) return id;
  const h = createHash('sha1').update(`local-wix:${id}`).digest('hex');
  const variant = (8 | (parseInt(h[16]!, 16) & 3)).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
