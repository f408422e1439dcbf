// Connectors against local servers that follow the vendors' documented APIs.
import { afterEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { pretixConnector } from '../../backend/connectors/pretix.js';
import { signedRestConnector } from '../../backend/connectors/signedRest.js';
import { syncTargetFactory } from '../../backend/connectors/syncTargetFactory.js';
import { RatePacer } from '../../backend/connectors/syncHttp.js';
import { ExternalCallError } from '../../backend/ports.js';
import { PretixServer } from '../vendors/pretixServer.js';
import { SignedRestReceiver } from '../vendors/signedRestReceiver.js';
import { ManualClock } from '../support/clocks.js';
import { MemorySecrets } from '../support/secrets.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => { while (closers.length) await closers.pop()!(); });

async function pretix(opts: ConstructorParameters<typeof PretixServer>[0] = {}) {
  const s = new PretixServer(opts);
  s.addEvent('conf');
  const baseUrl = await s.start();
  closers.push(() => s.close());
  return { s, conn: pretixConnector({ baseUrl, organizer: 'demo', token: s.token, timeoutMs: 500 }) };
}

const payload = (over: Record<string, unknown> = {}) => ({
  name: { en: 'VIP' }, default_price: '30.00', active: true, internal_name: 'wix:d1',
  variations: [{ optionId: 'o1', name: 'Adult', price: { value: '30', currency: 'EUR' } }, { optionId: 'o2', name: 'Child', price: { value: '15.5', currency: 'EUR' } }],
  quota: { size: 100 }, ...over,
});

describe('Pretix connector', () => {
  it('creates item with inline variations and a quota; a replayed create does not duplicate', async () => {
    const { s, conn } = await pretix();
    const w = { definitionId: 'd1', externalEventId: 'conf', payload: payload(), idempotencyKey: 'k1' };
    const r = await conn.create(w);
    const again = await conn.create(w);
    expect(again.externalId).toBe(r.externalId);
    expect(s.allItems()).toHaveLength(1);
    const item = s.allItems()[0]!;
    expect(item.variations.map((v) => [v.value.en, v.default_price])).toEqual([['Adult', '30.00'], ['Child', '15.50']]);
    const q = s.quotaOf(item.id)!;
    expect(q).toMatchObject({ size: 100, items: [item.id], variations: item.variations.map((v) => v.id) });
    expect(s.stats.idempotentReplays).toBe(2);
  });

  it('updates through the item, variation and quota endpoints; new options become variations, removed ones inactive', async () => {
    const { s, conn } = await pretix();
    const c = await conn.create({ definitionId: 'd1', externalEventId: 'conf', payload: payload(), idempotencyKey: 'k1' });
    const p2 = payload({ name: { en: 'VIP+' }, variations: [{ optionId: 'o1', name: 'Adult', price: { value: '35', currency: 'EUR' } }, { optionId: 'o3', name: 'Senior', price: { value: '20', currency: 'EUR' } }], quota: { size: 120 } });
    const u = await conn.update({ definitionId: 'd1', externalEventId: 'conf', payload: p2, idempotencyKey: 'k2', link: c });
    const item = s.allItems()[0]!;
    expect(item.name.en).toBe('VIP+');
    expect(item.variations.map((v) => [v.value.en, v.default_price, v.active])).toEqual([['Adult', '35.00', true], ['Child', '15.50', false], ['Senior', '20.00', true]]);
    expect(s.quotaOf(item.id)!.size).toBe(120);
    expect(u.warnings).toEqual([]);
  });

  it('warns and does not push a capacity lower than already sold', async () => {
    const { s, conn } = await pretix();
    const c = await conn.create({ definitionId: 'd1', externalEventId: 'conf', payload: payload(), idempotencyKey: 'k1' });
    s.sell((c.refs as any).quotaId, 40);
    const u = await conn.update({ definitionId: 'd1', externalEventId: 'conf', payload: payload({ quota: { size: 30 } }), idempotencyKey: 'k2', link: c });
    expect(u.warnings?.[0]).toMatch(/capacity 30 not pushed: Pretix already sold 40/);
    expect(s.quotaOf(Number(c.externalId))!.size).toBe(100);
    const ok = await conn.update({ definitionId: 'd1', externalEventId: 'conf', payload: payload({ quota: { size: 50 } }), idempotencyKey: 'k3', link: { ...c, refs: u.refs } });
    expect(ok.warnings).toEqual([]);
    expect(s.quotaOf(Number(c.externalId))!.size).toBe(50);
  });

  it('delete: removes item and quota; an ordered item is deactivated instead, with a warning', async () => {
    const { s, conn } = await pretix();
    const a = await conn.create({ definitionId: 'a', externalEventId: 'conf', payload: payload(), idempotencyKey: 'ka' });
    const b = await conn.create({ definitionId: 'b', externalEventId: 'conf', payload: payload(), idempotencyKey: 'kb' });
    s.sell((b.refs as any).quotaId, 1);
    expect(await conn.remove({ definitionId: 'a', externalEventId: 'conf', link: a, mode: 'delete', idempotencyKey: 'da' })).toEqual({});
    const rb = await conn.remove({ definitionId: 'b', externalEventId: 'conf', link: b, mode: 'delete', idempotencyKey: 'db' });
    expect(rb.warnings?.[0]).toMatch(/deactivated instead of deleted/);
    expect(s.allItems().map((i) => [i.id, i.active])).toEqual([[Number(b.externalId), false]]);
  });

  it('lists items across 50-result pages', async () => {
    const { conn } = await pretix();
    for (let i = 0; i < 120; i++) await conn.create({ definitionId: `d${i}`, externalEventId: 'conf', payload: payload({ variations: [], quota: { size: null } }), idempotencyKey: `k${i}` });
    expect(await conn.listExternalIds!('conf')).toHaveLength(120);
  });

  it('maps errors: 401 bad token, 400 validation, 429 with Retry-After, timeout', async () => {
    const s = new PretixServer({ rateLimit: { limit: 2, windowMs: 60_000 } });
    s.addEvent('conf');
    const baseUrl = await s.start();
    closers.push(() => s.close());
    const bad = pretixConnector({ baseUrl, organizer: 'demo', token: 'nope' });
    await expect(bad.create({ definitionId: 'd', externalEventId: 'conf', payload: payload(), idempotencyKey: 'x' })).rejects.toMatchObject({ failure: { kind: 'http', status: 401 } });
    const conn = pretixConnector({ baseUrl, organizer: 'demo', token: s.token, timeoutMs: 300 });
    await expect(conn.create({ definitionId: 'd', externalEventId: 'conf', payload: { name: {} }, idempotencyKey: 'y' })).rejects.toMatchObject({ failure: { kind: 'http', status: 400 } });
    await conn.listExternalIds!('conf');
    const e = await conn.listExternalIds!('conf').catch((x) => x);
    expect(e).toBeInstanceOf(ExternalCallError);
    expect(e.failure).toMatchObject({ kind: 'http', status: 429 });
    expect(e.failure.retryAfterMs).toBeGreaterThanOrEqual(1000);
    s.rateLimit = null;
    s.faults.push('timeout');
    await expect(conn.create({ definitionId: 'd', externalEventId: 'conf', payload: payload(), idempotencyKey: 'z' })).rejects.toMatchObject({ failure: { kind: 'timeout' } });
  });

  it('the factory reads the token from secrets and paces to the rate budget', async () => {
    const s = new PretixServer({ rateLimit: { limit: 10, windowMs: 1000 } });
    s.addEvent('conf');
    const baseUrl = await s.start();
    closers.push(() => s.close());
    const f = syncTargetFactory({ secrets: new MemorySecrets({ 'SYNC_PRETIX_TOKEN': s.token }), inlineRetries: 3, localWix: true });
    const conn = await f.connect({ _id: 't', kind: 'pretix', baseUrl, secretName: 'SYNC_PRETIX_TOKEN', deleteBehaviour: 'delete', options: { organizer: 'demo', ratePerMinute: 600 } });
    for (let i = 0; i < 15; i++) await conn.create({ definitionId: `d${i}`, externalEventId: 'conf', payload: payload({ variations: [], quota: { size: 1 } }), idempotencyKey: `k${i}` });
    // 30 calls against a limit of 10 a second, none refused: the factory's connector paced them.
    // (The pace achieved against a real budget is bench/sync.bench.ts's to report.)
    expect(s.stats.requests).toBe(30);
    expect(s.stats.throttled).toBe(0);
    await expect(f.connect({ _id: 't', kind: 'pretix', baseUrl, secretName: 'SYNC_PRETIX_TOKEN', deleteBehaviour: 'delete', options: {} })).rejects.toThrow(/options.organizer|organizer/);
  });
});

describe('signed REST connector', () => {
  const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
  async function receiver() {
    const r = new SignedRestReceiver(secret);
    const baseUrl = await r.start();
    closers.push(() => r.close());
    return { r, conn: signedRestConnector({ baseUrl, secret, timeoutMs: 500 }) };
  }
  it('creates, updates, deactivates and deletes with verified signatures; replays are not re-applied', async () => {
    const { r, conn } = await receiver();
    const w = { definitionId: 'd1', externalEventId: 'ev 1', payload: { name: 'VIP' }, idempotencyKey: 'k1' };
    const c = await conn.create(w);
    expect(await conn.create(w)).toEqual(c);
    expect(r.stats).toMatchObject({ applied: 1, replays: 1, rejected: 0 });
    await conn.update({ ...w, payload: { name: 'VIP 2' }, idempotencyKey: 'k2', link: c });
    expect(r.tickets.get(c.externalId)).toMatchObject({ eventId: 'ev 1', body: { name: 'VIP 2' } });
    await conn.remove({ definitionId: 'd1', externalEventId: 'ev 1', link: c, mode: 'deactivate', idempotencyKey: 'k3' });
    expect(r.tickets.get(c.externalId)!.active).toBe(false);
    expect(await conn.listExternalIds!('ev 1')).toEqual([c.externalId]);
    await conn.remove({ definitionId: 'd1', externalEventId: 'ev 1', link: c, mode: 'delete', idempotencyKey: 'k4' });
    expect(r.tickets.size).toBe(0);
  });
  it('a wrong secret is refused by the receiver (401, not retried)', async () => {
    const { r } = await receiver();
    const wrong = signedRestConnector({ baseUrl: r.baseUrl, secret: `whsec_${Buffer.from('x'.repeat(32)).toString('base64')}` });
    await expect(wrong.create({ definitionId: 'd', externalEventId: 'e', payload: {}, idempotencyKey: 'k' })).rejects.toMatchObject({ failure: { kind: 'http', status: 401 } });
    expect(r.stats.rejected).toBe(1);
  });
  it('signatures verify with the reference implementation', () => {
    const wh = new Webhook(secret);
    const ts = new Date();
    const sig = wh.sign('msg_1', ts, '{"a":1}');
    expect(wh.verify('{"a":1}', { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(ts.getTime() / 1000)), 'webhook-signature': sig })).toEqual({ a: 1 });
  });
});

describe('rate pacer', () => {
  it('spaces calls at the budget', async () => {
    const clock = new ManualClock('2025-03-01T09:00:00Z');
    const p = new RatePacer(600, 1, clock);
    const at: number[] = [];
    for (let i = 0; i < 6; i++) { await p.take(); at.push(clock.t); }
    // 600 a minute with no burst: one call every 100 ms.
    expect(at.slice(1).map((t, i) => t - at[i]!)).toEqual([100, 100, 100, 100, 100]);
  });
});
