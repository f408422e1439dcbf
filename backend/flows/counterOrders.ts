// Order events: the read schedule (`read:<time>` marks in CounterClaims), claiming a read, and the
// slot winner's refresh of every live counter.
import { needsRefresh, notLive } from '../core/counter/counterRefresh.js';
import { InvalidOrderEventError, orderChange, refreshSlot, type OrderChange, type OrderChangeKind } from '../core/counter/orderChange.js';
import { isLateDelivery, storedReadCovering } from '../core/counter/lateDelivery.js';
import { budgetUsedUp, CANCEL_SETTLE_MS, DEFAULT_READ_BUDGET, DEFAULT_SLOT_MS, DEFAULT_SLOW_SLOT_MS, plannedRead, READ_MARGIN_MS, settleCheck, SETTLE_STEP_MS, stillSlow, type PlannedRead } from '../core/counter/readBudget.js';
import { clearsAtOnce } from '../core/counter/cacheWindow.js';
import { counterClaims } from '../repositories/counterClaims.js';
import { ticketCounters } from '../repositories/ticketCounters.js';
import type { CounterDeps } from './counterDeps.js';
import { liveSnapshots, refreshLiveCounters } from './counterRefresh.js';
import type { CounterSnapshot } from '../core/counter/counterSnapshot.js';


export type OrderEventResult =
  /** Nothing to refresh (a confirmation without tickets). */
  | { outcome: 'ignored'; key: string }
  /** A read scheduled at or after this event (or, for a late delivery, a stored read since its change) covers it; this call read and wrote nothing more. */
  | { outcome: 'covered'; key: string; readAt: string; refreshed: string[] }
  /** This call claimed the read and refreshed the live counters. */
  | { outcome: 'refreshed'; key: string; readAt: string; refreshed: string[] };

/**
 * Handles one order delivery, duplicates included: a count comes from a Wix read, never an increment,
 * so a redelivery can at most cost a read, and no delivery is recorded. What the call needs to know is
 * whether a read of every live counter is already scheduled to start after now. The schedule is the
 * read marks in CounterClaims (`read:<time>`): one query (warm containers often skip it) tells; if no
 * read is due, this call claims one (a unique insert, so concurrent callers share it) and the winner
 * reads, at that time, every live counter's definition in one query. Every order confirmed before then
 * is in that read, so counts stay exact with one Ticket Definitions call per read. A late delivery
 * (Wix's resend, a minute or more later) is covered by the stored counters when they were read since its
 * change, and otherwise goes by the schedule like a first delivery, which heals a read that failed.
 */
export async function handleOrderEvent(deps: CounterDeps, kind: OrderChangeKind, event: unknown): Promise<OrderEventResult> {
  const change = orderChange(kind, event);
  if (!needsRefresh(kind, change.definitionIds)) return { outcome: 'ignored', key: change.key };
  const now = deps.clock.now();
  // A warm container that knows a read claimed for now or later is covered for nothing, late or not
  // (a delivery the checkout's queue held up is late too); only then may the stored reads be asked.
  const storedRead = knownRead(deps.memory, now.getTime()) !== null ? null : await coveringStoredRead(deps, change, now);
  if (storedRead) return { outcome: 'covered', key: change.key, readAt: storedRead, refreshed: [] };
  const read = await scheduledRead(deps, now, () => liveSnapshots(deps, change.definitionIds));
  if (kind !== 'confirmed') return settleGivenBack(deps, change, read);
  if (read.mine) {
    const own = await ownRead(deps, change.definitionIds, read);
    if (own) return { outcome: 'refreshed', key: change.key, readAt: own.readAt, refreshed: own.refreshed };
  }
  return { outcome: 'covered', key: change.key, readAt: read.at.toISOString(), refreshed: [] };
}

/**
 * An update or deletion of an order (a cancellation) may give tickets back. Its scheduled read covers
 * it; then the definitions it names whose sale ended (the scheduled read takes in only live counters)
 * are read here; and CANCEL_SETTLE_MS after the scheduled read, it goes by the schedule once more, so
 * that a read sent after every read in flight with the first one was answered stands (two reads in
 * flight together are ordered by their counts, which a cancellation between them can get wrong).
 */
async function settleGivenBack(deps: CounterDeps, change: OrderChange, read: ScheduledRead): Promise<OrderEventResult> {
  const refreshed = new Set<string>();
  const own = read.mine ? await ownRead(deps, change.definitionIds, read) : null;
  own?.refreshed.forEach((id) => refreshed.add(id));
  if (!own && change.definitionIds.length) {
    // Not read by this call: its definitions whose sale ended are not in the scheduled read.
    await sleepUntil(deps, read.at);
    const stored = await liveSnapshots(deps, change.definitionIds);
    const others = notLive(stored, change.definitionIds);
    if (others.length) (await refreshLiveCounters(deps, others, stored.filter((s) => others.includes(s.definitionId)))).refreshed.forEach((id) => refreshed.add(id));
  }
  await sleepUntil(deps, new Date(read.at.getTime() + CANCEL_SETTLE_MS));
  const again = await scheduledRead(deps, deps.clock.now(), () => liveSnapshots(deps, change.definitionIds));
  const settled = again.mine ? await ownRead(deps, change.definitionIds, again) : null;
  settled?.refreshed.forEach((id) => refreshed.add(id));
  return { outcome: own || settled ? 'refreshed' : 'covered', key: change.key, readAt: again.at.toISOString(), refreshed: [...refreshed] };
}

/**
 * The claimed read's duty. A fast or tail mark: read at its time. A checkpoint (core/counter/readBudget.ts
 * settleCheck): one step later, look for orders since it (this container's memory, else a claim of the
 * next mark); found, the next mark's owner covers this one's orders (null); none, the stream paused, so
 * read now, and if the claim won a tail, read at its end as well. Reads past the fast budget (tails and
 * reads after a pause: at most about one per slow slot) clear the cached answers at once.
 */
async function ownRead(deps: CounterDeps, named: readonly string[], read: ScheduledRead): Promise<{ readAt: string; refreshed: string[] } | null> {
  if (read.kind !== 'checkpoint') return readCounters(deps, named, read.at, clearsAtOnce(read.kind), read.live);
  const check = settleCheck(read.at.getTime(), deps.slowSlotMs ?? DEFAULT_SLOW_SLOT_MS, deps.settleStepMs ?? SETTLE_STEP_MS);
  await sleepUntil(deps, new Date(check.checkAt));
  if ((deps.memory?.lastOrderAt ?? 0) >= read.at.getTime()) return null;
  const next = new Date(check.next.at);
  if (!(await counterClaims(deps).claimRead(next))) return null;
  const settled = await readCounters(deps, named, deps.clock.now(), true);
  if (check.next.kind !== 'tail') return settled;
  return readCounters(deps, named, next, true);
}

/**
 * Reads every live counter (and `named`) at `at`, looking the live ones up while waiting for it (or
 * taking `live`, looked up while the read was claimed), and pushes the changes to open pages alongside
 * their save (core/counter/counterPush.ts); `atOnce`: the cached answers are cleared at once.
 */
async function readCounters(deps: CounterDeps, named: readonly string[], at: Date, atOnce: boolean, live?: Promise<CounterSnapshot[]>): Promise<{ readAt: string; refreshed: string[] }> {
  // Which counters are live does not depend on the orders still coming: look them up while waiting,
  // so only the definitions' read (which must start after the read time) and the save follow it.
  const [stored] = await Promise.all([live ?? liveSnapshots(deps, named), sleepUntil(deps, at)]);
  const { refreshed } = await refreshLiveCounters(deps, named, stored, { atOnce, pushNow: true });
  return { readAt: at.toISOString(), refreshed };
}

/**
 * One order delivery as Wix makes it: a malformed event would fail the same way each time Wix sent it
 * again, so it is logged and acknowledged (`refused`); any other failure (Wix refused a read) is thrown,
 * so that Wix's resend heals the count.
 */
export async function acceptOrderDelivery(deps: CounterDeps, kind: OrderChangeKind, event: unknown): Promise<OrderEventResult | { outcome: 'refused'; reason: string }> {
  try {
    return await handleOrderEvent(deps, kind, event);
  } catch (err) {
    if (!(err instanceof InvalidOrderEventError)) throw err;
    deps.logger?.warn('Order event ignored', { kind, error: err.message });
    return { outcome: 'refused', reason: err.message };
  }
}

/**
 * A late delivery (Wix's resend of a failed or slow one) whose definitions' stored counters were read
 * after its change: covered by that read, for one query and no claim (core/counter/lateDelivery.ts).
 */
async function coveringStoredRead(deps: CounterDeps, change: OrderChange, now: Date): Promise<string | null> {
  if (!isLateDelivery(change.changedAt, now.getTime()) || !change.definitionIds.length) return null;
  const stored = await ticketCounters(deps).ofDefinitions(change.definitionIds);
  return storedReadCovering(change.changedAt, stored, change.definitionIds);
}

async function sleepUntil(deps: CounterDeps, at: Date): Promise<void> {
  // From the clock's *now*: the lookups took time, and waiting from the event's time would read late.
  await deps.clock.sleep(Math.max(0, at.getTime() - deps.clock.now().getTime()) + READ_MARGIN_MS);
}

/**
 * The read that covers an order handled at `now`: one already claimed for `now` or later (known to
 * this warm container, or found with one query of the read marks), else one this call claims: at its
 * fast slot's end while the site has read fewer than the budget's reads in the window, else at its
 * slow mark (a checkpoint or the tail: see core/counter/readBudget.ts). `mine` is true only for the
 * call that claimed it; what a claimed read then does is `ownRead`'s.
 */
async function scheduledRead(deps: CounterDeps, now: Date, lookUpLive: () => Promise<CounterSnapshot[]>): Promise<ScheduledRead> {
  const memory = deps.memory;
  const t = now.getTime();
  if (memory) {
    // Checkpoint owners of this container look here for orders after their checkpoint.
    if (t > memory.lastOrderAt) memory.lastOrderAt = t;
    const known = knownRead(memory, t);
    if (known !== null) return covered(known);
    // Other invocations of this container are looking the schedule up or claiming: share their answer
    // when it covers us. One that does not: whoever of the waiting calls wakes first looks up again, and
    // the others wait for that lookup rather than each making its own.
    for (let waited: Promise<number> | null = null; memory.lookup && memory.lookup !== waited;) {
      waited = memory.lookup;
      const known = await waited.catch(() => 0);
      if (known >= t) return covered(known);
      const claimed = knownRead(memory, t);
      if (claimed !== null) return covered(claimed);
    }
  }
  // This container found the fast reads used up a moment ago: claim the slow mark of now directly
  // (won: this call owns it; lost: another call's mark at that time covers this order).
  const pending = memory && stillSlow(memory.slowSince, t) ? claimSlowMark(deps, now) : lookUpOrClaim(deps, now, lookUpLive);
  const known = pending.then((r) => r.at.getTime());
  if (memory) memory.lookup = known;
  try {
    const read = await pending;
    if (!memory) return read;
    if (read.slow !== undefined) memory.slowSince = read.slow ? t : 0;
    return rememberClaim(memory, read);
  } finally {
    known.catch(() => undefined);
    if (memory && memory.lookup === known) memory.lookup = null;
  }
}

/** The read this warm container knows to be claimed for `t` or later (epoch ms), or null. */
function knownRead(memory: CounterDeps['memory'], t: number): number | null {
  return memory && memory.claimedReadAt >= t ? memory.claimedReadAt : null;
}

/**
 * A read scheduled for an order: when and of which kind, and whether this call claimed it; for a fast
 * read it claimed, `live`: the live counters' rows, looked up while claiming.
 */
type ScheduledRead = PlannedRead & { mine: boolean; live?: Promise<CounterSnapshot[]> };

/** Covered by a read already claimed for `at` (its kind matters only to its owner). */
function covered(at: number): ScheduledRead {
  return { at: new Date(at), kind: 'fast', mine: false };
}

function rememberClaim(memory: NonNullable<CounterDeps['memory']>, read: ScheduledRead): ScheduledRead {
  if (read.at.getTime() > memory.claimedReadAt) memory.claimedReadAt = read.at.getTime();
  return { at: read.at, kind: read.kind, mine: read.mine, live: read.live };
}

/** The read a call at `now` claims, given the site's reads in the budget's window (Infinity: used up). */
function readTimeFor(deps: CounterDeps, now: Date, recentReads: number): PlannedRead {
  const slot = refreshSlot(now, deps.slotMs ?? DEFAULT_SLOT_MS);
  return plannedRead(now, slot.endsAt, deps.slowSlotMs ?? DEFAULT_SLOW_SLOT_MS, recentReads, deps.readBudget ?? DEFAULT_READ_BUDGET, deps.settleStepMs ?? SETTLE_STEP_MS);
}

/** The slow mark of `now`, claimed without looking the schedule up (lost: another call's mark covers the order). */
async function claimSlowMark(deps: CounterDeps, now: Date): Promise<ScheduledRead & { slow?: boolean }> {
  const plan = readTimeFor(deps, now, Infinity);
  return { ...plan, mine: await counterClaims(deps).claimRead(plan.at) };
}

/** `slow`: whether the budget was found used up (undefined when an already claimed read covered the order). */
async function lookUpOrClaim(deps: CounterDeps, now: Date, lookUpLive: () => Promise<CounterSnapshot[]>): Promise<ScheduledRead & { slow?: boolean }> {
  const budget = deps.readBudget ?? DEFAULT_READ_BUDGET;
  const claims = counterClaims(deps);
  const { latest, recent } = await claims.latestRead(now, budget.windowMs);
  if (latest !== null && latest >= now.getTime()) return covered(latest);
  const plan = readTimeFor(deps, now, recent);
  // A fast read is due within a slot: its owner looks the live counters up while claiming it, not
  // after (a lost claim costs that one read; a slow mark's owner looks them up nearer its time).
  const live = plan.kind === 'fast' ? lookUpLive() : undefined;
  live?.catch(() => undefined);
  // Not won: another invocation claimed the same time, and its read covers this order too.
  const mine = await claims.claimRead(plan.at);
  return { ...plan, mine, ...(mine && live ? { live } : {}), slow: budgetUsedUp(recent, budget) };
}
