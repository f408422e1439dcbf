// The build's rules for living next to the owner's code: a handler name the owner already exports
// stops the build with the two-line way to run both; the 20-job limit counts the owner's jobs; a file
// the build did not write is never overwritten; generated names mirror the sources (no hashes).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan, BuildStop, mergeJobsConfig, planBuild, splitBlock, MANIFEST } from '../../scripts/build-velo.js';
import { readVeloExports } from '../../local-wix/velo-host/static-exports.js';
import { startStack } from '../../local-wix/stack.js';
import { dataQueriesServed } from '../support/testStack.js';
import { items } from '@wix/data';
import { ADMIN, createLocalClient } from '../../local-wix/sdk-client.js';

const root = path.resolve(import.meta.dirname, '../..');
let site: string | null = null;
afterEach(() => { if (site) fs.rmSync(site, { recursive: true, force: true }); site = null; });

function siteWith(files: Record<string, string>): string {
  site = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-site-'));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(site, f)), { recursive: true });
    fs.writeFileSync(path.join(site, f), text);
  }
  return site;
}
const read = (f: string) => fs.readFileSync(path.join(site!, f), 'utf8');

describe('an owner handler with a name the package needs', () => {
  const ownerEvents = "export async function wixEvents_onOrderConfirmed(event) {\n  console.log('owner', event.orderNumber);\n}\n";

  it('stops the build, naming the handler and showing the two lines that call both', async () => {
    const dir = siteWith({ 'src/backend/events.js': ownerEvents });
    const err = await planBuild(dir).catch((e: Error) => e);
    expect(err).toBeInstanceOf(BuildStop);
    const msg = (err as Error).message;
    expect(msg).toContain('src/backend/events.js already exports wixEvents_onOrderConfirmed');
    expect(msg).toContain("import { wixEvents_onOrderConfirmed as ticketFlows_wixEvents_onOrderConfirmed } from './ticket-flows/velo/events.js';");
    expect(msg).toContain('await ticketFlows_wixEvents_onOrderConfirmed(event);');
    expect(read('src/backend/events.js')).toBe(ownerEvents);
    expect(fs.existsSync(path.join(dir, MANIFEST))).toBe(false);
  });

  it('with those two lines the build leaves that handler to the owner and adds the others', async () => {
    const twoLines = "import { wixEvents_onOrderConfirmed as ticketFlows_wixEvents_onOrderConfirmed } from './ticket-flows/velo/events.js';\n"
      + "export async function wixEvents_onOrderConfirmed(event) {\n  await ticketFlows_wixEvents_onOrderConfirmed(event);\n  console.log('owner', event.orderNumber);\n}\n";
    const dir = siteWith({ 'src/backend/events.js': twoLines });
    applyPlan(dir, await planBuild(dir));
    const text = read('src/backend/events.js');
    expect(splitBlock(text, 'events.js').owner).toBe(twoLines);
    const { handlers, refused } = readVeloExports(text);
    expect(refused).toEqual([]);
    expect(handlers).toContain('wixEvents_onOrderConfirmed');
    expect(handlers).toContain('wixEvents_onOrderUpdated');
    expect(text.match(/export (async )?function wixEvents_onOrderConfirmed\b/g)).toHaveLength(1);
  });

  it('on the local Velo host, the owner\'s handler runs and calls the package\'s through those two lines', async () => {
    const owner = "import { publish } from 'wix-realtime-backend';\n"
      + "import { wixEvents_onOrderConfirmed as ticketFlows_wixEvents_onOrderConfirmed } from './ticket-flows/velo/events.js';\n"
      + "export async function wixEvents_onOrderConfirmed(event) {\n  await ticketFlows_wixEvents_onOrderConfirmed(event);\n  await publish({ name: 'owner-orders' }, { orderNumber: event.orderNumber });\n}\n";
    const dir = siteWith({ 'src/backend/events.js': owner });
    applyPlan(dir, await planBuild(dir));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-stack-'));
    const stack = await startStack({ port: 0, dataDir, siteDir: path.join(dir, 'src'), cold: true, scheduleJobs: false, seed: false, pages: [] });
    try {
      const before = dataQueriesServed(stack);
      stack.host.dispatchEvent('wixEvents_onOrderConfirmed', { orderNumber: 'o-7', eventId: '0f6b1c2e-8a4d-4c3b-9e71-2d5a6b7c8d01', tickets: [{ ticketNumber: 't-7', ticketDefinitionId: '0f6b1c2e-8a4d-4c3b-9e71-2d5a6b7c8d02' }] });
      await stack.host.idle();
      expect(stack.hub.published.filter((m) => m.channel.name === 'owner-orders').map((m) => m.payload)).toEqual([{ orderNumber: 'o-7' }]);
      // The package's handler ran too: it looked up the counter's read schedule in its own collection.
      expect(dataQueriesServed(stack)).toBeGreaterThan(before);
    } finally {
      await stack.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('an owner realtime_check_permission stops the build, with the rename that lets the block call it', async () => {
    const dir = siteWith({ 'src/backend/realtime-permissions.js': 'export function realtime_check_permission(channel, subscriber) {\n  return { read: true };\n}\n' });
    await expect(planBuild(dir)).rejects.toThrow(/already exports realtime_check_permission[\s\S]*function siteRealtimePermission\(channel, subscriber\)/);
  });
});

describe('jobs.config', () => {
  /** The package's own jobs, as its source jobs.config lists them. */
  const packageJobCount = () => (JSON.parse(fs.readFileSync(path.join(root, 'backend/velo/jobs.config'), 'utf8')) as { jobs: unknown[] }).jobs.length;
  const job = (n: number) => ({ functionLocation: '/mine.js', functionName: `job${n}`, executionConfig: { cronExpression: `${n} * * * *` } });

  it('stops the build when the owner\'s jobs and the package\'s would pass Wix\'s 20', async () => {
    // The owner has one job too many beside the package's.
    const ours = packageJobCount();
    const owners = 21 - ours;
    const dir = siteWith({ 'src/backend/jobs.config': JSON.stringify({ jobs: Array.from({ length: owners }, (_, i) => job(i)) }, null, 2) });
    await expect(planBuild(dir)).rejects.toThrow(new RegExp(`would have 21 jobs \\(${owners} yours, ${ours} from ticket-flows\\); Wix runs at most 20\\. Remove 1 of yours`));
  });

  it('the owner\'s jobs and the package\'s fit when they make exactly 20', async () => {
    const dir = siteWith({ 'src/backend/jobs.config': JSON.stringify({ jobs: Array.from({ length: 20 - packageJobCount() }, (_, i) => job(i)) }, null, 2) });
    applyPlan(dir, await planBuild(dir));
    expect(JSON.parse(read('src/backend/jobs.config')).jobs).toHaveLength(20);
  });

  it('a job the owner added after the package\'s is kept when the package\'s are rewritten', () => {
    const ours = [{ functionLocation: '/ticket-flows/velo/jobs.js', functionName: 'a', executionConfig: { cronExpression: '0 * * * *' } }];
    const withOwnerLast = JSON.stringify({ jobs: [ours[0], job(1)] }, null, 2);
    const merged = JSON.parse(mergeJobsConfig(withOwnerLast, ours)!).jobs;
    expect(merged).toEqual([job(1), ours[0]]);
  });
});

describe('what the build owns', () => {
  it('never overwrites a file it did not write', async () => {
    const dir = siteWith({ 'src/backend/counter.web.js': "export const mine = 1;\n" });
    await expect(planBuild(dir)).rejects.toThrow(/src\/backend\/counter\.web\.js exists and was not written by this build/);
  });

  it('removes only files on its manifest: an owner file in the package folder\'s parent stays', async () => {
    const dir = siteWith({ 'src/backend/ownerCode.js': 'export const x = 1;\n' });
    applyPlan(dir, await planBuild(dir));
    applyPlan(dir, await planBuild(dir, { remove: true }));
    expect((fs.readdirSync(path.join(dir, 'src'), { recursive: true }) as string[]).sort()).toEqual(['backend', 'backend/ownerCode.js']);
  });

  it('names each generated backend file after its source module: no content hashes', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, MANIFEST), 'utf8')) as { generated: string[] };
    for (const f of manifest.generated.filter((g) => g.startsWith('src/backend/'))) {
      const source = f.startsWith('src/backend/ticket-flows/') ? f.replace('src/backend/ticket-flows/', 'backend/') : f.replace('src/backend/', 'backend/velo/');
      expect(fs.existsSync(path.join(root, source.replace(/\.js$/, '.ts'))), f).toBe(true);
    }
    for (const f of manifest.generated) expect(path.basename(f), f).not.toMatch(/[-.][A-Z0-9]{8}\.js$/);
  });

  it('takes over the output of a build from before the manifest (whole files marked generated, hashed chunks)', async () => {
    const banner = '// GENERATED by `npm run build` from backend/ (entry points in backend/velo/). Do not edit: change the TypeScript source.\n';
    const dir = siteWith({
      'src/backend/events.js': `${banner}var wixEvents_onOrderConfirmed = async () => {};\nexport { wixEvents_onOrderConfirmed };\n`,
      'src/backend/jobs.js': `${banner}export async function sweepSaleAlerts() {}\n`,
      'src/backend/jobs.config': JSON.stringify({ jobs: [{ functionLocation: '/jobs.js', functionName: 'sweepSaleAlerts', executionConfig: { cronExpression: '2 * * * *' } }] }),
      'src/backend/shared/chunk-SFSOICGR.js': `${banner}export const x = 1;\n`,
      'src/backend/ownerCode.js': 'export const mine = 1;\n',
    });
    applyPlan(dir, await planBuild(dir));
    expect(fs.existsSync(path.join(dir, 'src/backend/shared'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'src/backend/jobs.js'))).toBe(false);
    expect(readVeloExports(read('src/backend/events.js')).refused).toEqual([]);
    expect(JSON.parse(read('src/backend/jobs.config')).jobs.every((j: { functionLocation: string }) => j.functionLocation === '/ticket-flows/velo/jobs.js')).toBe(true);
    expect(read('src/backend/ownerCode.js')).toBe('export const mine = 1;\n');
  });
});
