// What the counter flows need (ports, the warm container's memory, slot and budget settings).
import type { CounterSnapshot } from '../core/counter/counterSnapshot.js';
import type { ReadBudget } from '../core/counter/readBudget.js';
import type { ClaimsPort, ClockPort, CollectionsPort, CounterCachePort, LoggerPort, RealtimePort, TicketDefinitionsPort } from '../ports.js';

export interface CounterDeps {
  definitions: TicketDefinitionsPort;
  collections: CollectionsPort;
  claims: ClaimsPort;
  clock: ClockPort;
  logger?: LoggerPort;
  /** Cached page answers, cleared after a refresh changes counters (none: nothing is cached, as in most tests). */
  cache?: CounterCachePort;
  /**
   * Realtime publishing: a scheduled read pushes its changes to open pages alongside its save
   * (core/counter/counterPush.ts; none: the TicketCounters hooks push every change after its save, as
   * they do for a definition's own refresh and the repair's).
   */
  realtime?: RealtimePort;
  /**
   * What this container remembers between invocations when Wix keeps it warm (the wiring keeps one
   * per module instance). It only ever saves a Wix Data read: a cold container starts without it and
   * reads the schedule instead, with the same result.
   */
  memory?: CounterMemory;
  /** Width of a coalescing slot: at most one refresh read per slot while the fast-read budget lasts. */
  slotMs?: number;
  /** Width of the slot refreshes fall back to once the fast-read budget is used up. */
  slowSlotMs?: number;
  /** Refresh reads per window (fast or slow) before refreshes move to the slow slot. */
  readBudget?: ReadBudget;
  /** Width of a checkpoint within a slow slot (core/counter/readBudget.ts slowMark). */
  settleStepMs?: number;
}

/**
 * A warm container's knowledge: the latest read known to be claimed, the schedule lookup (or slow claim) in flight,
 * when a lookup last found the fast-read budget used up (0: never), when it last handled an order,
 * and getCounters' reads by page (sorted definition IDs) while in flight, shared by concurrent views.
 */
export interface CounterMemory {
  claimedReadAt: number;
  /** When this container last handled an order that went by the schedule (epoch ms; 0: never). */
  lastOrderAt: number;
  lookup: Promise<number> | null;
  slowSince: number;
  answers: Map<string, { startedAt: number; promise: Promise<CounterSnapshot[]> }>;
}

export function counterMemory(): CounterMemory {
  return { claimedReadAt: 0, lastOrderAt: 0, lookup: null, slowSince: 0, answers: new Map() };
}
