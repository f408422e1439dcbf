// `npm start`: the local Wix, the Velo host running src/backend, and the demo site on one port.
//   PORT=<n>              listen there (default 5173, DEFAULT_PORT in stack.ts)
//   npm start -- --reset  delete the database and seed the demo again (.local-wix/secrets.json is kept)
//   npm start -- --cold   or LOCAL_WIX_COLD=1: fresh module state for every backend invocation, as on Wix
// Data persists across restarts in .local-wix/local-wix.sqlite; the demo seed is idempotent (created once).
import { startStack } from './stack.js';
import { loginUrl } from './site/owner-session.js';
import { CONTROL_ROOM_PATH } from './site/site-module.js';
import { seedControlRoomDemo } from './demo/controlRoomDemo.js';
import { JobsConfigError } from './velo-host/jobs.js';

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
    `  Mode               ${stack.host.cold ? 'cold: fresh module state per invocation' : 'warm: module state kept between invocations (Wix does not promise that; try --cold)'}`,
    '',
  ].join('\n'));
  const stop = async () => { await stack.close(); process.exit(0); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  if (err instanceof JobsConfigError) console.error(`\n${err.message}\n`);
  else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`\nPort in use: set PORT to another port (PORT=5174 npm start).\n`);
  else console.error(err);
  process.exit(1);
}
