// Sync configuration as the flows use it: targets, their event mappings and compiled field mappings,
// read from the CMS and validated. A target whose mapping has bad rows is not synced (no partial
// payloads); its problems are reported instead.
import { COLLECTIONS } from '../collections.js';
import { checkMappingSet, type CompiledMapping } from '../core/sync/mappingRows.js';
import { needsSalesDetails } from '../core/sync/sourcePaths.js';
import { describeIssues, eventMappingRowSchema, syncTargetRowSchema, type EventMappingRow, type SyncTargetRow } from '../core/sync/syncRows.js';
import { readAllPages } from '../lib/readAllPages.js';
import { insertOnce } from './insertOnce.js';
import type { ExternalTicketingPort, Item } from '../ports.js';
import { defaultMappingRows, MAPPING_PRESETS } from '../core/sync/defaultMappings.js';
import type { SyncDeps } from './syncDeps.js';

export type MappingPreset = keyof typeof MAPPING_PRESETS;

export interface TargetSetup {
  target: SyncTargetRow;
  mappings: CompiledMapping[];
  events: EventMappingRow[];
  readSalesDetails: boolean;
}

export interface SyncConfig {
  targets: TargetSetup[];
  /** Everything that keeps a target or row out of the sync, worded for the owner. */
  problems: string[];
}

const C = COLLECTIONS;
const MAX_ROWS = 1000;

async function all<T extends Item>(deps: SyncDeps, collection: string): Promise<T[]> {
  return readAllPages({ pageSize: MAX_ROWS, skip: async (skip, limit) => (await deps.collections.query<T>(collection, { limit, skip })).items });
}

export async function loadSyncConfig(deps: SyncDeps): Promise<SyncConfig> {
  const [targetRows, eventRows, fieldRows] = await Promise.all([
    all(deps, C.SyncTargets.id), all(deps, C.SyncEventMappings.id), all(deps, C.SyncFieldMappings.id),
  ]);
  const problems: string[] = [];
  const events = eventRows.flatMap((r) => {
    const p = eventMappingRowSchema.safeParse(r);
    if (!p.success) problems.push(`Event mapping ${r._id}: ${describeIssues(p.error)}`);
    return p.success && p.data.enabled ? [p.data] : [];
  });
  const targets: TargetSetup[] = [];
  for (const r of targetRows) {
    const p = syncTargetRowSchema.safeParse(r);
    if (!p.success) {
      problems.push(`Sync target ${r._id}: ${describeIssues(p.error)}`);
      continue;
    }
    if (!p.data.enabled) continue;
    const set = checkMappingSet(fieldRows.filter((f) => (f as { targetId?: unknown }).targetId === p.data._id));
    if (set.errors.length) {
      for (const e of set.errors) problems.push(`Sync target ${p.data._id} is paused: field mapping ${e.rowId}: ${e.errors.join(' ')}`);
      continue;
    }
    if (!set.mappings.length) {
      problems.push(`Sync target ${p.data._id} has no field mappings; add rows to SyncFieldMappings (the default mapping is a good start).`);
      continue;
    }
    targets.push({
      target: p.data,
      mappings: set.mappings,
      events: events.filter((e) => e.targetId === p.data._id),
      readSalesDetails: set.mappings.some((m) => needsSalesDetails(m.row.sourcePath)),
    });
  }
  for (const p of problems) deps.logger?.warn(p);
  return { targets, problems };
}

const connections = new WeakMap<SyncDeps, Map<string, Promise<ExternalTicketingPort>>>();

/** One connector per target per deps (so a rate budget is shared by all deliveries of a run). */
export function connectTarget(deps: SyncDeps, target: SyncTargetRow): Promise<ExternalTicketingPort> {
  let m = connections.get(deps);
  if (!m) connections.set(deps, (m = new Map()));
  let p = m.get(target._id);
  if (!p) {
    p = deps.connectors.connect(target);
    m.set(target._id, p);
    p.catch(() => m!.delete(target._id));
  }
  return p;
}

export interface PresetMappingResult { preset: MappingPreset; inserted: string[]; skipped: string[] }

/**
 * Copies a shipped mapping preset into SyncFieldMappings for a target, as rows the owner then edits
 * in the CMS. Target fields the target already maps are left alone (two rows writing one field would
 * pause the target), so running it again adds nothing. Rows go through the same validating hooks.
 */
export async function addPresetMapping(deps: Pick<SyncDeps, 'collections'>, targetId: string, preset?: MappingPreset): Promise<PresetMappingResult> {
  const target = await deps.collections.get<SyncTargetRow & Item>(COLLECTIONS.SyncTargets.id, targetId);
  if (!target) throw new Error(`There is no sync target "${targetId}" in ${COLLECTIONS.SyncTargets.id}: add the target first`);
  const chosen = preset ?? (target.kind as MappingPreset);
  if (!Object.hasOwn(MAPPING_PRESETS, chosen)) throw new Error(`Unknown mapping preset "${chosen}"; presets: ${Object.keys(MAPPING_PRESETS).join(', ')}`);
  const { items } = await deps.collections.query<Item & { targetField?: string }>(COLLECTIONS.SyncFieldMappings.id, { filter: { targetId }, limit: 1000 });
  const mapped = new Set(items.map((r) => r.targetField));
  const result: PresetMappingResult = { preset: chosen, inserted: [], skipped: [] };
  for (const row of defaultMappingRows(targetId, chosen)) {
    if (mapped.has(row.targetField)) { result.skipped.push(row.targetField); continue; }
    if (await insertOnce(deps.collections, COLLECTIONS.SyncFieldMappings.id, row as unknown as Item)) result.inserted.push(row.targetField);
    else result.skipped.push(row.targetField);
  }
  return result;
}
