// Applies a target's validated mapping rows to one ticket definition, producing the payload to send.
// A failing row never yields a partial payload: the definition is reported with every failing row.
import type { TicketDef } from '../ticketDefinition.js';
import type { CompiledMapping } from './mappingRows.js';
import { unsafePathProblem } from '../security/safePath.js';
import { readSource, type SourceContext } from './sourcePaths.js';

export interface MappingError {
  rowId: string;
  definitionId: string;
  definitionName: string;
  sourcePath: string;
  targetField: string;
  message: string;
}

export function describeMappingError(e: MappingError): string {
  return `Mapping row ${e.rowId} (${e.sourcePath} → ${e.targetField}) failed for ticket definition "${e.definitionName}" (${e.definitionId}): ${e.message}`;
}

export type MappingResult = { ok: true; payload: Record<string, unknown> } | { ok: false; errors: MappingError[] };

const isEmpty = (v: unknown) => v === null || v === undefined || v === '';

/**
 * Writes `value` at a dotted path, creating objects on the way ("name.en" → {name: {en: …}}). Only own
 * properties are read or written, and the forbidden segments are refused here too (rows are checked
 * when loaded; this holds whatever calls it).
 */
export function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const problem = unsafePathProblem(path);
  if (problem) throw new Error(`target field "${path.slice(0, 120)}" ${problem}`);
  const keys = path.split('.');
  let cur = target;
  for (const k of keys.slice(0, -1)) {
    const next = Object.hasOwn(cur, k) ? cur[k] : undefined;
    if (!next || typeof next !== 'object' || Array.isArray(next)) Object.defineProperty(cur, k, { value: {}, enumerable: true, writable: true, configurable: true });
    cur = cur[k] as Record<string, unknown>;
  }
  Object.defineProperty(cur, keys[keys.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
}

export function applyMappings(def: TicketDef, mappings: CompiledMapping[], source: SourceContext): MappingResult {
  const payload: Record<string, unknown> = {};
  const errors: MappingError[] = [];
  for (const m of mappings) {
    const { row } = m;
    const fail = (message: string) =>
      errors.push({ rowId: row._id, definitionId: def._id, definitionName: def.name, sourcePath: row.sourcePath, targetField: row.targetField, message });
    try {
      let value = m.transform.run(readSource(row.sourcePath, def, source), { def, source });
      if (isEmpty(value) && m.defaultValue !== null) value = structuredClone(m.defaultValue);
      if (isEmpty(value) && row.required) {
        fail('the field is required but the definition has no value and the row has no default');
        continue;
      }
      setPath(payload, row.targetField, value === undefined ? null : value);
    } catch (e) {
      fail(e instanceof Error ? e.message : String(e));
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, payload };
}
