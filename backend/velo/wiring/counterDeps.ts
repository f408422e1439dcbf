// Composition root of the counter flow inside Wix: the flow's ports bound to Wix modules.
import type { CounterDeps } from '../../flows/counter.js';
import { wixCollections } from '../../wix/collections.js';
import { wixTicketDefinitions } from '../../wix/ticketDefinitions.js';
import { consoleLogger, systemClock } from '../../wix/runtime.js';

export function counterDeps(): CounterDeps {
  const collections = wixCollections();
  return { definitions: wixTicketDefinitions(), collections, claims: collections, clock: systemClock, logger: consoleLogger };
}
