// Checkpoints within a slow slot (core/counter/readBudget.ts slowMark, settleCheck): the owner of a
// checkpoint hands its orders over to the next mark's owner while orders keep coming, and reads at once
// (clearing the cached answers) when they have stopped, so a stream's last order is read within two steps.
import { describe, expect, it } from 'vitest';
import { counterMemory, countersForPage, handleOrderEvent, type CounterDeps } from '../../backend/flows/counter.js';
import type { CounterSnapshot } from '../../backend/core/counter/counterSnapshot.js';
import { ManualClock } from '../support/clocks.js';
import { MemoryCollections } from '../support/memoryCollections.js';
import { definition, MemoryDefinitions } from '../support/ticketDefinitions.js';
import { guid } from '../support/guids.js';

const SLOW = 1500;
const STEP = 300;
/** A slow slot's start, well past any test's setup time. */
const S = 1_000 * SLOW;

/** A manual clock whose n-th sleep first runs `hooks[n]` (another invocation, meanwhile), never going back in time. */
class SteppedClock extends ManualClock {
  hooks: ((() => Promise<void>) | undefined)[] = [];
  private sleeps = 0;
  override async sleep(ms: number) {
    const target = this.t + ms;
    const hook = this.hooks[this.sleeps++];
    if (hook) await hook();
    this.t = Math.max(this.t, target);
  }
}

function setup() {
  const clock = new SteppedClock(S - 5_000);
  const definitions = new MemoryDefinitions(clock);
  const collections = new MemoryCollections();
  const cleared: { snapshots: CounterSnapshot[]; atOnce: boolean; at: number }[] = [];
  const deps: CounterDeps = {
    definitions, collections, claims: collections, clock, slotMs: 100, slowSlotMs: SLOW, settleStepMs: STEP,
    readBudget: { reads: 0, windowMs: 60_000 }, // always past the fast reads: every order goes by the slow marks
    cache: { clearSoon: async (snapshots, o) => { cleared.push({ snapshots: [...snapshots], atOnce: !!o?.atOnce, at: clock.t }); } },
  };
  const id = guid('settle-def');
  definitions.put(definition({ _id: id, initialLimit: 10, actualLimit: 10, salesDetails: { unsoldCount: 10, soldCount: 0, reservedCount: 0, soldOut: false } }));
  const order = (n: number) => ({ orderNumber: `o${n}`, status: 'PAID', tickets: [{ ticketDefinitionId: id }] });
  return { clock, definitions, collections, deps, cleared, id, order };
}

async function withCounter(s: ReturnType<typeof setup>) {
  await countersForPage(s.deps, [s.id]); // creates the stored counter
  s.cleared.length = 0;
}

const unsold = async (s: ReturnType<typeof setup>) => (await countersForPage(s.deps, [s.id]))[0]!.unsold;

describe('a checkpoint owner', () => {
  it('with no order after its checkpoint reads one step later, at once, and clears the cached answers at once', async () => {
    const s = setup();
    await withCounter(s);
    const warm: CounterDeps = { ...s.deps, memory: counterMemory() };
    s.clock.set(S + 50); // the first step: its mark is the checkpoint at 300 ms
    s.definitions.sell(s.id, 1);
    const calls = s.definitions.calls;
    const r = await handleOrderEvent(warm, 'confirmed', s.order(1));
    expect(r.outcome).toBe('refreshed');
    expect(s.definitions.calls - calls).toBe(1);
    // Read after the next step ended (600 ms) and within two steps of the order (plus the 15 ms margin).
    const readAt = Date.parse((r as { readAt: string }).readAt);
    expect(readAt).toBeGreaterThanOrEqual(S + 2 * STEP);
    expect(readAt - (S + 50)).toBeLessThanOrEqual(2 * STEP + 20);
    expect(s.cleared.map((c) => c.atOnce)).toEqual([true]);
    expect(await unsold(s)).toBe(9);
  });

  it('whose container handled a later order hands over: that order\'s mark is read, once', async () => {
    const s = setup();
    await withCounter(s);
    const warm: CounterDeps = { ...s.deps, memory: counterMemory() };
    s.clock.set(S + 50);
    s.definitions.sell(s.id, 1);
    let second: Awaited<ReturnType<typeof handleOrderEvent>> | undefined;
    // While the first owner waits for its check, the same container handles an order in the next step.
    s.clock.hooks[0] = async () => {
      s.clock.set(S + 400);
      s.definitions.sell(s.id, 1);
      second = await handleOrderEvent(warm, 'confirmed', s.order(2));
    };
    const calls = s.definitions.calls, writes = s.collections.writes;
    const first = await handleOrderEvent(warm, 'confirmed', s.order(1));
    expect(first.outcome).toBe('covered');
    expect(second?.outcome).toBe('refreshed');
    expect(s.definitions.calls - calls).toBe(1); // one read for both orders
    // The two claims, the second owner's check (its next mark, won) and the snapshot: the first owner
    // knew of the later order from memory, so it did not claim the next mark to find out.
    expect(s.collections.writes - writes).toBe(4);
    expect(Date.parse((second as { readAt: string }).readAt)).toBeGreaterThan(S + 400);
    expect(await unsold(s)).toBe(8);
  });

  it('whose check finds the next mark claimed (an order in another container) hands over without a read', async () => {
    const s = setup();
    await withCounter(s);
    const warm: CounterDeps = { ...s.deps, memory: counterMemory() };
    s.clock.set(S + 50);
    s.clock.hooks[0] = async () => {
      // Another container's order at 400 ms claims the next step's mark (600 ms).
      await s.collections.insert('CounterClaims', { _id: `read:${String(S + 600).padStart(15, '0')}`, kind: 'read', at: new Date(S + 600).toISOString() });
    };
    const calls = s.definitions.calls, reads = s.collections.reads;
    const r = await handleOrderEvent(warm, 'confirmed', s.order(1));
    expect(r.outcome).toBe('covered');
    expect(s.definitions.calls - calls).toBe(0);
    expect(s.collections.reads - reads).toBe(1); // the schedule lookup only: no live-counter query
    expect(s.cleared).toEqual([]);
  });

  it('before the tail that finds no order reads at once and, owning the tail by its check, at the tail\'s end too', async () => {
    const s = setup();
    await withCounter(s);
    const warm: CounterDeps = { ...s.deps, memory: counterMemory() };
    s.clock.set(S + 650); // the last checkpoint's step (mark at 900 ms); the tail runs from 900 to 1,500 ms
    s.definitions.sell(s.id, 1);
    // After the check (at 1,200 ms) claimed the tail, another container's order at 1,300 ms finds the
    // tail claimed and counts on its read: it sells while this owner waits for the tail's end.
    s.clock.hooks[2] = async () => { s.definitions.sell(s.id, 1); };
    const calls = s.definitions.calls;
    const r = await handleOrderEvent(warm, 'confirmed', s.order(1));
    expect(r).toMatchObject({ outcome: 'refreshed', readAt: new Date(S + SLOW).toISOString() });
    expect(s.definitions.calls - calls).toBe(2);
    expect(s.cleared.map((c) => c.atOnce)).toEqual([true, true]);
    expect(s.cleared[0]!.at - (S + 650)).toBeLessThanOrEqual(2 * STEP + 20);
    expect(await unsold(s)).toBe(8);
  });

  it('a tail mark is read at its end, with no check, and clears the cached answers at once (a slow read)', async () => {
    const s = setup();
    await withCounter(s);
    const warm: CounterDeps = { ...s.deps, memory: counterMemory() };
    s.clock.set(S + 1000);
    s.definitions.sell(s.id, 1);
    const writes = s.collections.writes;
    const r = await handleOrderEvent(warm, 'confirmed', s.order(1));
    expect(r).toMatchObject({ outcome: 'refreshed', readAt: new Date(S + SLOW).toISOString() });
    expect(s.collections.writes - writes).toBe(2); // its claim and the snapshot
    expect(s.cleared.map((c) => c.atOnce)).toEqual([true]);
  });

  it('within the fast-read budget an order is read at its 100 ms slot\'s end, cleared with the cache window', async () => {
    const s = setup();
    await withCounter(s);
    const fast: CounterDeps = { ...s.deps, readBudget: { reads: 25, windowMs: 60_000 }, memory: counterMemory() };
    s.clock.set(S + 50);
    s.definitions.sell(s.id, 1);
    expect(await handleOrderEvent(fast, 'confirmed', s.order(1))).toMatchObject({ outcome: 'refreshed', readAt: new Date(S + 100).toISOString() });
    expect(s.cleared.map((c) => c.atOnce)).toEqual([false]);
  });

  it('concurrent orders of one container past the budget share one claim of their mark', async () => {
    const s = setup();
    await withCounter(s);
    const warm: CounterDeps = { ...s.deps, memory: counterMemory() };
    s.clock.set(S + 1000); // in the tail
    warm.memory!.slowSince = s.clock.t; // a lookup found the fast reads used up a moment ago
    s.definitions.sell(s.id, 3);
    const writes = s.collections.writes;
    const results = await Promise.all([1, 2, 3].map((n) => handleOrderEvent(warm, 'confirmed', s.order(n))));
    expect(results.map((r) => r.outcome).sort()).toEqual(['covered', 'covered', 'refreshed']);
    expect(s.collections.writes - writes).toBe(2); // one claim and the snapshot
    expect(await unsold(s)).toBe(7);
  });
});

