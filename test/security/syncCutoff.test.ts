// Attack "sync cut-off": an invocation cut off after the target created an item but before the link
// was stored must not make the next change create a second item. Flow tests over in-memory ports
// with a connector whose create succeeds and then never answers (Wix ends the invocation there).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { requestJson } from '../../backend/connectors/syncHttp.js';
import { COLLECTIONS } from '../../backend/collections.js';
import { onDefinitionChanged, syncEvent } from '../../backend/flows/sync.js';
import { ExternalCallError, type ExternalTicketingPort, type ExternalWrite } from '../../backend/ports.js';
import { factoryOf, FakeExternal } from '../support/externalTicketing.js';
import { definition } from '../support/ticketDefinitions.js';
import { EV1, world } from '../sync/setup.js';

const C = COLLECTIONS;

/** Applies the create on the target, then never answers: the invocation is cut off waiting. */
function hangingAfterCreate(ext: FakeExternal): ExternalTicketingPort & { reached: Promise<void> } {
  let reached!: () => void;
  const p = new Promise<void>((r) => { reached = r; });
  return {
    reached: p,
    async create(w: ExternalWrite) {
      await ext.create(w);
      reached();
      return new Promise<never>(() => {});
    },
    update: (w) => ext.update(w),
    remove: (r) => ext.remove(r),
  };
}

describe('sync cut-off', () => {
  it('trigger path: a create cut off before its link was stored is replayed by the next change, which then updates that item', async () => {
    const w = world();
    w.defs.put(definition({ _id: 'd1', eventId: EV1, name: 'Early', revision: '1' }));
    const hanging = hangingAfterCreate(w.ext);
    const cutOff = { ...w.deps, connectors: factoryOf({ t1: hanging }) };
    void onDefinitionChanged(cutOff, 'd1');
    await hanging.reached;
    expect(w.ext.creates).toBe(1);
    expect(w.cms.all(C.SyncLinks.id)).toHaveLength(0);
    // The key was stored before the create.
    expect(w.cms.all<any>(C.SyncOutbox.id)[0]).toMatchObject({ createKey: expect.any(String) });

    // A later change, in a fresh invocation, with a target that answers.
    w.defs.put(definition({ _id: 'd1', eventId: EV1, name: 'Early bird', revision: '2' }));
    await onDefinitionChanged({ ...w.deps, connectors: factoryOf({ t1: w.ext }) }, 'd1');
    expect(w.ext.creates).toBe(1);
    expect(w.ext.records.size).toBe(1);
    const [record] = [...w.ext.records.values()];
    expect(JSON.stringify(record!.payload)).toContain('Early bird');
    expect(w.cms.all<any>(C.SyncLinks.id)).toMatchObject([{ definitionId: 'd1', externalId: record!.externalId, lastRevision: '2' }]);
  });

  it('initial sync: a run cut off mid-create, then a trigger for that definition, then the resumed run: one item', async () => {
    const w = world();
    w.defs.put(definition({ _id: 'd1', eventId: EV1, name: 'Early', revision: '1' }));
    const hanging = hangingAfterCreate(w.ext);
    void syncEvent({ ...w.deps, connectors: factoryOf({ t1: hanging }) }, { eventId: EV1 });
    await hanging.reached;
    expect(w.ext.creates).toBe(1);
    expect(w.cms.all(C.SyncLinks.id)).toHaveLength(0);

    w.defs.put(definition({ _id: 'd1', eventId: EV1, name: 'Early bird', revision: '2' }));
    await onDefinitionChanged({ ...w.deps, connectors: factoryOf({ t1: w.ext }) }, 'd1');
    await syncEvent({ ...w.deps, connectors: factoryOf({ t1: w.ext }) }, { eventId: EV1 });
    expect(w.ext.creates).toBe(1);
    expect(w.cms.all<any>(C.SyncLinks.id)).toMatchObject([{ definitionId: 'd1', lastRevision: '2' }]);
    expect(JSON.stringify([...w.ext.records.values()][0]!.payload)).toContain('Early bird');
  });

  it('initial sync never overwrites a link a trigger recorded meanwhile (links are inserted once)', async () => {
    const w = world();
    w.defs.put(definition({ _id: 'd1', eventId: EV1, name: 'Early', revision: '1' }));
    // The trigger's link lands while the initial sync's create is in flight.
    const racing: ExternalTicketingPort = {
      async create(x) {
        const r = await w.ext.create(x);
        await w.cms.insert(C.SyncLinks.id, { _id: `t1~d1`, targetId: 't1', definitionId: 'd1', eventId: EV1, externalEventId: 'ext-ev1', externalId: 'from-trigger', refs: {}, lastRevision: '1', payloadHash: '', status: 'active', lastError: null, warnings: [], linkedAt: 'x', updatedAt: 'x' });
        return r;
      },
      update: (x) => w.ext.update(x),
      remove: (x) => w.ext.remove(x),
    };
    await syncEvent({ ...w.deps, connectors: factoryOf({ t1: racing }) }, { eventId: EV1 });
    expect(w.cms.all<any>(C.SyncLinks.id)).toMatchObject([{ externalId: 'from-trigger' }]);
  });

  it('a response body is read within the request\'s timeout: headers then silence is a timeout, not a hang', async () => {
    const s = http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"id":'); });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    try {
      const err = await requestJson(`http://127.0.0.1:${(s.address() as AddressInfo).port}/x`, { method: 'GET' }, { timeoutMs: 300 }).catch((e) => e);
      expect(err).toBeInstanceOf(ExternalCallError);
      expect(err.failure).toEqual({ kind: 'timeout' });
      // The request's own 300 ms timer ended the body read (not a socket's or the test's timeout).
      expect(err.message).toContain('timed out after 300 ms');
    } finally {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });
});
