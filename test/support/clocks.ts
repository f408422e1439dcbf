// Clocks for tests. ManualClock moves only when told to, or when a flow sleeps (the sleep returns at
// once with the time moved on), so retry waits and deadlines run without waiting. realClock is the
// wall clock, for the tests whose subject is timing across concurrent calls.
import type { ClockPort } from '../../backend/ports.js';

export class ManualClock implements ClockPort {
  /** Now, in epoch milliseconds. */
  t: number;
  constructor(start: string | number | Date) { this.t = new Date(start).getTime(); }
  now() { return new Date(this.t); }
  async sleep(ms: number) { this.t += ms; }
  advance(ms: number) { this.t += ms; }
  set(at: string | number | Date) { this.t = new Date(at).getTime(); }
}

export const realClock: ClockPort = { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
