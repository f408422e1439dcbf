// Composition root of the counter flow inside Wix: the flow's ports bound to Wix modules.
import { counterMemory, type CounterDeps } from '../../flows/counter.js';
import { wixCollections } from '../../wix/collections.js';
import { wixCounterCache } from '../../wix/counterCache.js';
import { wixTicketDefinitions } from '../../wix/ticketDefinitions.js';
import { consoleLogger, systemClock } from '../../wix/runtime.js';
import { wixRealtime } from '../../wix/realtime.js';

/**
 * Module state: kept while Wix keeps this container warm, gone in a cold one. The flow uses it only to
 * skip a Wix Data read it would otherwise make; nothing depends on it for correctness.
 */
const memory = counterMemory();

export function counterDeps(): CounterDeps {
  const collections = wixCollections();
  return { definitions: wixTicketDefinitions(), collections, claims: collections, clock: systemClock, logger: consoleLogger, memory, cache: wixCounterCache(), realtime: wixRealtime };
}
