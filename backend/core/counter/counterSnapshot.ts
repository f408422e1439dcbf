// A counter snapshot: what is stored per (definition, price point) and pushed to visitors.
// Counts come from one read of `salesDetails`; its send and answer times order snapshots so an older
// read never wins (isNewerSnapshot).
import type { SaleStatus, TicketDef } from '../ticketDefinition.js';
import { pricePoints } from './pricePoints.js';

export interface CounterSnapshot {
  _id: string;
  definitionId: string;
  eventId: string;
  pricePointKey: string;
  label: string;
  /** Decimal string, as Wix sends it ("25.00"); null for free tickets without a price. */
  price: string | null;
  currency: string | null;
  /** null: unlimited. */
  unsold: number | null;
  sold: number;
  limit: number | null;
  soldOut: boolean;
  saleStatus: SaleStatus;
  saleStart: string | null;
  saleEnd: string | null;
  hidden: boolean;
  /** When the read was sent to Wix (ISO): every order confirmed before it is in the counts. */
  readAt: string;
  /**
   * When Wix's answer came back (ISO): Wix took the counts somewhere between `readAt` and this. Absent
   * on rows written before it was kept: taken as `readAt`.
   */
  answeredAt?: string | null;
  revision: string;
  /** Set by a refresh that pushed this row itself: the read time of the row it compared against (core/counter/counterPush.ts). */
  pushedOver?: string | null;
}

export function counterId(definitionId: string, pricePointKey: string): string {
  return `${definitionId}:${pricePointKey}`;
}

export class MissingSalesDetailsError extends Error {
  constructor(definitionId: string) {
    super(`Ticket definition ${definitionId} was read without SALES_DETAILS; counters need them.`);
    this.name = 'MissingSalesDetailsError';
  }
}

/** When a read was sent (every order confirmed before it is in it) and when its answer came back. */
export interface ReadTimes { readAt: Date; answeredAt: Date }

/** A read's snapshots: sent at `readAt`, answered at `answeredAt` (default: the same instant). */
export function counterSnapshots(def: TicketDef, readAt: Date, answeredAt: Date = readAt): CounterSnapshot[] {
  const sd = def.salesDetails;
  if (!sd) throw new MissingSalesDetailsError(def._id);
  const limit = def.actualLimit ?? def.initialLimit ?? null;
  const unsold = sd.unsoldCount ?? null;
  return pricePoints(def).map((p) => ({
    _id: counterId(def._id, p.key),
    definitionId: def._id,
    eventId: def.eventId,
    pricePointKey: p.key,
    label: p.label,
    price: p.price?.value ?? null,
    currency: p.price?.currency ?? null,
    unsold,
    sold: sd.soldCount ?? 0,
    limit,
    soldOut: sd.soldOut === true || unsold === 0,
    saleStatus: def.saleStatus ?? 'SALE_STARTED',
    saleStart: def.salePeriod?.startDate ?? null,
    saleEnd: def.salePeriod?.endDate ?? null,
    hidden: def.hidden === true,
    readAt: readAt.toISOString(),
    answeredAt: answeredAt.toISOString(),
    revision: def.revision,
  }));
}

/** What orders two reads of one counter: when each was sent and answered, and the counts it saw. */
export type ReadStamp = Pick<CounterSnapshot, 'readAt' | 'answeredAt' | 'unsold' | 'limit'>;

/**
 * Whether `candidate` may replace `stored`: it is not an older read. Wix took each read's counts at
 * some moment between its send (`readAt`) and its answer (`answeredAt`). A read sent after the other
 * was answered is the newer; one answered before the other was sent, the older. Two reads in flight at
 * once cannot be ordered by time (the one sent later may have been taken first): the one with fewer
 * tickets left is the newer, as orders take tickets and only a cancellation gives them back (README,
 * Known limits); the same count: the later sent (reads of the same instant may replace each other).
 */
export function isNewerSnapshot(candidate: ReadStamp, stored: ReadStamp | null | undefined): boolean {
  if (!stored) return true;
  const sent = Date.parse(candidate.readAt), storedSent = Date.parse(stored.readAt);
  if (sent > answeredAt(stored)) return true;
  if (storedSent > answeredAt(candidate)) return false;
  const counted = typeof candidate.unsold === 'number' && typeof stored.unsold === 'number' && candidate.limit === stored.limit;
  if (counted && candidate.unsold !== stored.unsold) return candidate.unsold! < stored.unsold!;
  return sent >= storedSent;
}

/** When a read was answered (epoch ms): `answeredAt`, or its send time when unknown or not after it. */
function answeredAt(s: ReadStamp): number {
  const sent = Date.parse(s.readAt);
  const answered = typeof s.answeredAt === 'string' ? Date.parse(s.answeredAt) : NaN;
  return answered > sent ? answered : sent;
}

/**
 * Snapshots to write: those a visitor would see differ from what is stored, when the read is not older
 * than the stored one (two reads of the same millisecond cannot be ordered; the differing one is
 * written, as the update hook allows). A read that changes nothing visible is not written: a slot
 * refresh reads every live counter, and rewriting them all every 250 ms would run the TicketCounters
 * hooks for each row. An older read never replaces a newer stored one (TicketCounters_beforeUpdate,
 * by isNewerSnapshot).
 */
export function snapshotsToWrite(fresh: CounterSnapshot[], stored: CounterSnapshot[]): CounterSnapshot[] {
  const byId = new Map(stored.map((s) => [s._id, s]));
  return fresh.filter((s) => {
    const old = byId.get(s._id);
    return !old || (isNewerSnapshot(s, old) && visibleFieldsDiffer(s, old));
  });
}

/** What an update may store, given the row as it is now: never an older read. */
export function snapshotToStore<T extends ReadStamp>(incoming: T, current: T | null | undefined): T {
  return current && !isNewerSnapshot(incoming, current) ? current : incoming;
}

/** Whether visitors would see a difference (the data hook publishes only then). */
export function visiblyDifferent(a: CounterSnapshot, b: CounterSnapshot | null | undefined): boolean {
  return !b || visibleFieldsDiffer(a, b);
}

const VISIBLE: (keyof CounterSnapshot)[] = ['label', 'price', 'currency', 'unsold', 'sold', 'limit', 'soldOut', 'saleStatus', 'saleStart', 'saleEnd', 'hidden'];
function visibleFieldsDiffer(a: CounterSnapshot, b: CounterSnapshot): boolean {
  return VISIBLE.some((k) => a[k] !== b[k]);
}
