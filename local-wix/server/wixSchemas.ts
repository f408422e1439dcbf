// Requests checked against the zod schemas Wix publishes with the SDK (`@wix/auto_sdk_*/schemas`).
// Those schemas describe the SDK's side of the wire (`_id`, `_createdDate`, Date objects), so a REST
// body is first put in that shape, guided by the schema itself: `id` → `_id`, `createdDate` →
// `_createdDate`, `updatedDate` → `_updatedDate` where the schema has them, ISO strings → Date where the
// schema wants a date. Whatever the schema refuses is answered with Wix's validation error.
import type { z } from 'zod';
import * as ticketDefinitionSchemas from '@wix/auto_sdk_events_ticket-definitions-v-2/schemas';
import { WixHttpError } from './http.js';

export { ticketDefinitionSchemas };

type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; left?: z.ZodType; right?: z.ZodType; options?: z.ZodType[] };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const RENAMED: Record<string, string> = { id: '_id', createdDate: '_createdDate', updatedDate: '_updatedDate' };
const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Date);

/** A REST value in the SDK shape the schema describes. */
export function toSdkShape(schema: z.ZodType, value: unknown): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional': case 'nullable': case 'default': case 'readonly': case 'nonoptional': case 'catch':
      return value === undefined || value === null ? value : toSdkShape(def.innerType!, value);
    case 'date':
      return typeof value === 'string' ? new Date(value) : value;
    case 'array':
      return Array.isArray(value) ? value.map((v) => toSdkShape(def.element!, v)) : value;
    case 'intersection':
      return toSdkShape(def.right!, toSdkShape(def.left!, value));
    case 'union':
      return def.options!.reduce((v, option) => toSdkShape(option, v), value);
    case 'object': {
      if (!isObj(value)) return value;
      const shape = def.shape!;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const key = RENAMED[k] && shape[RENAMED[k]!] ? RENAMED[k]! : k;
        out[key] = shape[key] ? toSdkShape(shape[key]!, v) : v;
      }
      return out;
    }
    default:
      return value;
  }
}

const restName = (segment: PropertyKey) => String(segment).replace(/^_(id|createdDate|updatedDate)$/, '$1');

/** The first leaf issues of a zod error (unions report their branches' issues). */
function leafIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): { path: PropertyKey[]; message: string; code: string }[] {
  return issues.flatMap((i) => {
    const path = [...prefix, ...i.path];
    if (i.code === 'invalid_union' && i.errors.length) {
      // The branch with the fewest complaints is the one the caller meant.
      const best = [...i.errors].sort((a, b) => a.length - b.length)[0]!;
      return leafIssues(best, path);
    }
    return [{ path, message: i.message, code: i.code }];
  });
}

/**
 * Refuses `body` (already in the SDK's request shape) unless `schema` accepts it; field paths are
 * given in REST names (`ticketDefinition.id`, `ticketDefinition.salePeriod.startDate`).
 */
export function checkRequest(schema: z.ZodType, body: unknown, what: string): void {
  const result = schema.safeParse(body);
  if (result.success) return;
  const fieldViolations = leafIssues(result.error.issues).slice(0, 10).map((i) => ({
    field: i.path.map(restName).join('.'),
    description: i.message,
    violatedRule: i.code === 'invalid_format' ? 'FORMAT' : i.code === 'too_big' ? 'MAX' : i.code === 'too_small' ? 'MIN' : 'VALIDATION',
  }));
  throw new WixHttpError(400, `INVALID_ARGUMENT: ${what} does not match Wix's published request schema: ${fieldViolations.map((v) => `${v.field}: ${v.description}`).join('; ')}`, {
    validationError: { fieldViolations },
  });
}
