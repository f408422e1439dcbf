// A LocalWix on port 0 over a temporary SQLite file, for tests. Defaults to the ticket-definition,
// checkout and events modules; pass `modules` for a different set.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalWix, type LocalWix, type LocalWixModule } from '../../local-wix/server/app.js';
import { Clock } from '../../local-wix/server/clock.js';
import { ticketDefinitionsModule } from '../../local-wix/server/ticketDefinitions.js';
import { checkoutModule } from '../../local-wix/server/checkout.js';
import { eventsModule } from '../../local-wix/server/events.js';

export interface StartedLocalWix { wix: LocalWix; baseUrl: string; dir: string; close(): Promise<void> }

export const DEFAULT_MODULES: LocalWixModule[] = [ticketDefinitionsModule, checkoutModule, eventsModule];

export async function startLocalWix(modules: LocalWixModule[] = DEFAULT_MODULES, opts: { clock?: Clock; apiKeys?: string[] } = {}): Promise<StartedLocalWix> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-wix-'));
  const wix = createLocalWix({ dbFile: path.join(dir, 'wix.db'), clock: opts.clock, apiKeys: opts.apiKeys }, modules);
  const baseUrl = await wix.listen(0);
  return {
    wix, baseUrl, dir,
    async close() {
      await wix.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
