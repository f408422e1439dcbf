// The local Wix Data: items and collections over SQLite, with collection permissions per caller and
// `data.js` hooks around every write. Add `dataModule` to `createLocalWix(opts, [..., dataModule])`.
import type { LocalWixModule } from './app.js';
import { DataStore } from './dataStore.js';
import { DataService } from './dataService.js';
import { DataHooks } from './dataHooks.js';
import { registerItemRoutes } from './dataItems.js';
import { CollectionsService, registerCollectionRoutes } from './dataCollections.js';
import { registerCmsRoutes } from './dataCms.js';

export const dataModule: LocalWixModule = (ctx) => {
  const store = new DataStore(ctx.db, ctx.limits.settings.dataMirrorLagMs);
  const data = new DataService(store, ctx.clock, new DataHooks(ctx.host));
  const collections = new CollectionsService(store, ctx.clock);
  registerCollectionRoutes(ctx.router, collections, store, ctx.identity);
  registerItemRoutes(ctx.router, data, ctx.identity);
  registerCmsRoutes(ctx.router, data, store);
};
