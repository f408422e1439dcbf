// Sync flow over in-memory ports: initial sync (paging, dry run, resume), triggers, outbox, reconcile.
import { describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/collections.js';
import { planTable } from '../../backend/core/sync/planSync.js';
import { drainOutbox, onDefinitionChanged, reconcile, RECONCILE_RUN_ID, requeueDeadLetters, runHourly, syncEvent } from '../../backend/flows/sync.js';
import { ExternalCallError } from '../../backend/ports.js';
import { guid } from '../support/guids.js';
import { definition } from '../support/ticketDefinitions.js';
import { EV1, world } from './setup.js';

const C = COLLECTIONS;
const links = (w: ReturnType<typeof world>) => w.cms.all<any>(C.SyncLinks.id);
const outbox = (w: ReturnType<typeof world>) => w.cms.all<any>(C.SyncOutbox.id);

/** `n` definitions `<label>-d000`… of the event guid(label). */
function seedDefs(w: ReturnType<typeof world>, n: number, label = 'ev1') {
  for (let i = 0; i < n; i++) w.defs.put(definition({ _id: `${label}-d${String(i).padStart(3, '0')}`, eventId: guid(label), name: `Ticket ${i}` }));
}

describe('initial sync', () => {
  it('pages through the event, creates every definition once, one Wix call per 100', async () => {
    const w = world();
    seedDefs(w, 250);
    const progress: number[] = [];
    const r = await syncEvent(w.deps, { eventId: EV1, onProgress: (p) => progress.push(p.definitions) });
    expect(r.targets[0]!.done).toBe(true);
    expect(r.targets[0]!.counts).toMatchObject({ create: 250 });
    expect(progress).toEqual([100, 200, 250]);
    expect(w.defs.calls).toBe(3);
    expect(w.ext.creates).toBe(250);
    expect(links(w)).toHaveLength(250);
    // Second run: nothing to do, no target calls.
    const calls = w.ext.calls;
    const again = await syncEvent(w.deps, { eventId: EV1 });
    expect(again.targets[0]!.counts).toMatchObject({ unchanged: 250 });
    expect(w.ext.calls).toBe(calls);
  });

  it('dry run plans and writes nothing', async () => {
    const w = world();
    seedDefs(w, 3);
    const writesBefore = [...w.cms.data.values()].reduce((n, m) => n + m.size, 0);
    const r = await syncEvent(w.deps, { eventId: EV1, dryRun: true });
    expect(r.targets[0]!.plan.map((a) => a.kind)).toEqual(['create', 'create', 'create']);
    expect(planTable(r.targets[0]!.plan)).toContain('Ticket 2');
    expect(w.ext.calls).toBe(0);
    expect([...w.cms.data.values()].reduce((n, m) => n + m.size, 0)).toBe(writesBefore);
  });

  it('resumes an interrupted run from its cursor without re-reading or re-creating', async () => {
    const w = world();
    seedDefs(w, 250);
    const first = await syncEvent(w.deps, { eventId: EV1, maxPages: 1 });
    expect(first.targets[0]!.done).toBe(false);
    expect(w.cms.all<any>(C.SyncRuns.id)[0]).toMatchObject({ state: 'running', cursor: '100', pages: 1 });
    const second = await syncEvent(w.deps, { eventId: EV1 });
    expect(second.targets[0]).toMatchObject({ done: true, resumed: true });
    expect(w.defs.calls).toBe(3);
    expect(w.ext.creates).toBe(250);
  });

  it('stops starting deliveries at the deadline mid-page; the next call reads the page again and finishes', async () => {
    const w = world();
    seedDefs(w, 10);
    // Each create takes a second (a paced target).
    const slow = Object.assign(Object.create(w.ext), { create: async (x: any) => { w.clock.advance(1000); return w.ext.create(x); } });
    w.deps.connectors = { connect: async () => slow };
    const first = await syncEvent(w.deps, { eventId: EV1, deadline: w.clock.now().getTime() + 2500 });
    expect(first.targets[0]!.done).toBe(false);
    expect(w.ext.creates).toBeGreaterThan(0);
    expect(w.ext.creates).toBeLessThan(10);
    expect(w.cms.all<any>(C.SyncRuns.id)[0]).toMatchObject({ state: 'running', pages: 0, cursor: null });
    expect(links(w)).toHaveLength(w.ext.creates);
    const second = await syncEvent(w.deps, { eventId: EV1 });
    expect(second.targets[0]).toMatchObject({ done: true, resumed: true });
    expect(w.ext.creates).toBe(10);
    expect(links(w)).toHaveLength(10);
  });

  it('deletes links whose definition is gone, once the whole event was read', async () => {
    const w = world();
    seedDefs(w, 3);
    await syncEvent(w.deps, { eventId: EV1 });
    w.defs.delete('ev1-d001');
    const r = await syncEvent(w.deps, { eventId: EV1, restart: true });
    expect(r.targets[0]!.counts.delete).toBe(1);
    expect(w.ext.live().map((x) => x.definitionId).sort()).toEqual(['ev1-d000', 'ev1-d002']);
  });

  it('a failed delivery goes to the outbox, not lost', async () => {
    const w = world();
    seedDefs(w, 2);
    w.ext.faults.push(new ExternalCallError('boom', { kind: 'http', status: 500 }));
    const r = await syncEvent(w.deps, { eventId: EV1 });
    expect(r.targets[0]!.counts).toMatchObject({ create: 1, queued: 1 });
    expect(outbox(w)).toHaveLength(1);
    w.clock.advance(60_000);
    await drainOutbox(w.deps);
    expect(w.ext.live()).toHaveLength(2);
    expect(outbox(w)).toHaveLength(0);
  });
});

describe('ongoing sync (triggers)', () => {
  it('create, duplicate, update, stale, delete, and no resurrection', async () => {
    const w = world();
    w.defs.put(definition({ _id: 'a', name: 'Early bird' }));
    expect((await onDefinitionChanged(w.deps, 'a'))[0]!.outcome).toBe('queued');
    const [l1] = links(w);
    expect(l1).toMatchObject({ externalId: 'x1', lastRevision: '1', status: 'active' });
    expect((await onDefinitionChanged(w.deps, 'a'))[0]).toMatchObject({ outcome: 'skipped', detail: 'revision 1 already applied' });

    w.clock.advance(1000);
    w.defs.put(definition({ _id: 'a', name: 'Early bird (last ones)' }));
    await onDefinitionChanged(w.deps, 'a');
    const [l2] = links(w);
    expect(l2).toMatchObject({ externalId: 'x1', linkedAt: l1.linkedAt, lastRevision: '2' });
    expect(w.ext.records.get('x1')!.payload.name).toBe('Early bird (last ones)');

    w.defs.delete('a');
    await onDefinitionChanged(w.deps, 'a');
    expect(links(w)[0]).toMatchObject({ status: 'deleted', externalId: 'x1' });
    expect(w.ext.records.get('x1')!.deleted).toBe(true);

    // A stale read (eventual consistency) still showing the definition never brings it back.
    w.defs.put(definition({ _id: 'a', revision: '3', name: 'ghost' }));
    expect((await onDefinitionChanged(w.deps, 'a'))[0]!.outcome).toBe('skipped');
    expect(w.ext.creates).toBe(1);
  });

  it('definitions of events not mapped are ignored', async () => {
    const w = world();
    w.defs.put(definition({ _id: 'z', eventId: 'other' }));
    expect((await onDefinitionChanged(w.deps, 'z'))[0]!.outcome).toBe('not mapped');
    expect(w.ext.calls).toBe(0);
  });

  it('created then deleted before delivery: nothing reaches the target', async () => {
    const w = world();
    w.defs.put(definition({ _id: 'a' }));
    await onDefinitionChanged(w.deps, 'a', { deliver: false });
    w.defs.delete('a');
    await onDefinitionChanged(w.deps, 'a', { deliver: false });
    await drainOutbox(w.deps);
    expect(w.ext.calls).toBe(0);
    expect(outbox(w)).toHaveLength(0);
  });

  it('a failing transform parks a dead letter naming the row and the definition', async () => {
    const w = world();
    w.defs.put(definition({ _id: 'a', name: 'Odd', pricingMethod: { fixedPrice: { value: '1.005', currency: 'USD' } } }));
    expect((await onDefinitionChanged(w.deps, 'a'))[0]!.outcome).toBe('invalid');
    const [slot] = outbox(w);
    expect(slot.state).toBe('dead');
    expect(slot.lastError).toMatch(/Mapping row t1-priceMinor \(price → priceMinor\) failed for ticket definition "Odd" \(a\)/);
  });

  it('an invalid mapping row pauses the target with an owner-facing problem', async () => {
    const w = world();
    w.cms.coll(C.SyncFieldMappings.id).set('bad', { _id: 'bad', targetId: 't1', sourcePath: 'prize', targetField: 'x' } as any);
    w.defs.put(definition({ _id: 'a' }));
    expect(await onDefinitionChanged(w.deps, 'a')).toEqual([]);
    const r = await syncEvent(w.deps, { eventId: EV1 });
    expect(r.problems.join('\n')).toMatch(/field mapping bad: Source path "prize".*Did you mean "price"/);
  });
});

describe('outbox', () => {
  it('500 → retried later with backoff; Retry-After honoured on 429', async () => {
    const w = world();
    w.defs.put(definition({ _id: 'a' }));
    w.ext.faults.push(new ExternalCallError('down', { kind: 'http', status: 500 }));
    await onDefinitionChanged(w.deps, 'a');
    let [slot] = outbox(w);
    expect(slot).toMatchObject({ state: 'pending', attempt: 1, lastError: 'HTTP 500: down' });
    expect(Date.parse(slot.nextAttemptAt)).toBeGreaterThan(w.clock.t);
    expect((await drainOutbox(w.deps)).delivered).toBe(0); // not due yet

    w.clock.t = Date.parse(slot.nextAttemptAt);
    w.ext.faults.push(new ExternalCallError('slow down', { kind: 'http', status: 429, retryAfterMs: 120_000 }));
    const r = await drainOutbox(w.deps);
    expect(r.retried).toBe(1);
    [slot] = outbox(w);
    expect(Date.parse(slot.nextAttemptAt) - w.clock.t).toBeGreaterThanOrEqual(120_000);
    w.clock.advance(120_000);
    expect((await drainOutbox(w.deps)).delivered).toBe(1);
    expect(outbox(w)).toHaveLength(0);
    expect(w.ext.creates).toBe(1);
  });

  it('a refusal dead-letters at once with the error in the CMS; ticking retry re-queues it', async () => {
    const w = world();
    w.defs.put(definition({ _id: 'a' }));
    w.ext.faults.push(new ExternalCallError('name too long', { kind: 'http', status: 422 }));
    await onDefinitionChanged(w.deps, 'a');
    const [slot] = outbox(w);
    expect(slot).toMatchObject({ state: 'dead', lastError: expect.stringMatching(/HTTP 422: name too long/) });
    expect((await drainOutbox(w.deps)).delivered).toBe(0);
    w.cms.coll(C.SyncOutbox.id).set(slot._id, { ...slot, retry: true });
    expect((await requeueDeadLetters(w.deps)).requeued).toEqual([slot._id]);
    expect((await drainOutbox(w.deps)).delivered).toBe(1);
    expect(w.ext.live()).toHaveLength(1);
  });

  it('keeps failing → dead letter after the bounded time; link shows the error', async () => {
    const w = world();
    w.defs.put(definition({ _id: 'a' }));
    await onDefinitionChanged(w.deps, 'a');
    w.defs.put(definition({ _id: 'a', name: 'v2' }));
    w.ext.failAll = () => new ExternalCallError('gateway', { kind: 'http', status: 502 });
    await onDefinitionChanged(w.deps, 'a');
    for (let i = 0; i < 200 && outbox(w)[0]?.state === 'pending'; i++) {
      w.clock.t = Date.parse(outbox(w)[0].nextAttemptAt);
      await drainOutbox(w.deps);
    }
    expect(outbox(w)[0]).toMatchObject({ state: 'dead' });
    expect(Date.parse(outbox(w)[0].firstFailureAt)).toBeGreaterThan(w.clock.t - 25 * 3600_000);
    expect(links(w)[0]).toMatchObject({ status: 'failed', lastError: 'HTTP 502: gateway' });
  });
});

describe('reconcile', () => {
  it('finds and repairs drift (missed update, missed delete, missed create) and reports it', async () => {
    const w = world();
    seedDefs(w, 3);
    await syncEvent(w.deps, { eventId: EV1 });
    w.defs.put(definition({ _id: 'ev1-d000', name: 'renamed' })); // trigger lost
    w.defs.delete('ev1-d001');
    w.defs.put(definition({ _id: 'ev1-d999', name: 'new' }));
    const h = await runHourly(w.deps);
    expect(h.reconcile.fixed.map((f) => `${f.action}:${f.definitionId}`).sort()).toEqual(['create:ev1-d999', 'delete:ev1-d001', 'update:ev1-d000']);
    expect(h.drain.delivered).toBe(3);
    expect(w.ext.live().map((r) => r.payload.name).sort()).toEqual(['Ticket 2', 'new', 'renamed']);
    expect((await reconcile(w.deps)).fixed).toEqual([]);
  });

  it('reports items removed by hand on the other side', async () => {
    const w = world();
    seedDefs(w, 2);
    await syncEvent(w.deps, { eventId: EV1 });
    w.ext.records.get('x1')!.deleted = true;
    const r = await reconcile(w.deps);
    expect(r.missingExternally).toEqual([{ targetId: 't1', definitionId: 'ev1-d000', externalId: 'x1' }]);
    expect(links(w).find((l) => l.externalId === 'x1')).toMatchObject({ status: 'failed' });
  });

  it('a target that cannot list its items (no list endpoint) is reported, and the drift is still repaired', async () => {
    const w = world();
    seedDefs(w, 2);
    await syncEvent(w.deps, { eventId: EV1 });
    w.ext.listExternalIds = async () => { throw new ExternalCallError('GET /hooks/events/ext-ev1/tickets → 405', { kind: 'http', status: 405 }); };
    w.defs.put(definition({ _id: 'ev1-d000', name: 'renamed' }));
    const h = await runHourly(w.deps);
    expect(h.reconcile.fixed.map((f) => `${f.action}:${f.definitionId}`)).toEqual(['update:ev1-d000']);
    expect(h.reconcile.problems).toEqual([expect.stringContaining(`t1/${EV1}: could not list the items on the target (GET /hooks/events/ext-ev1/tickets → 405)`)]);
    expect(h.drain.delivered).toBe(1);
    expect(links(w).every((l) => l.status === 'active')).toBe(true);
  });
});

describe('hourly run within a time budget', () => {
  /** Six mapped events of two definitions each, none synced yet; an event read takes 30 s, a create 20 s (one at a time). */
  function slowWorld() {
    const w = world();
    const labels = ['ev1', 'ev2', 'ev3', 'ev4', 'ev5', 'ev6'];
    const events = labels.map((l) => guid(l)).sort(); // in the order a reconcile pass takes them (target~event)
    for (const l of labels.slice(1)) w.cms.coll(C.SyncEventMappings.id).set(`t1-${l}`, { _id: `t1-${l}`, targetId: 't1', eventId: guid(l), externalEventId: `ext-${l}`, enabled: true } as any);
    for (const l of labels) seedDefs(w, 2, l);
    const reads: string[] = [];
    w.deps.definitions = Object.assign(Object.create(w.defs), {
      queryByEvent: async (eventId: string, o: any) => { reads.push(eventId); w.clock.advance(30_000); return w.defs.queryByEvent(eventId, o); },
    });
    const slow = Object.assign(Object.create(w.ext), { create: async (x: any) => { w.clock.advance(20_000); return w.ext.create(x); } });
    w.deps.connectors = { connect: async () => slow };
    w.deps.concurrency = 1;
    return { w, events, reads };
  }

  it('stops starting work when the budget is spent and resumes the next run where it stopped', async () => {
    const { w, events, reads } = slowWorld();
    const budgetMs = 4 * 60_000;
    let start = w.clock.t;
    const first = await runHourly(w.deps, { budgetMs });
    // Nothing new started after the budget; a call in flight then may still finish.
    expect(w.clock.t - start).toBeLessThanOrEqual(budgetMs + 20_000);
    expect(first).toMatchObject({ complete: false, budgetMs });
    // The reconcile had the first half: events at 0, 30, 60 and 90 s, none started at 120 s.
    expect(first.reconcile).toMatchObject({ events: 4, complete: false, resumed: false });
    // The drain had the rest: creates at 120…220 s, none started at 240 s; the rest stays due.
    expect(first.drain).toMatchObject({ delivered: 6, deferred: 2, outOfTime: true });
    expect(w.cms.coll(C.SyncRuns.id).get(RECONCILE_RUN_ID)).toMatchObject({ state: 'running', cursor: `t1~${events[3]}` });
    expect(outbox(w)).toHaveLength(2);

    start = w.clock.t;
    const second = await runHourly(w.deps, { budgetMs });
    expect(w.clock.t - start).toBeLessThanOrEqual(budgetMs + 20_000);
    expect(second.reconcile).toMatchObject({ events: 2, complete: true, resumed: true });
    expect(second).toMatchObject({ complete: true, drain: { delivered: 6, outOfTime: false } });
    expect(w.cms.coll(C.SyncRuns.id).get(RECONCILE_RUN_ID)).toMatchObject({ state: 'done', cursor: null });
    // Every event was read once over the two runs, and every definition created once.
    expect(reads).toEqual(events);
    expect(w.ext.creates).toBe(12);
    expect(outbox(w)).toHaveLength(0);
    expect(links(w)).toHaveLength(12);
    // A new pass starts from the first event.
    const third = await reconcile(w.deps);
    expect(third).toMatchObject({ events: 6, fixed: [], complete: true, resumed: false });
  });

  it('the drain starts no delivery after its deadline; the slots stay due', async () => {
    const { w } = slowWorld();
    await reconcile(w.deps);
    expect(outbox(w)).toHaveLength(12);
    const r = await drainOutbox(w.deps, { deadline: w.clock.now().getTime() });
    expect(r).toMatchObject({ delivered: 0, deferred: 12, outOfTime: true });
    expect(w.ext.calls).toBe(0);
    expect((await drainOutbox(w.deps)).delivered).toBe(12);
  });

  it('without a budget the run is not cut short', async () => {
    const { w } = slowWorld();
    const r = await runHourly(w.deps, { maxDrains: 10 });
    expect(r).toMatchObject({ complete: true, budgetMs: null });
    expect(r.reconcile.events).toBe(6);
    expect(r.drain.delivered).toBe(12);
    expect(w.cms.coll(C.SyncRuns.id).get(RECONCILE_RUN_ID)).toBeUndefined();
  });
});
