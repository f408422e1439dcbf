// What the CMS before-hooks ask of a sync configuration row: the problems a site owner must fix,
// in words they understand, or none. Inserts may come without `_id` (Wix assigns it later).
import { checkMappingRow } from './mappingRows.js';
import { outboundUrlProblem } from '../security/outboundUrl.js';
import { describeIssues, eventMappingRowSchema, syncTargetRowSchema } from './syncRows.js';

export type SyncConfigCollection = 'SyncTargets' | 'SyncEventMappings' | 'SyncFieldMappings';

/** `localWix`: the deployment (a secret, never the row's say); on a live site internal hosts are refused. */
export function syncRowProblems(collection: SyncConfigCollection, item: Record<string, unknown>, opts: { localWix?: boolean } = {}): string | null {
  const row = { ...item, _id: item._id ?? 'new' };
  if (collection === 'SyncFieldMappings') {
    const c = checkMappingRow(row);
    return c.ok ? null : c.errors.join('\n');
  }
  const schema = collection === 'SyncTargets' ? syncTargetRowSchema : eventMappingRowSchema;
  const p = schema.safeParse(row);
  if (!p.success) return describeIssues(p.error);
  if (collection === 'SyncTargets') {
    const problem = outboundUrlProblem(String(item.baseUrl).trim(), { localWix: !!opts.localWix });
    if (problem) return `baseUrl: baseUrl ${problem}`;
  }
  return null;
}
