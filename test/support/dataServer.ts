// A LocalWix with only the Wix Data module, on port 0 over a temporary SQLite file, plus SDK clients
// (genuine @wix/data modules) acting as the site owner, a visitor or a member.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { items, collections } from '@wix/data';
import { createLocalWix, type LocalWix, type SiteCodeHost } from '../../local-wix/server/app.js';
import { dataModule } from '../../local-wix/server/dataModule.js';
import { ADMIN, VISITOR, createLocalClient } from '../../local-wix/sdk-client.js';
import type { Identity } from '../../local-wix/server/identity.js';

export const MEMBER: Identity = { role: 'SITE_MEMBER', id: 'member-1' };
export const OTHER_MEMBER: Identity = { role: 'SITE_MEMBER', id: 'member-2' };

export interface DataServer {
  wix: LocalWix;
  url: string;
  /** Every request the SDK clients sent: method and path+query. */
  requests: { method: string; url: string; body?: string }[];
  client(identity: Identity): ReturnType<typeof createLocalClient<{ items: typeof items; collections: typeof collections }>>;
  admin: ReturnType<typeof createLocalClient<{ items: typeof items; collections: typeof collections }>>;
  visitor: ReturnType<typeof createLocalClient<{ items: typeof items; collections: typeof collections }>>;
  close(): Promise<void>;
}

export async function startDataServer(opts: { host?: SiteCodeHost } = {}): Promise<DataServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-wix-data-'));
  const wix = createLocalWix({ dbFile: path.join(dir, 'wix.db') }, [dataModule]);
  if (opts.host) wix.attachHost(opts.host);
  const url = await wix.listen(0);
  const requests: DataServer['requests'] = [];
  const client = (identity: Identity) => createLocalClient(url, { items, collections }, identity, (method, u, body) => requests.push({ method, url: u, body }));
  return {
    wix, url, requests, client,
    admin: client(ADMIN),
    visitor: client(VISITOR),
    async close() {
      await wix.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
