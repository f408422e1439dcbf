// `npm run job -- <functionName>`: runs one jobs.config job now on the RUNNING local Wix (`npm start`)
// through POST /_local/jobs/<functionName>/run, and prints its result. Without a name, lists the jobs.
// Target: LOCAL_WIX_URL, else http://127.0.0.1:$PORT, else port 5173 (DEFAULT_PORT in stack.ts).
import { adminFetch } from './local-key.js';

const base = (process.env.LOCAL_WIX_URL ?? `http://127.0.0.1:${process.env.PORT ?? 5173}`).replace(/\/$/, '');
const name = process.argv.slice(2).find((a) => !a.startsWith('-'));

async function call(method: string, path: string): Promise<{ status: number; body: any }> {
  let res: Response;
  try {
    res = await adminFetch(base + path, { method });
  } catch {
    console.error(`No local Wix answers at ${base}. Start it with \`npm start\` (or set LOCAL_WIX_URL / PORT).`);
    process.exit(2);
  }
  const body = await res.json().catch(() => ({}));
  if (res.status === 401) {
    console.error(`The local Wix refused the call (${body.message ?? 'HTTP 401'}). Run this next to the running npm start (it reads .local-wix/admin-api-key), or set LOCAL_WIX_API_KEY to the key it printed.`);
    process.exit(1);
  }
  return { status: res.status, body };
}

if (!name) {
  const { body } = await call('GET', '/_local/jobs');
  console.log('Usage: npm run job -- <functionName>\n\nJobs in src/backend/jobs.config:');
  for (const j of body.jobs ?? []) console.log(`  ${j.functionName.padEnd(24)} ${j.functionLocation.padEnd(20)} ${j.cron.padEnd(14)} next ${j.nextRun ?? '-'}  ${j.description ?? ''}`);
  process.exit(0);
}

const { status, body } = await call('POST', `/_local/jobs/${encodeURIComponent(name)}/run`);
if (status >= 400) {
  console.error(`Job ${name} failed (${status}): ${body.message ?? JSON.stringify(body)}`);
  process.exit(1);
}
console.log(`Job ${name} finished in ${body.durationMs} ms. Result:`);
console.log(JSON.stringify(body.result, null, 2));
