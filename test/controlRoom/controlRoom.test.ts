// The control room's rules and section reads: outbox views, target states, the sweep summary,
// secrets kept off the page, the dry-run rows; and that a section costs the same number of reads
// whether there are 5 or 10,000 outbox rows, 1 or 100 targets (paged).
import { describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/collections.js';
import { DEFAULT_READ_BUDGET } from '../../backend/core/counter/readBudget.js';
import { outboxViewFilter, scrubSecrets, sweepSummary, targetState } from '../../backend/core/controlRoom/controlRoomViews.js';
import { planRows } from '../../backend/core/controlRoom/planRows.js';
import { retryInput, syncSectionInput, testAlertInput } from '../../backend/core/controlRoom/controlRoomInput.js';
import { syncSection } from '../../backend/flows/controlRoomSync.js';
import { alertsSection } from '../../backend/flows/controlRoomAlerts.js';
import { countersSection } from '../../backend/flows/controlRoomCounters.js';
import { retryDeadLetters } from '../../backend/flows/controlRoomRetry.js';
import { drainOutbox, syncEvent } from '../../backend/flows/sync.js';
import { matchesFilter } from '../support/memoryCollections.js';
import { guid } from '../support/guids.js';
import { definition } from '../support/ticketDefinitions.js';
import { EV1, seedConfig, world } from '../sync/setup.js';
import { ExternalCallError } from '../../backend/ports.js';

const C = COLLECTIONS;
const NOW = '2025-03-01T09:00:00.000Z';

describe('control room rules', () => {
  it('sorts outbox rows into due, retrying and dead at a given time', () => {
    const rows = [
      { _id: 'a', state: 'pending', nextAttemptAt: '2025-03-01T08:59:00.000Z' },
      { _id: 'b', state: 'pending', nextAttemptAt: '2025-03-01T09:30:00.000Z' },
      { _id: 'c', state: 'dead', nextAttemptAt: '2025-03-01T08:00:00.000Z' },
    ];
    const pick = (v: 'due' | 'retrying' | 'dead') => rows.filter((r) => matchesFilter(r, outboxViewFilter(v, NOW))).map((r) => r._id);
    expect([pick('due'), pick('retrying'), pick('dead')]).toEqual([['a'], ['b'], ['c']]);
  });

  it('says why a target is paused, and only its own problems', () => {
    const problems = ['Sync target t1 is paused: field mapping m1: Target field "x y" must be…', 'Sync target t10 has no field mappings; add rows…', 'Event mapping e1: eventId: enter the Wix event ID'];
    expect(targetState({ targetId: 't1', enabledInRow: true, loaded: false, problems })).toEqual({ state: 'paused', why: [problems[0]] });
    expect(targetState({ targetId: 't10', enabledInRow: true, loaded: false, problems }).why).toEqual([problems[1]]);
    expect(targetState({ targetId: 't2', enabledInRow: true, loaded: true, problems })).toEqual({ state: 'enabled', why: [] });
    expect(targetState({ targetId: 't2', enabledInRow: true, loaded: true, problems, connectProblem: 'cannot connect: Sync target t2: options.organizer must be the Pretix organizer short name' }).state).toBe('paused');
    expect(targetState({ targetId: 't1', enabledInRow: false, loaded: false, problems }).state).toBe('disabled');
  });

  it('reads the sweep cursor as completed or cut off', () => {
    const cursor = (targetIndex: number) => ({ cursor: { runId: 'sweep-1', startedAt: NOW, targets: [{ eventId: 'e1' }, { eventId: 'e2' }], targetIndex }, at: NOW });
    expect(sweepSummary(cursor(2))).toMatchObject({ completed: true, events: 2, eventsDone: 2 });
    expect(sweepSummary(cursor(1))).toMatchObject({ completed: false, events: 2, eventsDone: 1 });
    expect(sweepSummary(null)).toBeNull();
  });

  it('keeps secret values off the page, names and IDs on it', () => {
    const whsec = `whsec_${Buffer.from('k'.repeat(32)).toString('base64')}`;
    expect(scrubSecrets(`HTTP 401: bad signature with ${whsec}`)).toBe('HTTP 401: bad signature with [redacted]');
    expect(scrubSecrets('Authorization: Token abcdef123456 refused')).toBe('Authorization: [redacted] refused');
    expect(scrubSecrets(`key ${'A1b2'.repeat(10)} leaked`)).toBe('key [redacted] leaked');
    const plain = 'secret pretix-token is missing for 587d0467-7193-427f-9266-9695d282bbfb';
    expect(scrubSecrets(plain)).toBe(plain);
  });

  it('validates what the page sends', () => {
    expect(syncSectionInput.safeParse({ outboxView: 'dead', outboxPage: 3 }).success).toBe(true);
    expect(syncSectionInput.safeParse({ outboxView: 'all' }).success).toBe(false);
    expect(syncSectionInput.safeParse({ outboxPage: -1 }).success).toBe(false);
    expect(syncSectionInput.safeParse({ extra: 1 }).success).toBe(false);
    expect(retryInput.safeParse({ ids: [] }).success).toBe(false);
    expect(retryInput.safeParse({ ids: ['t1~d1'] }).success).toBe(true);
    expect(retryInput.safeParse({ all: true }).success).toBe(true);
    expect(retryInput.safeParse({ ids: ['<script>'] }).success).toBe(false);
    expect(testAlertInput.safeParse({ email: 'not-an-email', eventId: guid('e1') }).success).toBe(false);
  });
});

describe('control room sections', () => {
  it('the dry run becomes table rows without payloads', async () => {
    const w = world();
    w.defs.put(definition({ _id: 'd1', eventId: EV1, name: 'Early' }));
    const r = await syncEvent(w.deps, { eventId: EV1, dryRun: true });
    const rows = planRows(r.targets[0]!.plan);
    expect(rows).toEqual([{ action: 'create', definitionId: 'd1', name: 'Early', revision: expect.any(String), detail: 'new on the target' }]);
    expect(JSON.stringify(rows)).not.toContain('payload');
  });

  it('reads the sync section in the same number of calls for 10,000 outbox rows and 100 targets, one page at a time', async () => {
    const measure = async (targets: number, rows: number) => {
      const w = world();
      for (let t = 2; t <= targets; t++) seedConfig(w.cms, { targetId: `t${t}` });
      const outbox = w.cms.coll(C.SyncOutbox.id);
      for (let i = 0; i < rows; i++) {
        const id = `t1~d${String(i).padStart(5, '0')}`;
        outbox.set(id, { _id: id, targetId: 't1', definitionId: `d${i}`, eventId: EV1, externalEventId: 'x', action: 'upsert', revision: '1', payload: {}, payloadHash: '', idempotencyKey: id, state: 'dead', attempt: 3, enqueuedAt: NOW, firstFailureAt: new Date(Date.parse(NOW) - i * 1000).toISOString(), nextAttemptAt: NOW, lastError: `HTTP 500 #${i}`, retry: false } as any);
      }
      w.cms.calls = 0;
      const s = await syncSection(w.deps, { outboxView: 'dead', outboxPage: 2 });
      return { calls: w.cms.calls, s };
    };
    const few = await measure(100, 5);
    const big = await measure(100, 10_000);
    const one = await measure(1, 5);
    expect(big.s.outbox.total).toBe(10_000);
    expect(big.s.outbox.items).toHaveLength(25);
    expect(big.s.targets.total).toBe(100);
    expect(big.s.targets.items).toHaveLength(10);
    // Page 2 of the dead letters, oldest first failure first: rows 9,949 … 9,925 of 10,000.
    expect(big.s.outbox.items[0]!.lastError).toBe('HTTP 500 #9949');
    expect(big.s.targets.items[0]!.outbox.dead).toBe(10_000);
    // Reads never grow with the outbox rows; with the targets only by the 10 on the page (7 reads
    // each) and the configuration's 1,000-row pages.
    expect(big.calls).toBe(few.calls);
    expect(big.calls - one.calls).toBeLessThanOrEqual((10 - 1) * 7 + 3);
  });

  it('retry: a dead letter is re-queued from the definition as it is now and delivered; the count drops', async () => {
    const w = world();
    w.defs.put(definition({ _id: 'd1', eventId: EV1, name: 'Early' }));
    let down = true;
    const create = w.ext.create.bind(w.ext);
    w.ext.create = async (x) => { if (down) throw new ExternalCallError('POST /tickets → 422 bad', { kind: 'http', status: 422 }); return create(x); };
    await syncEvent(w.deps, { eventId: EV1 });
    await drainOutbox(w.deps); // the target refuses (422): a dead letter at once
    const before = await syncSection(w.deps, { outboxView: 'dead' });
    expect(before.outbox.items.map((r) => [r.definitionId, r.lastError])).toEqual([['d1', expect.stringMatching(/^HTTP 422: .*bad/)]]);
    down = false;
    const r = await retryDeadLetters(w.deps, { ids: ['t1~d1'] }, { deadline: w.clock.now().getTime() + 8000 });
    expect(r).toMatchObject({ ticked: 1, requeued: 1, delivered: 1, remainingDead: 0, notDead: [] });
    expect(w.ext.live().map((x) => x.definitionId)).toEqual(['d1']);
    const after = await syncSection(w.deps, { outboxView: 'dead' });
    expect(after.outbox.total).toBe(0);
    expect(after.targets.items[0]!.links.active).toBe(1);
    // A row that is not a dead letter is named, not retried.
    expect((await retryDeadLetters(w.deps, { ids: ['t1~d1'] }, { deadline: w.clock.now().getTime() + 8000 })).notDead).toEqual(['t1~d1']);
  });

  it('retry all: every dead letter is ticked, re-queued and delivered', async () => {
    const w = world();
    for (const id of ['d1', 'd2', 'd3']) w.defs.put(definition({ _id: id, eventId: EV1, name: id }));
    let down = true;
    const create = w.ext.create.bind(w.ext);
    w.ext.create = async (x) => { if (down) throw new ExternalCallError('POST /tickets → 400 no', { kind: 'http', status: 400 }); return create(x); };
    await syncEvent(w.deps, { eventId: EV1 });
    await drainOutbox(w.deps);
    expect((await syncSection(w.deps, { outboxView: 'dead' })).outbox.total).toBe(3);
    down = false;
    const r = await retryDeadLetters(w.deps, { all: true }, { deadline: w.clock.now().getTime() + 8000 });
    expect(r).toMatchObject({ ticked: 3, requeued: 3, delivered: 3, remainingDead: 0, callAgain: false });
    expect(w.ext.live().map((x) => x.definitionId).sort()).toEqual(['d1', 'd2', 'd3']);
  });

  it('alerts and counters sections render from empty collections', async () => {
    const w = world();
    const a = await alertsSection({ collections: w.cms, definitions: w.defs, clock: w.clock });
    expect(a).toEqual({ events: { items: [], total: 0, page: 0, pageSize: 10 }, lastSweep: null });
    const c = await countersSection({ collections: w.cms, clock: w.clock });
    expect(c).toEqual({ counters: { items: [], total: 0, page: 0, pageSize: 25 }, reads: { lastMinute: 0, budget: DEFAULT_READ_BUDGET.reads, windowMs: 60_000 }, lastRepair: null });
  });

  it('counts alert subscriptions and deliveries per event without reading them', async () => {
    const w = world();
    w.cms.coll(C.SaleAlertEvents.id).set('ev1', { _id: 'ev1', firstSubscribedAt: NOW } as any);
    const subs = w.cms.coll(C.SaleAlertSubscriptions.id);
    for (let i = 0; i < 300; i++) subs.set(`s${i}`, { _id: `s${i}`, eventId: 'ev1', status: i % 3 === 0 ? 'unsubscribed' : 'active' } as any);
    const dels = w.cms.coll(C.SaleAlertDeliveries.id);
    const st = ['sent', 'sent', 'failed', 'skipped', 'unknown'];
    for (let i = 0; i < 500; i++) dels.set(`x${i}`, { _id: `x${i}`, eventId: 'ev1', status: st[i % 5], nextAttemptAt: st[i % 5] === 'failed' && i % 2 === 0 ? NOW : null } as any);
    w.defs.put(definition({ _id: 'd1', eventId: 'ev1', name: 'Later', salePeriod: { startDate: '2025-04-01T10:00:00.000Z' } }));
    const a = await alertsSection({ collections: w.cms, definitions: w.defs, clock: w.clock });
    expect(a.events.items[0]).toEqual({
      eventId: 'ev1', firstSubscribedAt: NOW, subscriptions: { confirmed: 200, pending: 0, unsubscribed: 100 }, nextSaleStart: '2025-04-01T10:00:00.000Z', nextSaleStartError: null,
      deliveries: { sent: 200, failedRetryPlanned: 50, failedFinal: 50, pending: 0, skipped: 100, unknown: 100 },
    });
  });
});
