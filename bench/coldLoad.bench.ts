// What the generated layout costs a cold start: the Velo host's cold mode gives every invocation fresh
// module instances (Wix's short-lived containers), so each invocation re-runs the module bodies of the
// entry file and of every site file it imports statically. The sync and alert flows are imported
// lazily from events.js, so an order event does not instantiate them; this measures both cases.
//   npx tsx bench/coldLoad.bench.ts [siteDir]     (default: this repository's src/)
// Prints, per entry file, the mean and p95 time of a cold load and how many site files it instantiated.
import path from 'node:path';
import { SiteLoader } from '../local-wix/velo-host/site-loader.js';

const siteDir = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '../src'));
const RUNS = Number(process.env.RUNS ?? 200);
const loader = new SiteLoader(siteDir, true);

async function measure(label: string, run: () => Promise<unknown>) {
  await run(); // compile once (not part of a cold start: Wix deploys compiled code)
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  console.log(`cold ${label.padEnd(44)} mean_ms=${mean.toFixed(3)} p95_ms=${ms[Math.floor(ms.length * 0.95)]!.toFixed(3)}`);
  return mean;
}

console.log(`site=${path.relative(process.cwd(), siteDir) || '.'} runs=${RUNS}`);
for (const f of ['events.js', 'data.js', 'counter.web.js', 'alerts.web.js']) {
  await measure(`load ${f}`, () => loader.load(f));
}
// The lazy part: what the first ticket-definition event adds when it loads the sync and alert flows.
const lazy = path.join(siteDir, 'backend/ticket-flows/flows/sync.js');
const { existsSync } = await import('node:fs');
if (existsSync(lazy)) {
  for (const f of ['ticket-flows/flows/sync.js', 'ticket-flows/velo/wiring/syncDeps.js', 'ticket-flows/flows/alerts.js', 'ticket-flows/velo/wiring/alertsDeps.js']) await measure(`load ${f} (lazy)`, () => loader.load(f));
}
console.log(`RESULT cold_load compiles=${loader.stats.compiles} loads=${loader.stats.loads}`);
