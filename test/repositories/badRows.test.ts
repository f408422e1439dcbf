// A malformed stored row, read through a repository: reported (a warning naming the collection, the
// item and what is wrong), left out, never cast; pages still count it, so cursors and skips move past it.
import { describe, expect, it } from 'vitest';
import { COLLECTIONS as C } from '../../backend/collections.js';
import type { Item, LoggerPort } from '../../backend/ports.js';
import { alertDeliveries } from '../../backend/repositories/alertDeliveries.js';
import { alertSubscriptions } from '../../backend/repositories/alertSubscriptions.js';
import { alertSweeps } from '../../backend/repositories/alertSweeps.js';
import { counterClaims } from '../../backend/repositories/counterClaims.js';
import { syncLinks } from '../../backend/repositories/syncLinks.js';
import { syncOutbox } from '../../backend/repositories/syncOutbox.js';
import { syncSettings } from '../../backend/repositories/syncSettings.js';
import { ticketCounters } from '../../backend/repositories/ticketCounters.js';
import { MemoryCollections } from '../support/memoryCollections.js';

const AT = '2026-03-01T10:00:00.000Z';

type Row = Record<string, unknown> & { _id: string };
const put = (collections: MemoryCollections, collection: string, ...rows: Row[]) => { for (const r of rows) collections.coll(collection).set(r._id, r as Item); };

function store() {
  const warnings: { msg: string; data?: Record<string, unknown> }[] = [];
  const logger: LoggerPort = { info: () => {}, error: () => {}, warn: (msg, data) => { warnings.push({ msg, data }); } };
  return { deps: { collections: new MemoryCollections(), logger }, warnings };
}

const delivery = (id: string, extra: Record<string, unknown> = {}) => ({
  _id: id, subscriptionId: 'sa_1', definitionId: id, eventId: 'ev1', channel: 'email', status: 'failed', saleStart: AT, claimedAt: AT,
  finishedAt: AT, error: 'x', attempts: 1, lastAttemptAt: AT, nextAttemptAt: AT, ...extra,
});
const subscription = (id: string, extra: Record<string, unknown> = {}) => ({
  _id: id, email: `${id}@x.io`, eventId: 'ev1', channels: ['email'], push: null, contactId: 'c', status: 'active', consentAt: AT, unsubscribedAt: null, updatedAt: AT, ...extra,
});
const link = (id: string, extra: Record<string, unknown> = {}) => ({
  _id: `t1~${id}`, targetId: 't1', definitionId: id, eventId: 'ev1', externalEventId: 'x1', externalId: `e-${id}`, lastRevision: '1', status: 'active', linkedAt: AT, updatedAt: AT, ...extra,
});

describe('bad rows read through a repository', () => {
  it('a link: reported with what is wrong, read as absent; the event\'s other links still come back', async () => {
    const { deps, warnings } = store();
    put(deps.collections, C.SyncLinks.id, link('d1', { status: 'gone' }), link('d2'));
    const links = syncLinks(deps);
    expect(await links.get('t1', 'd1')).toBeNull();
    expect((await links.ofEvent('t1', 'ev1')).map((l) => l.definitionId)).toEqual(['d2']);
    expect(warnings[0]).toEqual({ msg: 'Ignoring a malformed SyncLinks item', data: { id: 't1~d1', problem: expect.stringMatching(/^SyncLinks item t1~d1 is not valid: status: /) } });
  });

  it('an outbox slot: not delivered, and the due ones around it are', async () => {
    const { deps, warnings } = store();
    const slot = (id: string, extra: Record<string, unknown> = {}) => ({
      _id: id, targetId: 't1', definitionId: id, eventId: 'ev1', externalEventId: 'x1', action: 'upsert', revision: '1', idempotencyKey: `k-${id}`,
      state: 'pending', attempt: 0, enqueuedAt: AT, nextAttemptAt: AT, ...extra,
    });
    put(deps.collections, C.SyncOutbox.id, slot('a'), slot('b', { attempt: 'twice' }), slot('c'));
    expect((await syncOutbox(deps).due(new Date(AT), 10)).map((s) => s._id)).toEqual(['a', 'c']);
    expect(warnings.map((w) => w.data?.problem)).toEqual([expect.stringMatching(/^SyncOutbox item b is not valid: attempt: /)]);
  });

  it('a failed delivery: left out of the retry page, but counted in what the page read (the next skip steps over it)', async () => {
    const { deps, warnings } = store();
    put(deps.collections, C.SaleAlertDeliveries.id, delivery('d1'), delivery('d2', { channel: 'sms' }), delivery('d3'));
    const page = await alertDeliveries(deps).dueForRetry(new Date(AT), 10, 0);
    expect(page.rows.map((d) => d._id)).toEqual(['d1', 'd3']);
    expect(page.read).toBe(3);
    expect(warnings[0]!.data?.problem).toMatch(/^SaleAlertDeliveries item d2 is not valid: channel: /);
  });

  it('a subscription: not alerted, and the page\'s last ID is the stored one (the sweep cursor moves past it)', async () => {
    const { deps, warnings } = store();
    put(deps.collections, C.SaleAlertSubscriptions.id, subscription('sa_a'), subscription('sa_b', { channels: 'email' }));
    const page = await alertSubscriptions(deps).activePage('ev1', null, 500);
    expect(page).toMatchObject({ lastId: 'sa_b', read: 2 });
    expect(page.rows.map((s) => s._id)).toEqual(['sa_a']);
    expect(await alertSubscriptions(deps).get('sa_b')).toBeNull();
    expect(warnings.map((w) => w.data?.id)).toEqual(['sa_b', 'sa_b']);
  });

  it('a sweep cursor that is not one: no run in progress (the next sweep plans afresh)', async () => {
    const { deps, warnings } = store();
    put(deps.collections, C.SaleAlertSweeps.id, { _id: 'cursor', cursor: { runId: 'r', targets: 'ev1' }, at: AT });
    expect(await alertSweeps(deps).cursorRow()).toBeNull();
    expect(warnings[0]!.data?.problem).toMatch(/^SaleAlertSweeps item cursor is not valid: cursor\./);
  });

  it('a counter snapshot: not shown, so getCounters reads the definition again', async () => {
    const { deps, warnings } = store();
    put(deps.collections, C.TicketCounters.id, { _id: 'd1:fixed', definitionId: 'd1', sold: 'many' });
    expect(await ticketCounters(deps).ofDefinitions(['d1'])).toEqual([]);
    expect(warnings[0]!.data?.problem).toMatch(/^TicketCounters item d1:fixed is not valid: /);
  });

  it('a missing-definition marker of another kind: not a marker (the ID is looked up again)', async () => {
    const { deps } = store();
    put(deps.collections, C.CounterClaims.id, { _id: 'missing:d1', kind: 'gone', at: AT }, { _id: 'missing:d2', kind: 'missing', definitionId: 'd2', at: AT });
    expect([...(await counterClaims(deps).missingMarks(['d1', 'd2'])).keys()]).toEqual(['d2']);
  });

  it('settings rows: a bad target or event mapping comes back as the owner-facing problem, in order', async () => {
    const { deps } = store();
    put(deps.collections, C.SyncTargets.id, { _id: 't1', kind: 'ftp', baseUrl: 'https://pretix.eu/api/v1', secretName: 'SYNC_TOKEN' });
    put(deps.collections, C.SyncEventMappings.id, { _id: 'm1', targetId: 't1', eventId: 'ev1' });
    const rows = await syncSettings(deps).readAll();
    expect(rows.targets).toEqual([{ ok: false, problem: expect.stringMatching(/^Sync target t1: kind: kind must be one of: pretix, signedRest/) }]);
    expect(rows.events).toEqual([{ ok: false, problem: expect.stringMatching(/^Event mapping m1: externalEventId/) }]);
  });
});
