// Wix IDs are GUIDs: the SDK schemas refuse other shapes ("Must be a valid GUID"), and Wix answers a
// malformed one with a validation error (rule FORMAT), as in Wix's documented error format.
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
