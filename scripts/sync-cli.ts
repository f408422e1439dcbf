// npm run sync -- --event <id> [--dry-run] [--target <id>] [--restart] [--page-size <n>]
// Initial sync of one event from the command line, against the local Wix (default, WIX_LOCAL_URL) or a
// real site (WIX_API_KEY + WIX_SITE_ID). Target tokens come from SYNC_SECRET_<NAME> (e.g. the secret
// named "SYNC_PRETIX_TOKEN" → SYNC_SECRET_SYNC_PRETIX_TOKEN) or, on a real site, from Wix Secrets.
// --dry-run prints the plan as a table and writes nothing. An interrupted run resumes where it stopped.
import { parseArgs } from 'node:util';
import { createClient, ApiKeyStrategy } from '@wix/sdk';
import { ticketDefinitionsV2 } from '@wix/events';
import { items, collections } from '@wix/data';
import { secrets } from '@wix/secrets';
import { planTable, summarizePlan } from '../backend/core/sync/planSync.js';
import { syncTargetFactory } from '../backend/connectors/syncTargetFactory.js';
import { syncEvent, type SyncDeps } from '../backend/flows/sync.js';
import { wixCollections } from '../backend/wix/collections.js';
import { wixTicketDefinitions } from '../backend/wix/ticketDefinitions.js';
import { consoleLogger, systemClock } from '../backend/wix/runtime.js';
import type { SecretsPort } from '../backend/ports.js';
import { createLocalClient } from '../local-wix/sdk-client.js';

const { values } = parseArgs({
  options: {
    event: { type: 'string' }, target: { type: 'string' }, 'dry-run': { type: 'boolean', default: false },
    restart: { type: 'boolean', default: false }, 'page-size': { type: 'string' }, help: { type: 'boolean', default: false },
  },
});

const USAGE = 'usage: npm run sync -- --event <eventId> [--dry-run] [--target <targetId>] [--restart] [--page-size <1-100>]';

async function main() {
  if (values.help || !values.event) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const pageSize = values['page-size'] === undefined ? undefined : Number(values['page-size']);
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 100)) {
    console.error(`--page-size must be a whole number from 1 to 100, not "${values['page-size']}"\n${USAGE}`);
    process.exit(2);
  }
  const modules = { ticketDefinitionsV2, items, collections, secrets };
  const apiKey = process.env.WIX_API_KEY;
  let where: string;
  if (apiKey) {
    const siteId = process.env.WIX_SITE_ID;
    if (!siteId) throw new Error('WIX_SITE_ID is required with WIX_API_KEY');
    const client = createClient({ modules, auth: ApiKeyStrategy({ apiKey, siteId }) });
    client.enableContext('global');
    client.enableContext('global', { elevated: true });
    where = `site ${siteId}`;
  } else {
    // Same defaults as `npm run job`: LOCAL_WIX_URL, else the local Wix on PORT (5173).
    const url = process.env.WIX_LOCAL_URL ?? process.env.LOCAL_WIX_URL ?? `http://127.0.0.1:${process.env.PORT ?? 5173}`;
    const client = createLocalClient(url, modules);
    client.enableContext('global');
    client.enableContext('global', { elevated: true });
    where = `local Wix at ${url}`;
  }
  const secretsPort: SecretsPort = {
    async getSecret(name) {
      const env = process.env[`SYNC_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`];
      if (env) return env;
      const v = (await secrets.getSecretValue(name)).value;
      if (!v) throw new Error(`Secret ${name} is empty: set it in Wix Secrets Manager or SYNC_SECRET_* in the environment`);
      return v;
    },
  };
  const deps: SyncDeps = {
    definitions: wixTicketDefinitions(), collections: wixCollections(), clock: systemClock, logger: consoleLogger,
    // Outside Wix there is no 14 s limit: wait out 429s inline instead of leaving them to the outbox.
    // Loopback and plain-http targets only against the local Wix; a real site gets the live rules.
    connectors: syncTargetFactory({ secrets: secretsPort, inlineRetries: 5, localWix: !apiKey }),
  };
  const dryRun = values['dry-run'];
  console.error(`${dryRun ? 'Planning' : 'Syncing'} event ${values.event} (${where})…`);
  const report = await syncEvent(deps, {
    eventId: values.event, targetId: values.target, dryRun, restart: values.restart,
    pageSize,
    onProgress: (p) => console.error(`  ${p.targetId}: page ${p.pages}, ${p.definitions} definitions, ${JSON.stringify(p.counts)}`),
  });
  for (const p of report.problems) console.error(`! ${p}`);
  for (const t of report.targets) {
    console.log(`\nTarget ${t.targetId} → external event ${t.externalEventId}${t.resumed ? ' (resumed)' : ''}${dryRun ? ' — dry run, nothing written' : ''}`);
    if (dryRun) console.log(planTable(t.plan));
    console.log(`summary: ${JSON.stringify(dryRun ? summarizePlan(t.plan) : t.counts)}`);
    for (const w of t.warnings) console.log(`warning: ${w}`);
    for (const f of t.failures) console.log(`failed: ${f}`);
  }
  if (!report.targets.length) process.exitCode = 1;
}

main().catch((e) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
