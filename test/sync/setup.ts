// A sync configuration seeded into in-memory collections, shared by the flow and reliability tests.
import { COLLECTIONS } from '../../backend/collections.js';
import { defaultMappingRows } from '../../backend/core/sync/defaultMappings.js';
import type { SyncDeps } from '../../backend/flows/sync.js';
import type { ExternalTicketingPort } from '../../backend/ports.js';
import { FakeExternal, factoryOf, ManualClock, MemoryCollections, MemoryDefinitions } from './fakes.js';

export interface World {
  deps: SyncDeps;
  defs: MemoryDefinitions;
  cms: MemoryCollections;
  ext: FakeExternal;
  clock: ManualClock;
}

export function seedConfig(cms: MemoryCollections, opts: { targetId?: string; kind?: 'pretix' | 'signedRest'; events?: [string, string][]; deleteBehaviour?: string } = {}) {
  const targetId = opts.targetId ?? 't1';
  const kind = opts.kind ?? 'signedRest';
  cms.coll(COLLECTIONS.SyncTargets.id).set(targetId, { _id: targetId, kind, baseUrl: 'http://127.0.0.1:1/hooks', secretName: 'SYNC_TOKEN', enabled: true, deleteBehaviour: opts.deleteBehaviour ?? 'delete', options: {} } as any);
  for (const [eventId, externalEventId] of opts.events ?? [['ev1', 'ext-ev1']]) {
    cms.coll(COLLECTIONS.SyncEventMappings.id).set(`${targetId}-${eventId}`, { _id: `${targetId}-${eventId}`, targetId, eventId, externalEventId, enabled: true } as any);
  }
  for (const r of defaultMappingRows(targetId, kind)) cms.coll(COLLECTIONS.SyncFieldMappings.id).set(r._id, r as any);
}

export function world(opts: { port?: ExternalTicketingPort; seed?: number; deleteBehaviour?: string } = {}): World {
  const cms = new MemoryCollections();
  const defs = new MemoryDefinitions();
  const ext = new FakeExternal();
  const clock = new ManualClock();
  seedConfig(cms, { deleteBehaviour: opts.deleteBehaviour });
  let s = opts.seed ?? 42;
  const random = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const deps: SyncDeps = { definitions: defs, collections: cms, clock, connectors: factoryOf({ t1: opts.port ?? ext }), random, concurrency: 4 };
  return { deps, defs, cms, ext, clock };
}
