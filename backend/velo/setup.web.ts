// Admin web method that creates the package's CMS collections a site does not have yet (backend/collections.ts),
// with their permissions. Call it once after installing, and again after an update that adds a
// collection; collections that exist are left exactly as they are, so running it twice is harmless.
import { Permissions, webMethod } from 'wix-web-module';
import { setupCollections, type SetupResult } from '../wix/setupCollections.js';

export const setupCollectionsNow = webMethod(Permissions.Admin, async (): Promise<SetupResult> => setupCollections());
