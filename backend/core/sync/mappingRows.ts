// SyncFieldMappings rows: the zod shape of a CMS item and the checks that turn a bad row into a
// message a site owner understands (used by the before-hooks and when the flow loads the mapping).
import { z } from 'zod';
import { unsafePathProblem } from '../security/safePath.js';
import { closestNames, isSourcePath, SOURCE_PATH_NAMES, SOURCE_PATHS } from './sourcePaths.js';
import { compileTransform, isTransformName, TransformError, TRANSFORM_NAMES, TRANSFORMS, type CompiledTransform } from './transforms.js';
import { issueLines } from '../validation/zodIssues.js';

const optionalText = z.string().nullish().transform((v) => (v === undefined || v === null || v.trim() === '' ? null : v));

export const fieldMappingRowSchema = z.object({
  _id: z.string().min(1),
  targetId: z.string().trim().min(1, 'choose the sync target this row belongs to'),
  sourcePath: z.string().trim().min(1, 'enter the ticket definition field to read (source path)'),
  targetField: z.string().trim().min(1, 'enter the field to write on the other system (target field)'),
  transform: optionalText,
  transformArg: optionalText,
  default: optionalText,
  required: z.boolean().nullish().transform((v) => v === true),
  enabled: z.boolean().nullish().transform((v) => v !== false),
  position: z.number().nullish(),
});

export type FieldMappingRow = z.output<typeof fieldMappingRowSchema>;

/** A validated row, ready for the mapping engine. */
export interface CompiledMapping {
  row: FieldMappingRow;
  transform: CompiledTransform;
  defaultValue: unknown;
}

export type RowCheck = { ok: true; mapping: CompiledMapping } | { ok: false; errors: string[] };

const TARGET_FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function listSourcePaths(): string {
  return SOURCE_PATH_NAMES.map((p) => `${p} (${SOURCE_PATHS[p]!.describe})`).join('; ');
}

export function listTransforms(): string {
  return TRANSFORM_NAMES.map((t) => `${t} (${TRANSFORMS[t].describe})`).join('; ');
}

function didYouMean(input: string, names: string[]): string {
  const near = closestNames(input, names);
  return near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : '';
}

/** Checks one CMS row. Every message names the field and says what would be accepted. */
export function checkMappingRow(input: unknown): RowCheck {
  const parsed = fieldMappingRowSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, errors: issueLines(parsed.error, { root: 'row' }) };
  }
  const row = parsed.data;
  const errors: string[] = [];
  const unsafeSource = unsafePathProblem(row.sourcePath);
  const unsafeTarget = unsafePathProblem(row.targetField);
  if (unsafeSource) errors.push(`Source path "${row.sourcePath.slice(0, 120)}" ${unsafeSource}.`);
  if (unsafeTarget) errors.push(`Target field "${row.targetField.slice(0, 120)}" ${unsafeTarget}.`);
  if (unsafeSource || unsafeTarget) return { ok: false, errors };
  if (!isSourcePath(row.sourcePath)) {
    errors.push(`Source path "${row.sourcePath}" is not a ticket definition field.${didYouMean(row.sourcePath, SOURCE_PATH_NAMES)} Valid source paths: ${listSourcePaths()}.`);
  }
  if (!TARGET_FIELD.test(row.targetField)) {
    errors.push(`Target field "${row.targetField}" must be a field name or a dotted path such as "name.en" (letters, digits and _ only).`);
  }
  const name = row.transform ?? 'none';
  let transform: CompiledTransform | null = null;
  if (!isTransformName(name)) {
    errors.push(`Transform "${name}" is not known.${didYouMean(name, TRANSFORM_NAMES)} Known transforms: ${listTransforms()}.`);
  } else {
    const spec = TRANSFORMS[name] as { arg?: { required: boolean; describe: string } };
    if (!spec.arg && row.transformArg !== null) {
      errors.push(`Transform "${name}" takes no argument; clear "transformArg" (it holds ${JSON.stringify(row.transformArg)}).`);
    } else {
      try {
        transform = compileTransform(name, row.transformArg);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        errors.push(`Transform argument for "${name}": ${msg}${spec.arg ? ` (expected: ${spec.arg.describe})` : ''}.`);
      }
    }
  }
  if (errors.length || !transform) return { ok: false, errors };
  let defaultValue: unknown = null;
  if (row.default !== null) {
    try {
      defaultValue = JSON.parse(row.default);
    } catch {
      defaultValue = row.default;
    }
  }
  return { ok: true, mapping: { row, transform, defaultValue } };
}

/** Checks a target's whole mapping: every row, and no two rows writing the same field. */
export function checkMappingSet(rows: unknown[]): { mappings: CompiledMapping[]; errors: { rowId: string; errors: string[] }[] } {
  const mappings: CompiledMapping[] = [];
  const errors: { rowId: string; errors: string[] }[] = [];
  const byField = new Map<string, string>();
  for (const r of rows) {
    const id = String((r as { _id?: unknown })?._id ?? '?');
    const c = checkMappingRow(r);
    if (!c.ok) {
      errors.push({ rowId: id, errors: c.errors });
      continue;
    }
    if (!c.mapping.row.enabled) continue;
    const other = byField.get(c.mapping.row.targetField);
    const clash = [...byField.keys()].find((f) => f.startsWith(`${c.mapping.row.targetField}.`) || c.mapping.row.targetField.startsWith(`${f}.`));
    if (other) {
      errors.push({ rowId: id, errors: [`Target field "${c.mapping.row.targetField}" is already written by row ${other}; each field can be mapped once.`] });
      continue;
    }
    if (clash) {
      errors.push({ rowId: id, errors: [`Target field "${c.mapping.row.targetField}" overlaps "${clash}" (row ${byField.get(clash)}); one cannot be inside the other.`] });
      continue;
    }
    byField.set(c.mapping.row.targetField, id);
    mappings.push(c.mapping);
  }
  mappings.sort((a, b) => (a.row.position ?? 0) - (b.row.position ?? 0));
  return { mappings, errors };
}

export { TransformError };
