// The dry-run plan as rows for the control room's table (the CLI prints the same plan as text,
// planTable in core/sync/planSync.ts). Payloads stay out: the table says what would happen, not the data.
import type { SyncAction } from '../sync/planSync.js';

export interface PlanRow { action: SyncAction['kind']; definitionId: string; name: string; revision: string | null; detail: string }

export function planRows(actions: readonly SyncAction[]): PlanRow[] {
  return actions.map((a) => ({
    action: a.kind,
    definitionId: a.definitionId,
    name: a.name || a.definitionId,
    revision: a.kind === 'create' || a.kind === 'update' ? a.revision : null,
    detail: a.kind === 'unchanged' ? a.reason
      : a.kind === 'delete' ? `${a.mode} external ${a.link.externalId}`
      : a.kind === 'invalid' ? a.errors.map((e) => `row ${e.rowId}: ${e.message}`).join('; ')
      : a.kind === 'update' ? `external ${a.link.externalId}` : 'new on the target',
  }));
}
