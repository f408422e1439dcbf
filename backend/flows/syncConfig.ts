// Sync configuration as the flows use it: targets, their event mappings and compiled field mappings,
// read from the CMS and validated. A target whose mapping has bad rows is not synced (no partial
// payloads); its problems are reported instead.
import { COLLECTIONS } from '../collections.js';
import { defaultMappingRows, MAPPING_PRESETS } from '../core/sync/defaultMappings.js';
import { checkMappingSet, type CompiledMapping } from '../core/sync/mappingRows.js';
import { needsSalesDetails } from '../core/sync/sourcePaths.js';
import type { EventMappingRow, SyncTargetRow } from '../core/sync/syncRows.js';
import type { ExternalTicketingPort } from '../ports.js';
import { syncSettings } from '../repositories/syncSettings.js';
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

export async function loadSyncConfig(deps: SyncDeps): Promise<SyncConfig> {
  const rows = await syncSettings(deps).readAll();
  const problems: string[] = [];
  const events = rows.events.flatMap((e) => {
    if (!e.ok) problems.push(e.problem);
    return e.ok && e.row.enabled ? [e.row] : [];
  });
  const targets: TargetSetup[] = [];
  for (const t of rows.targets) {
    if (!t.ok) {
      problems.push(t.problem);
      continue;
    }
    const target = t.row;
    if (!target.enabled) continue;
    const set = checkMappingSet(rows.fieldRows.filter((f) => (f as { targetId?: unknown }).targetId === target._id));
    if (set.errors.length) {
      for (const e of set.errors) problems.push(`Sync target ${target._id} is paused: field mapping ${e.rowId}: ${e.errors.join(' ')}`);
      continue;
    }
    if (!set.mappings.length) {
      problems.push(`Sync target ${target._id} has no field mappings; add rows to SyncFieldMappings (the default mapping is a good start).`);
      continue;
    }
    targets.push({
      target,
      mappings: set.mappings,
      events: events.filter((e) => e.targetId === target._id),
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
export async function addPresetMapping(deps: Pick<SyncDeps, 'collections' | 'logger'>, targetId: string, preset?: MappingPreset): Promise<PresetMappingResult> {
  const settings = syncSettings(deps);
  const target = await settings.presetTarget(targetId);
  if (!target) throw new Error(`There is no sync target "${targetId}" in ${COLLECTIONS.SyncTargets.id}: add the target first`);
  const chosen = preset ?? (target.kind as MappingPreset);
  if (!Object.hasOwn(MAPPING_PRESETS, chosen)) throw new Error(`Unknown mapping preset "${chosen}"; presets: ${Object.keys(MAPPING_PRESETS).join(', ')}`);
  const mapped = await settings.mappedFields(targetId);
  const result: PresetMappingResult = { preset: chosen, inserted: [], skipped: [] };
  for (const row of defaultMappingRows(targetId, chosen)) {
    if (mapped.has(row.targetField)) { result.skipped.push(row.targetField); continue; }
    if (await settings.addFieldMapping(row)) result.inserted.push(row.targetField);
    else result.skipped.push(row.targetField);
  }
  return result;
}
