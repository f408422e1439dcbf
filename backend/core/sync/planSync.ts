// What to do with each definition of a mapped event, given the links already recorded:
// create / update / unchanged / delete. What a change may do to a link (no resurrection after delete,
// stale revision, already applied) is decided in linkRules.ts.
import type { TicketDef } from '../ticketDefinition.js';
import { guardDelete, guardUpsert, type DeleteMode } from './linkRules.js';
import type { MappingError, MappingResult } from './mappingEngine.js';
import { payloadHash } from './payloadHash.js';
import type { SyncLink } from './syncRows.js';

export type { DeleteMode } from './linkRules.js';

interface Base { definitionId: string; name: string }
export type SyncAction =
  | (Base & { kind: 'create'; revision: string; payload: Record<string, unknown>; payloadHash: string })
  | (Base & { kind: 'update'; revision: string; payload: Record<string, unknown>; payloadHash: string; link: SyncLink })
  | (Base & { kind: 'unchanged'; reason: string; link: SyncLink | null })
  | (Base & { kind: 'delete'; mode: DeleteMode; link: SyncLink })
  | (Base & { kind: 'invalid'; errors: MappingError[] });

export interface MappedDefinition { def: TicketDef; mapped: MappingResult }

/**
 * `trigger`: a change event; a link already at this revision means it was applied (duplicate delivery).
 * `reconcile`: a full comparison; at the same revision the payload is still compared, so a mapping the
 * owner edited is pushed again.
 */
export type PlanMode = 'trigger' | 'reconcile';

/** Decides for one definition that exists in Wix. */
export function planDefinition(m: MappedDefinition, link: SyncLink | null, mode: PlanMode): SyncAction {
  const { def, mapped } = m;
  const base = { definitionId: def._id, name: def.name };
  const guard = guardUpsert(link, def, mode === 'trigger' ? 'same revision' : 'never');
  if (guard) return { ...base, kind: 'unchanged', reason: guard.reason, link };
  if (!mapped.ok) return { ...base, kind: 'invalid', errors: mapped.errors };
  const hash = payloadHash(mapped.payload);
  if (!link) return { ...base, kind: 'create', revision: def.revision, payload: mapped.payload, payloadHash: hash };
  if (link.payloadHash === hash && link.status === 'active') return { ...base, kind: 'unchanged', reason: 'external copy is up to date', link };
  return { ...base, kind: 'update', revision: def.revision, payload: mapped.payload, payloadHash: hash, link };
}

/** Decides for a definition that Wix no longer has. */
export function planGone(definitionId: string, link: SyncLink | null, mode: DeleteMode): SyncAction {
  const base = { definitionId, name: '' };
  const guard = guardDelete(link);
  if (guard || !link) return { ...base, kind: 'unchanged', reason: guard?.reason ?? 'never synced', link };
  return { ...base, kind: 'delete', mode, link };
}

/**
 * Plans a whole event. `complete` says the definitions are the event's full list (all pages read):
 * only then can a link without a definition be taken as deleted.
 */
export function planSync(input: { definitions: MappedDefinition[]; links: SyncLink[]; deleteBehaviour: DeleteMode; complete: boolean; mode?: PlanMode }): SyncAction[] {
  const links = new Map(input.links.map((l) => [l.definitionId, l]));
  const seen = new Set<string>();
  const actions: SyncAction[] = [];
  for (const m of input.definitions) {
    if (seen.has(m.def._id)) continue; // a page boundary can repeat an item
    seen.add(m.def._id);
    actions.push(planDefinition(m, links.get(m.def._id) ?? null, input.mode ?? 'reconcile'));
  }
  if (input.complete) {
    for (const link of input.links) if (!seen.has(link.definitionId)) {
      const a = planGone(link.definitionId, link, input.deleteBehaviour);
      if (a.kind !== 'unchanged') actions.push(a);
    }
  }
  return actions;
}

export function summarizePlan(actions: SyncAction[]): Record<SyncAction['kind'], number> {
  const s = { create: 0, update: 0, unchanged: 0, delete: 0, invalid: 0 };
  for (const a of actions) s[a.kind]++;
  return s;
}

/** The dry-run table: one line per definition. */
export function planTable(actions: SyncAction[]): string {
  const rows = actions.map((a) => [
    a.kind,
    a.definitionId,
    a.name || a.definitionId,
    a.kind === 'create' || a.kind === 'update' ? `rev ${a.revision}` : '',
    a.kind === 'unchanged' ? a.reason : a.kind === 'delete' ? `${a.mode} external ${a.link.externalId}` : a.kind === 'invalid' ? a.errors.map((e) => `row ${e.rowId}: ${e.message}`).join('; ') : a.kind === 'update' ? `external ${a.link.externalId}` : '',
  ]);
  const head = ['action', 'definition', 'name', 'revision', 'detail'];
  const widths = head.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.slice(0, widths[i]).padEnd(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
