// Admin web method that creates the package's CMS collections a site does not have yet (backend/collections.ts),
// with their permissions. Call it once after installing, and again after an update that adds a
// collection; collections that exist keep their fields and data (only permissions wider than the
// schema's are narrowed, e.g. TicketCounters from before it was admin-only), so running it twice is harmless.
import { Permissions, webMethod } from 'wix-web-module';
import { setupCollections, type SetupResult } from '../wix/setupCollections.js';

export const setupCollectionsNow = webMethod(Permissions.Admin, async (): Promise<SetupResult> => setupCollections());
