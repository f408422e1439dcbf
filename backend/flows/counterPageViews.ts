// Page views: what getCounters answers a page, with the cache window's rules (core/counter/cacheWindow.ts).
import { readServes } from '../core/counter/cacheWindow.js';
import type { CounterSnapshot } from '../core/counter/counterSnapshot.js';
import type { CounterDeps } from './counterDeps.js';
import { countersForMany } from './counterLookup.js';

/** How many pages' reads in flight a warm container keeps for sharing (the oldest go first). */
const MAX_SHARED_PAGES = 200;

/**
 * What a page view is answered (getCounters): countersForMany, with two rules. In a warm container,
 * concurrent views of the same page share a read in flight that started in their cache window (the
 * misses after an invalidation then cost one Wix Data read, not one each); a finished read is not
 * shared, since the cache may have been cleared since (a read after a pause in the orders clears it at
 * once). And an answer whose read started in an earlier window than it is returned in is read once
 * more: that window's invalidation may have come before Wix stored the answer.
 */
export async function countersForPage(deps: CounterDeps, definitionIds: readonly string[]): Promise<CounterSnapshot[]> {
  const ids = [...new Set(definitionIds)].sort();
  for (let attempt = 0; ; attempt++) {
    const read = sharedRead(deps, ids);
    const answer = await read.promise;
    if (attempt >= 1 || readServes(read.startedAt, deps.clock.now().getTime())) return answer;
  }
}

/** Single-definition form (kept for page code written against `getCounter`). */
export async function countersFor(deps: CounterDeps, definitionId: string): Promise<CounterSnapshot[]> {
  return countersForPage(deps, [definitionId]);
}

function sharedRead(deps: CounterDeps, ids: string[]): { startedAt: number; promise: Promise<CounterSnapshot[]> } {
  const now = deps.clock.now().getTime();
  const answers = deps.memory?.answers;
  const key = ids.join(',');
  const known = answers?.get(key);
  if (known && readServes(known.startedAt, now)) return known;
  const read = { startedAt: now, promise: countersForMany(deps, ids) };
  if (!answers) return read;
  answers.delete(key);
  answers.set(key, read);
  for (const [k, r] of answers) if (answers.size > MAX_SHARED_PAGES || !readServes(r.startedAt, now)) answers.delete(k);
  const done = () => { if (answers.get(key) === read) answers.delete(key); };
  read.promise.then(done, done);
  return read;
}
