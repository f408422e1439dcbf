// Starts a local Wix with only the Velo host attached, running the hand-written fixture site.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalWix, type LocalWixModule } from '../../local-wix/server/app.js';
import { RealtimeHub, type RealtimeMessage } from '../../local-wix/server/realtime.js';
import { tokenFor, type Identity } from '../../local-wix/server/identity.js';
import { VeloHost, type VeloHostOptions } from '../../local-wix/velo-host/host.js';
import { adminFetch } from '../../local-wix/local-key.js';

export const FIXTURE_SITE = path.resolve(import.meta.dirname, '../fixtures/velo-site/src');

/** Records the Authorization header of every Wix Data query and answers with no items. */
export function dataQueryRecorder(seen: string[]): LocalWixModule {
  return (ctx) => {
    ctx.router.get('/wix-data/v2/items/query', (req) => {
      seen.push(String(req.headers.authorization ?? ''));
      return { dataItems: [], pagingMetadata: { count: 0, offset: 0, total: 0 } };
    });
  };
}

export async function startFixture(opts: Partial<VeloHostOptions> & { modules?: LocalWixModule[] } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'velo-host-'));
  const secretsFile = path.join(tmp, 'secrets.json');
  fs.writeFileSync(secretsFile, JSON.stringify({ API_TOKEN: 'tok-123' }));
  const hub = new RealtimeHub();
  const host = new VeloHost({ siteDir: FIXTURE_SITE, hub, secretsFile, scheduleJobs: false, ...opts });
  const wix = createLocalWix({ dbFile: path.join(tmp, 'db.sqlite') }, [...(opts.modules ?? []), host.module]);
  wix.attachHost(host);
  const baseUrl = await wix.listen(0);
  await host.start(baseUrl);
  return {
    host, hub, wix, baseUrl, tmp,
    async close() { await host.stop(); await wix.close(); fs.rmSync(tmp, { recursive: true, force: true }); },
  };
}

export function collect(hub: RealtimeHub, name: string): RealtimeMessage[] {
  const got: RealtimeMessage[] = [];
  hub.subscribe({ name }, (m) => got.push(m));
  return got;
}

export async function callWebMethod(baseUrl: string, file: string, fn: string, args: unknown[], who?: Identity) {
  const res = await adminFetch(`${baseUrl}/_webMethods/${file}/${fn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(who ? { authorization: tokenFor(who) } : {}) },
    body: JSON.stringify({ args }),
  });
  return { status: res.status, body: (await res.json()) as any };
}
