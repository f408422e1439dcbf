// The whole local Wix in one call: the HTTP server with its Wix-compatible modules (ticket
// definitions, checkout, Wix Data, CRM), the Velo host running the site's built backend, the local
// site with realtime, collection setup and the demo seed. Used by `npm start`, tests and benchmarks.
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createLocalWix, type LocalWix, type LocalWixModule } from './server/app.js';
import { RealtimeHub } from './server/realtime.js';
import { crmFor, crmModule } from './server/crm.js';
import { checkoutModule } from './server/checkout.js';
import { dataModule } from './server/dataModule.js';
import { ticketDefinitionsModule } from './server/ticketDefinitions.js';
import { eventsModule } from './server/events.js';
import * as site from './site/site-module.js';
import type { PageDef } from './site/site-module.js';
import { ADMIN } from './sdk-client.js';
import { VeloHost } from './velo-host/host.js';
import { findDemoDefinitions, seedDemo } from './demo/seed.js';
import { ensureDemoSecrets } from './demo/secrets.js';
import { setupCollections } from '../backend/wix/setupCollections.js';
import type { LimitsOption } from './server/limitSettings.js';
import { writeLocalKeyFile } from './local-key.js';
import { demoTicketingModule } from './demo/ticketing.js';
import { readDemoTicketingSecret } from './demo/controlRoomDemo.js';

const ROOT = path.resolve(import.meta.dirname, '..');
/** Default port of `npm start` (also in run-job.ts); override with PORT. */
export const DEFAULT_PORT = 5173;

export interface StackOptions {
  /** 0 picks a free port. Default: PORT or 5173. */
  port?: number;
  /** Folder for the database (and, by default, secrets.json). Default `.local-wix/` in the repo. */
  dataDir?: string;
  /** Default `<dataDir>/local-wix.sqlite`. */
  dbFile?: string;
  /** Fresh module state per invocation (as Wix). Default: env LOCAL_WIX_COLD=1. */
  cold?: boolean;
  /** Seed the demo event (idempotent): true, never (false), or only into a new database ('if-empty'). */
  seed?: boolean | 'if-empty';
  /** Delete the database first (secrets.json is kept). */
  reset?: boolean;
  /** The site's `src` folder. Default the repo's `src`. */
  siteDir?: string;
  /** Default `<dataDir>/secrets.json`. */
  secretsFile?: string;
  /** Pages the local site serves: a list, or the name of a `<name>Pages()` export of site-module (default 'demo'). */
  pages?: PageDef[] | string;
  /** Run jobs.config on its cron schedule. Default true. */
  scheduleJobs?: boolean;
  /** When a failed or slow event delivery is sent again (VeloHostOptions.redeliveryMs). Default: Wix's resend policy. */
  redeliveryMs?: readonly number[];
  /** Fill the local secrets file with demo settings and keys where missing (default true). */
  demoSecrets?: boolean;
  /** API keys accepted as admin (e.g. for `npm run sync`). */
  apiKeys?: string[];
  /**
   * A live site's quotas, time limits and per-call latency (local-wix/server/limitSettings.ts): false
   * turns quotas and time limits off (say why where you do), an object overrides single settings.
   * Default: on, each setting from its LOCAL_WIX_* environment variable or Wix's published number.
   */
  limits?: LimitsOption;
}

export interface Stack {
  baseUrl: string;
  wix: LocalWix;
  host: VeloHost;
  hub: RealtimeHub;
  dbFile: string;
  /** This start's admin API key (also `wix.localKey`), written to `apiKeyFile` for scripts. */
  apiKey: string;
  apiKeyFile: string;
  /** The site ID API key calls name in `wix-site-id` (wix.config.json). */
  siteId: string;
  /** Whether this start created the demo. */
  seeded: boolean;
  /** The site owner's key: `loginUrl(baseUrl, ownerKey, path)` logs a browser in to the dashboard pages. */
  ownerKey: string;
  /** The local Wix Secrets file the Velo host reads. */
  secretsFile: string;
  close(): Promise<void>;
}

/** The site ID of wix.config.json, the one an API key call names in `wix-site-id`. */
function siteIdOf(root: string): string {
  const config = JSON.parse(fs.readFileSync(path.join(root, 'wix.config.json'), 'utf8')) as { siteId?: unknown };
  if (typeof config.siteId !== 'string' || !config.siteId) throw new Error('wix.config.json has no siteId');
  return config.siteId;
}

function resolvePages(pages: StackOptions['pages']): PageDef[] {
  if (Array.isArray(pages)) return pages;
  const name = pages ?? 'demo';
  const make = (site as Record<string, unknown>)[`${name}Pages`];
  if (typeof make !== 'function') throw new Error(`Unknown pages "${name}": local-wix/site/site-module.ts has no ${name}Pages()`);
  return make() as PageDef[];
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const dataDir = path.resolve(opts.dataDir ?? path.join(ROOT, '.local-wix'));
  const dbFile = path.resolve(opts.dbFile ?? path.join(dataDir, 'local-wix.sqlite'));
  const siteDir = path.resolve(opts.siteDir ?? path.join(ROOT, 'src'));
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  if (opts.reset) for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) fs.rmSync(f, { force: true });
  const freshDb = !fs.existsSync(dbFile);

  const hub = new RealtimeHub();
  const secretsFile = opts.secretsFile ?? path.join(dataDir, 'secrets.json');
  const host = new VeloHost({
    siteDir, hub, cold: opts.cold,
    secretsFile,
    scheduleJobs: opts.scheduleJobs ?? true,
    redeliveryMs: opts.redeliveryMs,
  });
  const pages = resolvePages(opts.pages);
  // The owner's login to the local dashboard pages (local-wix/site/owner-session.ts), new each start.
  const ownerKey = randomUUID();
  const modules: LocalWixModule[] = [ticketDefinitionsModule, eventsModule, checkoutModule, dataModule, crmModule, demoTicketingModule(() => readDemoTicketingSecret(secretsFile)), host.module, site.siteModule({
    siteDir, hub, pages, ownerKey,
    checkRealtimePermission: (channel, subscriber) => host.checkRealtimePermission(channel, subscriber),
  })];
  const siteId = siteIdOf(ROOT);
  const wix = createLocalWix({ dbFile, apiKeys: [...(opts.apiKeys ?? []), ownerKey], limits: opts.limits, siteId }, modules);
  // Site code reaches the CRM in-process (wix-crm-backend): its calls count as Wix API calls and emails.
  host.crm = wix.limits.meterCrm(crmFor(wix.db));
  // Publishing and clearing cached web method answers are Wix calls too: each waits the latency.
  host.callLatency = () => wix.limits.latency();
  wix.attachHost(host);

  const port = opts.port ?? (process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT);
  let baseUrl: string;
  try {
    baseUrl = await wix.listen(port);
  } catch (err) {
    await wix.close().catch(() => {});
    throw err;
  }
  const apiKeyFile = writeLocalKeyFile(dataDir, wix.localKey);
  const close = async () => { await host.stop(); await wix.close(); };
  try {
    if (opts.demoSecrets ?? true) ensureDemoSecrets(secretsFile, baseUrl);
    await host.start(baseUrl);
    // Start-up is the local Wix setting itself up, not the site's traffic: it uses no quota.
    const { seeded, demo } = await wix.limits.unmetered(async () => {
      // Collections are created by the package's own setup code, through the SDK, as the site owner.
      await host.runAs(ADMIN, () => setupCollections(), 'setupCollections');
      const seed = opts.seed ?? false;
      let seeded = false;
      if (seed === true || (seed === 'if-empty' && freshDb)) seeded = (await seedDemo(baseUrl)).created;
      // The demo layout names definitions; a site owner would paste their IDs into the editor.
      return { seeded, demo: await findDemoDefinitions(baseUrl) };
    });
    const vars = Object.fromEntries([...demo].map(([name, d]) => [`definition:${name}`, d._id!]));
    for (const p of pages) p.vars = { ...vars, ...p.vars };
    return { baseUrl, wix, host, hub, dbFile, apiKey: wix.localKey, apiKeyFile, siteId, seeded, ownerKey, secretsFile, close };
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
}
