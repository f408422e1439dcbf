// A LocalWix with only the Wix Data module, on port 0 over a temporary SQLite file, plus SDK clients
// (genuine @wix/data modules) acting as the site owner, a visitor or a member.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { items, collections } from '@wix/data';
import { createLocalWix, type LocalWix, type SiteCodeHost } from '../../local-wix/server/app.js';
import { dataModule } from '../../local-wix/server/dataModule.js';
import { createClient } from '@wix/sdk';
import { ADMIN, VISITOR, localAuth, localWixFetch } from '../../local-wix/sdk-client.js';
import type { Identity } from '../../local-wix/server/identity.js';

export const MEMBER: Identity = { role: 'SITE_MEMBER', id: 'member-1' };
export const OTHER_MEMBER: Identity = { role: 'SITE_MEMBER', id: 'member-2' };

export interface DataServer {
  wix: LocalWix;
  url: string;
  /** Every exchange of the SDK clients: request as sent, response as answered. */
  exchanges: Exchange[];
  client(identity: Identity): DataClient;
  admin: DataClient;
  visitor: DataClient;
  close(): Promise<void>;
}

export interface Exchange { method: string; path: string; query: URLSearchParams; requestBody: unknown; status: number; responseBody: unknown }

function makeClient(url: string, identity: Identity, exchanges: Exchange[]) {
  const base = localWixFetch(url);
  const recording = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await base(input, init);
    const u = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
    const text = await res.clone().text();
    exchanges.push({
      method: init?.method ?? 'GET', path: u.pathname, query: u.searchParams,
      requestBody: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      status: res.status, responseBody: text ? JSON.parse(text) : undefined,
    });
    return res;
  }) as typeof fetch;
  return createClient({ modules: { items, collections }, auth: localAuth(identity) as any, fetch: recording });
}
export type DataClient = ReturnType<typeof makeClient>;

/**
 * `mirrorLagMs`: how long a write takes to reach reads without consistentRead (dataMirror.ts). Default
 * 0 here: these contract tests read what they just wrote; the lag has its own tests (dataMirror.test.ts).
 */
export async function startDataServer(opts: { host?: SiteCodeHost; mirrorLagMs?: number } = {}): Promise<DataServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-wix-data-'));
  const wix = createLocalWix({ dbFile: path.join(dir, 'wix.db'), limits: { dataMirrorLagMs: opts.mirrorLagMs ?? 0 } }, [dataModule]);
  if (opts.host) wix.attachHost(opts.host);
  const url = await wix.listen(0);
  const exchanges: Exchange[] = [];
  const client = (identity: Identity) => makeClient(url, identity, exchanges);
  return {
    wix, url, exchanges, client,
    admin: client(ADMIN),
    visitor: client(VISITOR),
    async close() {
      await wix.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
