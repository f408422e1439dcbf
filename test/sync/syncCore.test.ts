// Pure sync core: money, transforms, row checks, mapping engine, planning and outbox policy.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TicketDef } from '../../backend/core/ticketDefinition.js';
import { eventbriteCost, fromMinorUnits, MoneyError, normalizeDecimal, toMinorUnits } from '../../backend/core/sync/money.js';
import { compileTransform } from '../../backend/core/sync/transforms.js';
import { checkMappingRow, checkMappingSet } from '../../backend/core/sync/mappingRows.js';
import { applyMappings, describeMappingError } from '../../backend/core/sync/mappingEngine.js';
import { defaultMappingRows, MAPPING_PRESETS } from '../../backend/core/sync/defaultMappings.js';
import { planDefinition, planGone, planSync, planTable, summarizePlan } from '../../backend/core/sync/planSync.js';
import { afterFailure, backoffMs, DEFAULT_OUTBOX_POLICY, idempotencyKey, isRetryable, mergeChange, parseRetryAfter } from '../../backend/core/sync/outboxPolicy.js';
import { payloadHash } from '../../backend/core/sync/payloadHash.js';
import type { SyncLink } from '../../backend/core/sync/syncRows.js';
import { syncTargetRowSchema } from '../../backend/core/sync/syncRows.js';
import { definition } from '../support/ticketDefinitions.js';

const env = (def: TicketDef = definition({ _id: 'd1' })) => ({ def, source: { externalEventId: 'ext-ev' } });

describe('money', () => {
  it.each([
    ['25.00', 'USD', 2500n], ['25.5', 'USD', 2550n], ['0', 'USD', 0n], ['1000', 'JPY', 1000n], ['1.000', 'JPY', 1n],
    ['1.234', 'KWD', 1234n], ['19.990', 'EUR', 1999n], ['-3.10', 'EUR', -310n], ['90071992547409.93', 'USD', 9007199254740993n],
  ])('%s %s → %s minor units', (v, c, want) => expect(toMinorUnits(v, c)).toBe(want));

  it.each([['25.005', 'USD'], ['1.5', 'JPY'], ['abc', 'USD'], ['1e3', 'USD'], ['25.00', 'US']])('refuses %s %s', (v, c) => {
    expect(() => toMinorUnits(v, c)).toThrow(MoneyError);
  });

  it('formats for Eventbrite and normalises decimals', () => {
    expect(eventbriteCost({ value: '20.00', currency: 'usd' })).toBe('USD,2000');
    expect(eventbriteCost({ value: '1500', currency: 'JPY' })).toBe('JPY,1500');
    expect(normalizeDecimal('7.5', 'EUR')).toBe('7.50');
    expect(fromMinorUnits(5n, 'USD')).toBe('0.05');
  });

  it('round-trips any amount exactly (property)', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.constantFrom('USD', 'JPY', 'KWD', 'EUR'), (n, cur) => {
      expect(toMinorUnits(fromMinorUnits(n, cur), cur)).toBe(n);
    }), { numRuns: 300 });
  });

  it('agrees with digit arithmetic where floats would not (property)', () => {
    fc.assert(fc.property(fc.nat({ max: 10_000_000 }), fc.nat({ max: 99 }), (whole, cents) => {
      const v = `${whole}.${String(cents).padStart(2, '0')}`;
      expect(toMinorUnits(v, 'USD')).toBe(BigInt(whole) * 100n + BigInt(cents));
    }), { numRuns: 300 });
  });
});

describe('transforms', () => {
  const run = (name: Parameters<typeof compileTransform>[0], arg: string | null, v: unknown, def?: TicketDef) => compileTransform(name, arg).run(v, env(def));
  it.each<[Parameters<typeof compileTransform>[0], string | null, unknown, unknown]>([
    ['moneyToMinor', null, { value: '12.34', currency: 'USD' }, 1234],
    ['moneyToMinor', 'JPY', '500', 500],
    ['moneyToDecimal', null, { value: '5', currency: 'EUR' }, '5.00'],
    ['moneyToEventbrite', null, { value: '20.00', currency: 'USD' }, 'USD,2000'],
    ['dateToIsoUtc', null, '2025-06-01T12:00:00+02:00', '2025-06-01T10:00:00.000Z'],
    ['dateToIsoUtc', null, null, null],
    ['not', null, true, false],
    ['constant', 'true', 'anything', true],
    ['constant', 'Admission', null, 'Admission'],
    ['lookup', '{"FEE_INCLUDED": "incl", "*": "excl"}', 'FEE_INCLUDED', 'incl'],
    ['lookup', '{"FEE_INCLUDED": "incl", "*": "excl"}', 'NO_FEE', 'excl'],
    ['number', null, '12', 12],
    ['none', null, [1], [1]],
  ])('%s(%s) of %j → %j', (name, arg, v, want) => expect(run(name, arg, v)).toEqual(want));

  it('template reads source paths', () => {
    expect(run('template', '{name} – {price} ({value})', 'x', definition({ _id: 'd1', name: 'VIP' }))).toBe('VIP – 25.00 USD (x)');
  });
  it('lookup without a match names the keys', () => {
    expect(() => run('lookup', '{"A": 1}', 'B')).toThrow(/not in the lookup table \(keys: A\)/);
  });
  it('not refuses non-booleans', () => expect(() => run('not', null, 'yes')).toThrow(/true or false/));
});

describe('mapping rows (what the before-hook says)', () => {
  const row = (over: Record<string, unknown>) => ({ _id: 'r1', targetId: 't1', sourcePath: 'name', targetField: 'name.en', ...over });
  it('accepts a good row', () => expect(checkMappingRow(row({})).ok).toBe(true));
  it('unknown source path: suggests and lists the valid ones', () => {
    const c = checkMappingRow(row({ sourcePath: 'nmae' }));
    expect(c.ok).toBe(false);
    const msg = !c.ok ? c.errors.join(' ') : '';
    expect(msg).toContain('Did you mean "name"');
    expect(msg).toContain('Valid source paths: id (');
    expect(msg).toContain('salePeriod.startDate');
  });
  it('unknown transform: lists the known ones', () => {
    const c = checkMappingRow(row({ transform: 'toCents' }));
    const msg = !c.ok ? c.errors.join(' ') : '';
    expect(msg).toContain('Transform "toCents" is not known');
    expect(msg).toContain('moneyToMinor (');
    expect(msg).toContain('template (');
  });
  it('bad transform argument says what is expected', () => {
    const c = checkMappingRow(row({ transform: 'lookup', transformArg: '{oops' }));
    expect(!c.ok && c.errors[0]).toMatch(/JSON object/);
    const t = checkMappingRow(row({ transform: 'template', transformArg: '{nam}' }));
    expect(!t.ok && t.errors[0]).toMatch(/unknown placeholder \{nam\}/);
  });
  it('argument on a transform without one is refused', () => {
    expect(checkMappingRow(row({ transform: 'not', sourcePath: 'hidden', transformArg: 'x' })).ok).toBe(false);
  });
  it('bad target field and missing fields', () => {
    expect(checkMappingRow(row({ targetField: 'name..en' })).ok).toBe(false);
    const c = checkMappingRow({ _id: 'r', targetId: '', sourcePath: 'name' });
    expect(!c.ok && c.errors.join(' ')).toMatch(/targetId: choose the sync target.*targetField/);
  });
  it('a set refuses two rows writing the same or an overlapping field', () => {
    const s = checkMappingSet([row({}), row({ _id: 'r2', sourcePath: 'description' }), row({ _id: 'r3', targetField: 'name' })]);
    expect(s.mappings).toHaveLength(1);
    expect(s.errors.map((e) => e.rowId)).toEqual(['r2', 'r3']);
  });
  it('every default mapping is valid', () => {
    for (const preset of Object.keys(MAPPING_PRESETS) as (keyof typeof MAPPING_PRESETS)[]) {
      const s = checkMappingSet(defaultMappingRows('t1', preset));
      expect(s.errors, preset).toEqual([]);
    }
  });
  it('target rows: secret name, not the secret', () => {
    const r = syncTargetRowSchema.safeParse({ _id: 't', kind: 'pretix', baseUrl: 'https://pretix.eu/api/v1', secretName: 'whsec_abc' });
    expect(r.success).toBe(false);
    expect(syncTargetRowSchema.safeParse({ _id: 't', kind: 'eventbrite', baseUrl: 'https://x', secretName: 'k' }).error?.issues[0]?.message).toMatch(/kind must be one of/);
  });
});

describe('mapping engine', () => {
  const pretix = checkMappingSet(defaultMappingRows('t1', 'pretix')).mappings;
  it('maps the Pretix defaults', () => {
    const def = definition({
      _id: 'd1', name: 'VIP', hidden: false, limitPerCheckout: 4, actualLimit: 50, initialLimit: 50,
      salePeriod: { startDate: '2025-05-01T10:00:00.000Z', endDate: null },
      pricingMethod: { pricingOptions: { optionDetails: [{ optionId: 'o1', name: 'Adult', price: { value: '30', currency: 'EUR' } }] } },
    });
    const r = applyMappings(def, pretix, { externalEventId: 'conf' });
    expect(r).toEqual({ ok: true, payload: {
      name: { en: 'VIP' }, description: { en: null }, default_price: '30.00', active: true, free_price: false,
      available_from: '2025-05-01T10:00:00.000Z', available_until: null, max_per_order: 4, internal_name: 'wix:d1', admission: true,
      variations: [{ optionId: 'o1', name: 'Adult', price: { value: '30', currency: 'EUR' } }], quota: { size: 50 },
    } });
  });
  it('a failing row names the row and the definition; no partial payload', () => {
    const rows = checkMappingSet([
      { _id: 'price-row', targetId: 't', sourcePath: 'price', targetField: 'cost', transform: 'moneyToMinor' },
      { _id: 'desc-row', targetId: 't', sourcePath: 'description', targetField: 'description', required: true },
    ]).mappings;
    const r = applyMappings(definition({ _id: 'd9', name: 'Odd', pricingMethod: { fixedPrice: { value: '1.005', currency: 'USD' } } }), rows, { externalEventId: 'e' });
    expect(r.ok).toBe(false);
    const msgs = !r.ok ? r.errors.map(describeMappingError) : [];
    expect(msgs[0]).toBe('Mapping row price-row (price → cost) failed for ticket definition "Odd" (d9): "1.005" has more decimals than USD allows (2)');
    expect(msgs[1]).toMatch(/row desc-row .*required/);
  });
  it('defaults fill empty values', () => {
    const rows = checkMappingSet([{ _id: 'r', targetId: 't', sourcePath: 'description', targetField: 'd', default: 'n/a' }]).mappings;
    expect(applyMappings(definition({ _id: 'd' }), rows, { externalEventId: 'e' })).toEqual({ ok: true, payload: { d: 'n/a' } });
  });
});

const link = (over: Partial<SyncLink> & { definitionId: string }): SyncLink => ({
  _id: `t~${over.definitionId}`, targetId: 't', eventId: 'ev1', externalEventId: 'x', externalId: `ext-${over.definitionId}`, refs: {},
  lastRevision: '1', payloadHash: '', status: 'active', lastError: null, warnings: [], linkedAt: '', updatedAt: '', ...over,
});
const mapped = (def: TicketDef) => ({ def, mapped: { ok: true as const, payload: { name: def.name } } });

describe('planSync', () => {
  const hashOf = (name: string) => payloadHash({ name });
  it.each<[string, TicketDef, SyncLink | null, 'trigger' | 'reconcile', string]>([
    ['new definition', definition({ _id: 'a' }), null, 'trigger', 'create'],
    ['newer revision', definition({ _id: 'a', revision: '3', name: 'B' }), link({ definitionId: 'a', lastRevision: '2', payloadHash: hashOf('A') }), 'trigger', 'update'],
    ['same revision, trigger', definition({ _id: 'a', revision: '2', name: 'B' }), link({ definitionId: 'a', lastRevision: '2' }), 'trigger', 'unchanged'],
    ['same revision, mapping changed, reconcile', definition({ _id: 'a', revision: '2', name: 'B' }), link({ definitionId: 'a', lastRevision: '2', payloadHash: hashOf('A') }), 'reconcile', 'update'],
    ['same payload', definition({ _id: 'a', revision: '5', name: 'A' }), link({ definitionId: 'a', lastRevision: '2', payloadHash: hashOf('A') }), 'reconcile', 'unchanged'],
    ['stale read (10 < 9 as strings)', definition({ _id: 'a', revision: '9' }), link({ definitionId: 'a', lastRevision: '10' }), 'reconcile', 'unchanged'],
    ['deleted link is never resurrected', definition({ _id: 'a', revision: '99' }), link({ definitionId: 'a', status: 'deleted' }), 'reconcile', 'unchanged'],
    ['failed link at same revision is retried', definition({ _id: 'a', revision: '2', name: 'A' }), link({ definitionId: 'a', lastRevision: '2', status: 'failed', payloadHash: hashOf('A') }), 'trigger', 'update'],
  ])('%s → %s', (_n, def, l, mode, want) => expect(planDefinition(mapped(def), l, mode).kind).toBe(want));

  it('gone definitions are deleted once, per delete behaviour', () => {
    expect(planGone('a', link({ definitionId: 'a' }), 'deactivate')).toMatchObject({ kind: 'delete', mode: 'deactivate' });
    expect(planGone('a', link({ definitionId: 'a', status: 'deleted' }), 'delete').kind).toBe('unchanged');
    expect(planGone('a', null, 'delete').kind).toBe('unchanged');
  });

  it('plans a whole event; deletes only from a complete listing; prints a table', () => {
    const defs = [definition({ _id: 'a', name: 'A' }), definition({ _id: 'b', name: 'B' })].map(mapped);
    const links = [link({ definitionId: 'b', payloadHash: hashOf('B') }), link({ definitionId: 'gone' })];
    const partial = planSync({ definitions: defs, links, deleteBehaviour: 'delete', complete: false });
    expect(summarizePlan(partial)).toMatchObject({ create: 1, unchanged: 1, delete: 0 });
    const full = planSync({ definitions: defs, links, deleteBehaviour: 'delete', complete: true });
    expect(full.map((a) => `${a.kind}:${a.definitionId}`)).toEqual(['create:a', 'unchanged:b', 'delete:gone']);
    expect(planTable(full).split('\n')[0]).toMatch(/^action\s+definition\s+name/);
  });

  it('never plans a create for a linked definition nor anything for a deleted one (property)', () => {
    const arb = fc.array(fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd'), rev: fc.nat(20), linkRev: fc.option(fc.nat(20)), deleted: fc.boolean(), present: fc.boolean() }), { maxLength: 8 });
    fc.assert(fc.property(arb, (cases) => {
      const byId = new Map<string, (typeof cases)[number]>(cases.map((c) => [c.id, c]));
      const defs = [...byId.values()].filter((c) => c.present).map((c) => mapped(definition({ _id: c.id, revision: String(c.rev) })));
      const links = [...byId.values()].filter((c) => c.linkRev !== null).map((c) => link({ definitionId: c.id, lastRevision: String(c.linkRev), status: c.deleted ? 'deleted' : 'active' }));
      const plan = planSync({ definitions: defs, links, deleteBehaviour: 'delete', complete: true, mode: 'trigger' });
      for (const a of plan) {
        const c = byId.get(a.definitionId)!;
        if (c.linkRev !== null) expect(a.kind).not.toBe('create');
        if (c.linkRev !== null && c.deleted) expect(a.kind).toBe('unchanged');
        if (a.kind === 'update') expect(c.rev).toBeGreaterThan(c.linkRev!);
      }
      expect(new Set(plan.map((a) => a.definitionId)).size).toBe(plan.length);
    }), { numRuns: 300 });
  });
});

describe('outbox policy', () => {
  const now = new Date('2025-01-01T00:00:00Z');
  it('idempotency key: one per change', () => {
    const c = { targetId: 't', definitionId: 'd', action: 'upsert' as const, revision: '3', payloadHash: 'h' };
    expect(idempotencyKey(c)).toBe(idempotencyKey({ ...c }));
    expect(idempotencyKey(c)).not.toBe(idempotencyKey({ ...c, revision: '4' }));
    expect(idempotencyKey(c)).not.toBe(idempotencyKey({ ...c, action: 'delete' }));
    expect(idempotencyKey(c)).toMatch(/^tf-[0-9a-f]{28}$/);
  });
  it.each([
    [{ kind: 'http', status: 500 }, true], [{ kind: 'http', status: 429 }, true], [{ kind: 'http', status: 503 }, true], [{ kind: 'http', status: 409 }, true],
    [{ kind: 'http', status: 400 }, false], [{ kind: 'http', status: 404 }, false], [{ kind: 'timeout' }, true], [{ kind: 'network' }, true], [{ kind: 'mapping' }, false],
  ] as const)('%j retryable: %s', (f, want) => expect(isRetryable(f)).toBe(want));
  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
  it('Retry-After wins over a shorter backoff on 429/503', () => {
    const r = afterFailure({ attempt: 0, firstFailureAt: null }, { kind: 'http', status: 429, retryAfterMs: 60_000 }, now, 0.5);
    expect(r).toEqual({ next: 'retry', attempt: 1, at: new Date(now.getTime() + 60_000) });
  });
  it('dead-letters after the bound, and at once on a refusal', () => {
    const old = new Date(now.getTime() - DEFAULT_OUTBOX_POLICY.deadLetterAfterMs).toISOString();
    expect(afterFailure({ attempt: 12, firstFailureAt: old }, { kind: 'http', status: 500 }, now, 0.5).next).toBe('dead');
    expect(afterFailure({ attempt: 0, firstFailureAt: null }, { kind: 'http', status: 422 }, now, 0.5).next).toBe('dead');
  });
  it('backoff grows, is jittered within [d/2, d] and capped (property)', () => {
    fc.assert(fc.property(fc.nat(40), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
      const d = Math.min(DEFAULT_OUTBOX_POLICY.maxDelayMs, DEFAULT_OUTBOX_POLICY.baseDelayMs * 2 ** Math.min(attempt, 30));
      const b = backoffMs(attempt, r);
      expect(b).toBeGreaterThanOrEqual(Math.floor(d / 2));
      expect(b).toBeLessThanOrEqual(d);
    }), { numRuns: 300 });
  });
  it('every retry schedule ends in a dead letter within the bound (property)', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 200, maxLength: 200 }), (rs) => {
      let item = { attempt: 0, firstFailureAt: null as string | null };
      let t = now.getTime();
      for (const r of rs) {
        const res = afterFailure(item, { kind: 'http', status: 503 }, new Date(t), r);
        if (res.next === 'dead') {
          expect(t - now.getTime()).toBeLessThanOrEqual(DEFAULT_OUTBOX_POLICY.deadLetterAfterMs);
          return;
        }
        item = { attempt: res.attempt, firstFailureAt: item.firstFailureAt ?? new Date(t).toISOString() };
        t = res.at.getTime();
      }
      throw new Error('never dead-lettered');
    }), { numRuns: 200 });
  });
  it('merge: delete wins and is never replaced; older or identical upserts do not replace', () => {
    const up = (revision: string, payloadHash = 'h') => ({ targetId: 't', definitionId: 'd', action: 'upsert' as const, revision, payloadHash });
    expect(mergeChange(null, up('1'))).toBe('replace');
    expect(mergeChange({ action: 'delete', revision: '1', payloadHash: '', state: 'pending' }, up('9'))).toBe('keep');
    expect(mergeChange({ action: 'upsert', revision: '3', payloadHash: 'h', state: 'pending' }, { ...up('3'), action: 'delete' })).toBe('replace');
    expect(mergeChange({ action: 'upsert', revision: '3', payloadHash: 'h', state: 'pending' }, up('2'))).toBe('keep');
    expect(mergeChange({ action: 'upsert', revision: '3', payloadHash: 'h', state: 'dead' }, up('3'))).toBe('keep');
    expect(mergeChange({ action: 'upsert', revision: '3', payloadHash: 'h', state: 'pending' }, up('3', 'h2'))).toBe('replace');
  });
});
