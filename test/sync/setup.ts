// A sync configuration seeded into in-memory collections, shared by the flow and reliability tests,
// and the sync's world over the shared fakes (test/support) with the clock at 2025-03-01T09:00Z.
import { COLLECTIONS } from '../../backend/collections.js';
import { defaultMappingRows } from '../../backend/core/sync/defaultMappings.js';
import type { SyncDeps } from '../../backend/flows/sync.js';
import type { ExternalTicketingPort } from '../../backend/ports.js';
import { ManualClock } from '../support/clocks.js';
import { FakeExternal, factoryOf } from '../support/externalTicketing.js';
import { guid } from '../support/guids.js';
import { MemoryCollections } from '../support/memoryCollections.js';
import { MemoryDefinitions } from '../support/ticketDefinitions.js';

/** The event the seeded configuration maps (to `ext-ev1`), and the builder's default event. */
export const EV1 = guid('ev1');

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
  for (const [eventId, externalEventId] of opts.events ?? [[EV1, 'ext-ev1']]) {
    cms.coll(COLLECTIONS.SyncEventMappings.id).set(`${targetId}-${eventId}`, { _id: `${targetId}-${eventId}`, targetId, eventId, externalEventId, enabled: true } as any);
  }
  for (const r of defaultMappingRows(targetId, kind)) cms.coll(COLLECTIONS.SyncFieldMappings.id).set(r._id, r as any);
}

export function world(opts: { port?: ExternalTicketingPort; seed?: number; deleteBehaviour?: string } = {}): World {
  const cms = new MemoryCollections();
  const clock = new ManualClock('2025-03-01T09:00:00Z');
  const defs = new MemoryDefinitions(clock);
  const ext = new FakeExternal();
  seedConfig(cms, { deleteBehaviour: opts.deleteBehaviour });
  let s = opts.seed ?? 42;
  const random = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const deps: SyncDeps = { definitions: defs, collections: cms, clock, connectors: factoryOf({ t1: opts.port ?? ext }), random, concurrency: 4 };
  return { deps, defs, cms, ext, clock };
}
