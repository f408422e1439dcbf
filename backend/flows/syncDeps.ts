// What every sync flow is given: the ports it sequences and the knobs tests and the wiring set.
import type { OutboxPolicy } from '../core/sync/outboxPolicy.js';
import type { ClockPort, CollectionsPort, ExternalTicketingFactory, LoggerPort, TicketDefinitionsPort } from '../ports.js';

export interface SyncDeps {
  definitions: TicketDefinitionsPort;
  collections: CollectionsPort;
  clock: ClockPort;
  connectors: ExternalTicketingFactory;
  logger?: LoggerPort;
  /** Jitter source; tests pass a seeded one. */
  random?: () => number;
  policy?: OutboxPolicy;
  /** Deliveries in flight at once (the connector paces them to the target's rate budget). */
  concurrency?: number;
}
