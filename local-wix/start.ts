// `npm start`: the local Wix, the Velo host running src/backend, and the demo site on one port.
//   PORT=<n>              listen there (default 5173, DEFAULT_PORT in stack.ts)
//   npm start -- --reset  delete the database and seed the demo again (.local-wix/secrets.json is kept)
//   npm start -- --cold   or LOCAL_WIX_COLD=1: fresh module state for every backend invocation, as on Wix
//   LOCAL_WIX_LIMITS=0 and LOCAL_WIX_*_PER_MIN, LOCAL_WIX_DATA_REQUEST_MS, LOCAL_WIX_JOB_MS, LOCAL_WIX_EVENT_MS, LOCAL_WIX_LATENCY_MS:
//                         a live site's quotas, time limits and latency (on by default; README → The local Wix)
// Each start prints a fresh admin API key (also written to .local-wix/admin-api-key; see local-key.ts).
// Data persists across restarts in .local-wix/local-wix.sqlite; the demo seed is idempotent (created once).
import { startStack } from './stack.js';
import { loginUrl } from './site/owner-session.js';
import { CONTROL_ROOM_PATH } from './site/site-module.js';
import { seedControlRoomDemo } from './demo/controlRoomDemo.js';
import { JobsConfigError } from './velo-host/jobs.js';
import { LimitSettingError, formatLatency, type LimitSettings } from './server/limitSettings.js';

function describeLimits(s: LimitSettings): string {
  const lag = `; reads without consistentRead lag ${s.dataMirrorLagMs > 0 ? `${s.dataMirrorLagMs.toLocaleString('en-US')} ms` : 'not at all'} (LOCAL_WIX_DATA_MIRROR_LAG_MS)`;
  if (!s.enabled) return `off (LOCAL_WIX_LIMITS=0)   latency ${formatLatency(s.latencyMs)}${lag}`;
  const n = (v: number, unit: string) => (v > 0 ? `${v.toLocaleString('en-US')}${unit}` : 'no limit');
  return [
    `data reads ${n(s.dataReadsPerMin, '/min')}, writes ${n(s.dataWritesPerMin, '/min')}, ${n(s.dataRequestMs, ' ms')} each;`,
    `Wix API calls ${n(s.apiCallsPerMin, '/min')}; emails ${n(s.emailsPerMin, '/min')}; backend requests ${n(s.backendRequestsPerMin, '/min')};`,
    `jobs ${n(s.jobMs, ' ms')}, event handlers ${n(s.eventMs, ' ms')} (one that fails or runs past 1,250 ms is sent again, on Wix's resend schedule); latency ${formatLatency(s.latencyMs)}${lag}`,
  ].join(' ');
}
import { StaticExportError } from './velo-host/static-exports.js';

const args = new Set(process.argv.slice(2));
try {
  const stack = await startStack({
    reset: args.has('--reset'),
    cold: args.has('--cold') || process.env.LOCAL_WIX_COLD === '1',
    seed: true,
    // LOCAL_WIX_DATA_DIR: another folder for the database and secrets (default .local-wix/ in the repo).
    ...(process.env.LOCAL_WIX_DATA_DIR ? { dataDir: process.env.LOCAL_WIX_DATA_DIR } : {}),
  });
  // The control room's demo data: a sync target (the local demo box office), a subscriber, one run of each job.
  await seedControlRoomDemo(stack.baseUrl, stack.secretsFile, { firstStart: stack.seeded });
  const u = stack.baseUrl;
  console.log([
    '',
    `  Site (demo page)   ${u}/`,
    `  Dashboard          ${loginUrl(u, stack.ownerKey, CONTROL_ROOM_PATH)}   (the control room; this link logs you in as the site owner)`,
    `  Local Wix API      ${u}   (the SDK's https://www.wixapis.com/<path> → ${u}/<path>; see local-wix/sdk-client.ts)`,
    `  Inbox              ${u}/_local/inbox.html`,
    `  Velo host log      ${u}/_local/velo/log     jobs: ${u}/_local/jobs   (run one: npm run job -- <functionName>)`,
    `  Database           ${stack.dbFile}${stack.seeded ? '   (demo seeded)' : ''}`,
    `  Limits             ${describeLimits(stack.wix.limits.settings)}   (use: ${u}/_local/stats)`,
    `  Admin API key      ${stack.apiKey}`,
    `                     (new at every start, also in ${stack.apiKeyFile}; site ID ${stack.siteId}. Use it with @wix/sdk's`,
    `                     ApiKeyStrategy, or send it as x-local-wix-key to the /_local/* admin routes. See README → The local Wix.)`,
    `  Mode               ${stack.host.cold ? 'cold: fresh module state per invocation' : 'warm: module state kept between invocations (Wix does not promise that; try --cold)'}`,
    '',
  ].join('\n'));
  const stop = async () => { await stack.close(); process.exit(0); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  if (err instanceof JobsConfigError || err instanceof LimitSettingError || err instanceof StaticExportError) console.error(`\n${err.message}\n`);
  else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`\nPort in use: set PORT to another port (PORT=5174 npm start).\n`);
  else console.error(err);
  process.exit(1);
}
