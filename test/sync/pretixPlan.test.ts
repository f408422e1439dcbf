// Table tests for the Pretix planning rules: variations from price options, the quota's variations,
// and "capacity below sold is not pushed".
import { describe, expect, it } from 'vitest';
import {
  itemCreateBody, needsSoldCheck, planVariations, quotaSizeToPush, quotaVariations, refsAfterCreate, refsAfterVariationStep, soldOf, splitPayload,
  variationBody, type OptionIn, type PretixRefs,
} from '../../backend/core/sync/pretixPlan.js';

const adult: OptionIn = { optionId: 'o1', name: 'Adult', price: { value: '20', currency: 'EUR' } };
const child: OptionIn = { optionId: 'o2', name: 'Child', price: { value: '10.5', currency: 'EUR' } };
const hashOf = (o: OptionIn, i: number) => JSON.stringify(variationBody(o, i));

describe('pretixPlan: variations from price options', () => {
  it('builds a variation body with a Pretix decimal price, or none', () => {
    expect(variationBody(child, 1)).toEqual({ value: { en: 'Child' }, default_price: '10.50', active: true, position: 1 });
    expect(variationBody({ optionId: 'f', name: 'Free', price: null }, 0).default_price).toBeNull();
  });

  it('splits a payload into item, options (malformed ones dropped) and quota size', () => {
    const s = splitPayload({ name: { en: 'A' }, quota: { size: 40 }, variations: [adult, null, { name: 'x' }] });
    expect(s).toEqual({ item: { name: { en: 'A' } }, options: [adult], quotaSize: 40 });
    expect(splitPayload({ name: {} }).quotaSize).toBeNull();
  });

  it('creates variations inline with the item only when there are options', () => {
    expect(itemCreateBody({ a: 1 }, [])).toEqual({ a: 1, variations: [], has_variations: false });
    expect(itemCreateBody({ a: 1 }, [adult]).has_variations).toBe(true);
  });

  it('pairs created variations with options by position', () => {
    expect(refsAfterCreate([adult, child], [{ id: 7 }, { id: 8 }])).toEqual({ variations: { o1: 7, o2: 8 }, variationHash: { o1: hashOf(adult, 0), o2: hashOf(child, 1) } });
  });

  const cases: { name: string; options: OptionIn[]; refs: PretixRefs; expected: { op: string; optionId: string }[] }[] = [
    { name: 'nothing known: every option is created', options: [adult, child], refs: {}, expected: [{ op: 'create', optionId: 'o1' }, { op: 'create', optionId: 'o2' }] },
    { name: 'unchanged option: nothing sent', options: [adult], refs: { variations: { o1: 7 }, variationHash: { o1: hashOf(adult, 0) } }, expected: [] },
    { name: 'changed price: patched', options: [{ ...adult, price: { value: '25', currency: 'EUR' } }], refs: { variations: { o1: 7 }, variationHash: { o1: hashOf(adult, 0) } }, expected: [{ op: 'patch', optionId: 'o1' }] },
    { name: 'option removed in Wix: deactivated, not deleted', options: [adult], refs: { variations: { o1: 7, o2: 8 }, variationHash: { o1: hashOf(adult, 0), o2: hashOf(child, 1) } }, expected: [{ op: 'deactivate', optionId: 'o2' }] },
    { name: 'already deactivated: not sent again', options: [adult], refs: { variations: { o1: 7, o2: 8 }, variationHash: { o1: hashOf(adult, 0), o2: 'inactive' } }, expected: [] },
    { name: 'deactivated option back in Wix: patched active', options: [adult, child], refs: { variations: { o1: 7, o2: 8 }, variationHash: { o1: hashOf(adult, 0), o2: 'inactive' } }, expected: [{ op: 'patch', optionId: 'o2' }] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(planVariations(c.options, c.refs).map((s) => ({ op: s.op, optionId: s.optionId }))).toEqual(c.expected);
    });
  }

  it('records each step in the refs', () => {
    const [create] = planVariations([adult], {});
    const afterCreate = refsAfterVariationStep({}, create!, 9);
    expect(afterCreate).toEqual({ variations: { o1: 9 }, variationHash: { o1: hashOf(adult, 0) } });
    const off = refsAfterVariationStep(afterCreate, { op: 'deactivate', optionId: 'o1', variationId: 9 });
    expect(off.variationHash).toEqual({ o1: 'inactive' });
    expect(afterCreate.variationHash).toEqual({ o1: hashOf(adult, 0) }); // not mutated
  });

  it('the quota covers only the variations of options Wix still has', () => {
    expect(quotaVariations({ variations: { o1: 7, o2: 8 } }, [child])).toEqual([8]);
  });
});

describe('pretixPlan: capacity below sold is not pushed', () => {
  const soldCheck: [number | null, number | null | undefined, boolean][] = [
    [30, 50, true], // lower
    [30, null, true], // from unlimited
    [30, undefined, true],
    [60, 50, false], // higher can never be below sold
    [50, 50, false], // unchanged
    [null, 50, false], // to unlimited
  ];
  for (const [wanted, pushed, expected] of soldCheck) {
    it(`reads availability for ${wanted} after ${pushed}: ${expected}`, () => expect(needsSoldCheck(wanted, pushed)).toBe(expected));
  }

  it('pushes a size at or above sold', () => {
    expect(quotaSizeToPush(40, 50, 40, 3)).toEqual({ size: 40 });
    expect(quotaSizeToPush(60, 50, null, 3)).toEqual({ size: 60 });
  });

  it('keeps the pushed size, with a warning, below sold', () => {
    expect(quotaSizeToPush(30, 50, 40, 3)).toEqual({ size: 50, warning: 'capacity 30 not pushed: Pretix already sold 40 (quota 3 stays at 50)' });
    expect(quotaSizeToPush(30, null, 40, 3)).toEqual({ size: null, warning: 'capacity 30 not pushed: Pretix already sold 40 (quota 3 stays at unlimited)' });
  });

  it('counts paid and pending orders as sold', () => {
    expect(soldOf({ paid_orders: 3, pending_orders: 2 })).toBe(5);
    expect(soldOf({})).toBe(0);
  });
});
