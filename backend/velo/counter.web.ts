// Web methods of the counter widget. Anyone may call them: input is checked (GUIDs) before any Wix
// call, bad input gets a typed refusal, and only stored snapshots' public fields leave the backend.
// Answers are cached by Wix (web method caching) under COUNTER_CACHE_TAG; the TicketCounters data hooks
// invalidate that tag when a visitor-visible snapshot changes, so a page view usually runs nothing here.
import { Permissions, webMethod } from 'wix-web-module';
import { countersForPage, MAX_DEFINITIONS_PER_PAGE } from '../flows/counter.js';
import { publicSnapshot, COUNTER_CACHE_TAG, COUNTER_CACHE_TTL_SECONDS, type PublicSnapshot } from '../core/counter/counterChannel.js';
import { parseCounterRequest, parseCountersRequest } from '../core/counter/counterRequest.js';
import { consoleLogger } from '../wix/runtime.js';
import { counterDeps } from './wiring/counterDeps.js';

export type CountersAnswer =
  | { ok: true; counters: PublicSnapshot[] }
  | { ok: false; reason: 'invalid'; issues: string[] };

const cache = { cache: { tags: [COUNTER_CACHE_TAG], ttl: COUNTER_CACHE_TTL_SECONDS } };

/**
 * When Wix does not answer (say, a quota was exceeded) the call fails with a plain message: an error is
 * never cached, where a returned "unavailable" answer would be served to every page until the next
 * invalidation. The page keeps its neutral text and realtime pushes still arrive.
 */
async function answer(definitionIds: string[]): Promise<CountersAnswer> {
  try {
    return { ok: true, counters: (await countersForPage(counterDeps(), definitionIds)).map(publicSnapshot) };
  } catch (e) {
    consoleLogger.error('getCounters failed', { error: String((e as Error)?.message ?? e) });
    throw new Error('Counters are unavailable right now');
  }
}

/** Every counter on a page in one call: `{definitionIds: [guid, …]}` (at most MAX_DEFINITIONS_PER_PAGE). */
export const getCounters = webMethod(Permissions.Anyone, async (input: unknown): Promise<CountersAnswer> => {
  const req = parseCountersRequest(input, MAX_DEFINITIONS_PER_PAGE);
  return req.ok ? answer(req.value) : req;
}, cache);

/** One definition's counters: `{definitionId: guid}`. Same answer shape as getCounters. */
export const getCounter = webMethod(Permissions.Anyone, async (input: unknown): Promise<CountersAnswer> => {
  const req = parseCounterRequest(input);
  return req.ok ? answer([req.value]) : req;
}, cache);
