// Composition root of the sync flow inside Wix: ports bound to Wix modules, connectors reading their
// tokens from Wix Secrets. No inline 429 waits here: a throttled delivery goes back to the outbox.
import { getSecret } from 'wix-secrets-backend';
import { syncTargetFactory } from '../../connectors/syncTargetFactory.js';
import type { SyncDeps } from '../../flows/sync.js';
import { wixCollections } from '../../wix/collections.js';
import { wixTicketDefinitions } from '../../wix/ticketDefinitions.js';
import { consoleLogger, systemClock } from '../../wix/runtime.js';
import { isLocalWix } from './deployment.js';

export function syncDeps(): SyncDeps {
  return {
    definitions: wixTicketDefinitions(),
    collections: wixCollections(),
    clock: systemClock,
    logger: consoleLogger,
    connectors: syncTargetFactory({ secrets: { getSecret }, inlineRetries: 0, timeoutMs: 5_000, localWix: isLocalWix }),
    concurrency: 4,
  };
}
