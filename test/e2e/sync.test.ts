// Sync end to end on the local Wix: the real site code (src/backend) in the Velo host, cold, talking to
// the local Pretix over HTTP. The owner configures the sync through the CMS (genuine SDK, as admin),
// runs the initial sync through the admin web method, then edits and deletes definitions through the
// SDK: the events reach the site code and the changes reach Pretix. A Pretix outage leaves the work in
// the outbox; the hourly job delivers it once.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { items } from '@wix/data';
import { ticketDefinitionsV2 } from '@wix/events';
import { startStack, type Stack } from '../../local-wix/stack.js';
import { ADMIN, VISITOR, createLocalClient } from '../../local-wix/sdk-client.js';
import { tokenFor } from '../../local-wix/server/identity.js';
import { DEMO, findDemoDefinitions } from '../../local-wix/demo/seed.js';
import { defaultMappingRows } from '../../backend/core/sync/defaultMappings.js';
import { PretixServer } from '../vendors/pretixServer.js';
import { guid } from '../support/guids.js';
import { adminFetch } from '../../local-wix/local-key.js';

const LATE_EVENT = guid('late-event');
const BIG_EVENT = guid('big-event');

const ROOT = path.resolve(import.meta.dirname, '../..');
/** `npm run sync -- …` as a child process against the test's local Wix. */
const cli = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
  execFile(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/sync-cli.ts', ...args], { cwd: ROOT, env: { ...process.env, WIX_LOCAL_URL: stack.baseUrl, WIX_API_KEY: '', LOCAL_WIX_API_KEY: stack.apiKey }, timeout: 60_000 },
    (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }));
});

const TARGET = 'pretix-main';
const SLUG = 'jazz-2026';
let stack: Stack;
let pretix: PretixServer;
let dataDir: string;
let cms: ReturnType<typeof createLocalClient<{ items: typeof items }>>;
let defsApi: ReturnType<typeof createLocalClient<{ ticketDefinitionsV2: typeof ticketDefinitionsV2 }>>;

const post = async (p: string, body: unknown, auth?: string | null) => {
  const res = await adminFetch(`${stack.baseUrl}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
};
const syncEventNow = (input: unknown, auth: string | null = tokenFor(ADMIN)) => post('/_webMethods/sync.web.js/syncEventNow', { args: [input] }, auth);
const runJob = (name: string) => post(`/_local/jobs/${name}/run`, {});
const veloLog = async () => (await (await adminFetch(`${stack.baseUrl}/_local/velo/log`)).json()) as any;
const all = async (collection: string) => (await cms.items.query(collection).limit(1000).find({ consistentRead: true })).items as any[];
const byInternalName = () => new Map(pretix.allItems().map((i) => [String(i.internal_name), i]));
const writeSecrets = (extra: Record<string, string>) => {
  const file = path.join(dataDir, 'secrets.json');
  const cur = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  fs.writeFileSync(file, JSON.stringify({ ...cur, ...extra }, null, 2));
};
/** Awaits the site code's event handlers (they run after the SDK call returns). */
const settle = () => stack.host.idle();

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-sync-'));
  pretix = new PretixServer({ organizer: 'jazzclub', token: 'secret-pretix-token' });
  pretix.addEvent(SLUG);
  await pretix.start();
  writeSecrets({ SYNC_PRETIX_TOKEN: pretix.token });
  stack = await startStack({ port: 0, dataDir, seed: true, cold: true, scheduleJobs: false });
  cms = createLocalClient(stack.baseUrl, { items }, ADMIN);
  defsApi = createLocalClient(stack.baseUrl, { ticketDefinitionsV2 }, ADMIN);
}, 60_000);
afterAll(async () => { await stack?.close(); await pretix?.close(); });

describe('sync to Pretix on the local Wix', () => {
  it('the owner configures the sync in the CMS; a bad mapping row is refused with the reason', async () => {
    await cms.items.insert('SyncTargets', { _id: TARGET, title: 'Pretix', kind: 'pretix', baseUrl: pretix.baseUrl, secretName: 'SYNC_PRETIX_TOKEN', enabled: true, deleteBehaviour: 'deactivate', options: { organizer: 'jazzclub' } });
    await cms.items.insert('SyncEventMappings', { _id: 'jazz', targetId: TARGET, eventId: DEMO.eventId, externalEventId: SLUG, enabled: true });
    // The owner starts from the shipped Pretix mapping (admin web method), then edits rows in the CMS.
    const preset = await post('/_webMethods/sync.web.js/addSyncMappingPreset', { args: [{ targetId: TARGET }] }, tokenFor(ADMIN));
    expect(preset.body.result).toMatchObject({ preset: 'pretix', skipped: [] });
    expect(preset.body.result.inserted).toEqual(defaultMappingRows(TARGET, 'pretix').map((r) => r.targetField));

    const bad = cms.items.insert('SyncFieldMappings', { _id: 'bad', targetId: TARGET, sourcePath: 'nmae', targetField: 'x', transform: 'uppercase' });
    await expect(bad).rejects.toThrow(/Source path "nmae" is not a ticket definition field\. Did you mean "name"/);
    await expect(cms.items.insert('SyncFieldMappings', { _id: 'bad2', targetId: TARGET, sourcePath: 'name', targetField: 'x', transform: 'uppercase' })).rejects.toThrow(/Transform "uppercase" is not known\..*Known transforms: none/);
    await expect(cms.items.insert('SyncTargets', { _id: 't2', kind: 'pretix', baseUrl: 'ftp://x', secretName: 'x' })).rejects.toThrow(/baseUrl/);
    expect((await all('SyncFieldMappings')).map((r) => r._id)).not.toContain('bad');
  });

  it('a visitor cannot run the sync', async () => {
    const anon = await syncEventNow({ eventId: DEMO.eventId }, null);
    expect(anon.status).toBeGreaterThanOrEqual(400);
    const visitor = await syncEventNow({ eventId: DEMO.eventId }, tokenFor(VISITOR));
    expect(visitor.status).toBeGreaterThanOrEqual(400);
    expect(pretix.stats.requests).toBe(0);
  });

  it('a dry run returns the plan and writes nothing', async () => {
    const r = await syncEventNow({ eventId: DEMO.eventId, dryRun: true });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const t = r.body.result.targets[0];
    expect(r.body.result.problems).toEqual([]);
    expect(t.counts).toMatchObject({ create: 5, update: 0, delete: 0, invalid: 0 });
    expect(t.plan).toContain('General Admission');
    expect(pretix.stats.requests).toBe(0);
    expect(await all('SyncLinks')).toHaveLength(0);
    expect(await all('SyncRuns')).toHaveLength(0);
  });

  it('npm run sync -- --dry-run prints the plan from the command line and writes nothing', async () => {
    const r = await cli(['--event', DEMO.eventId, '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^create\s+\S+\s+Festival Pass/m);
    expect(r.stdout).toContain('summary: {"create":5,"update":0,"unchanged":0,"delete":0,"invalid":0}');
    expect(r.stderr).toContain('page 1, 5 definitions');
    expect(pretix.stats.requests).toBe(0);
    expect(await all('SyncLinks')).toHaveLength(0);
    const bad = await cli(['--event', DEMO.eventId, '--dry-run', '--page-size', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--page-size/);
  }, 60_000);

  it('the initial sync creates one item and quota per definition, price options as variations', async () => {
    const r = await syncEventNow({ eventId: DEMO.eventId });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result.targets[0]).toMatchObject({ done: true, failures: [] });
    const defs = await findDemoDefinitions(stack.baseUrl);
    const ext = byInternalName();
    expect(ext.size).toBe(5);
    for (const d of defs.values()) {
      const item = ext.get(`wix:${d._id}`)!;
      expect(item, d.name!).toBeTruthy();
      expect(item.name).toEqual({ en: d.name });
      expect(pretix.quotaOf(item.id)).toBeTruthy();
    }
    const pass = ext.get(`wix:${defs.get('Festival Pass')!._id}`)!;
    expect(pass.variations.map((v) => [v.value.en, v.default_price])).toEqual([['Early bird', '40.00'], ['Regular', '55.00']]);
    expect(pretix.quotaOf(pass.id)!.variations).toHaveLength(2);
    expect(pretix.quotaOf(ext.get(`wix:${defs.get('General Admission')!._id}`)!.id)!.size).toBe(5);
    expect(pretix.quotaOf(ext.get(`wix:${defs.get('Standing (unlimited)')!._id}`)!.id)!.size).toBeNull();
    const links = await all('SyncLinks');
    expect(links).toHaveLength(5);
    expect(links.every((l) => l.status === 'active')).toBe(true);
    // Again: nothing to do.
    const again = await syncEventNow({ eventId: DEMO.eventId });
    expect(again.body.result.targets[0].counts).toMatchObject({ unchanged: 5 });
    expect(pretix.allItems()).toHaveLength(5);
  });

  it('an edit in Wix reaches Pretix through the event handler', async () => {
    const ga = (await findDemoDefinitions(stack.baseUrl)).get('General Admission')!;
    const before = (await all('SyncLinks')).find((l) => l.definitionId === ga._id);
    await defsApi.ticketDefinitionsV2.updateTicketDefinition(ga._id!, { revision: ga.revision, name: 'General Admission (Fri)', pricingMethod: { fixedPrice: { value: '27.50', currency: 'USD' } } } as never);
    await expect.poll(() => byInternalName().get(`wix:${ga._id}`)?.name.en, { timeout: 15_000, interval: 100 }).toBe('General Admission (Fri)');
    expect(byInternalName().get(`wix:${ga._id}`)!.default_price).toBe('27.50');
    await settle();
    const after = (await all('SyncLinks')).find((l) => l.definitionId === ga._id);
    expect(after.externalId).toBe(before.externalId);
    expect(after.linkedAt).toBe(before.linkedAt);
    expect(Number(after.lastRevision)).toBeGreaterThan(Number(before.lastRevision));
    expect(pretix.allItems()).toHaveLength(5);
    expect((await veloLog()).errors.filter((e: any) => e.kind === 'event' || e.kind === 'job')).toEqual([]);
  });

  it('a deleted definition is deactivated in Pretix (deleteBehaviour deactivate)', async () => {
    const backstage = (await findDemoDefinitions(stack.baseUrl)).get('Backstage')!;
    const link = (await all('SyncLinks')).find((l) => l.definitionId === backstage._id);
    await defsApi.ticketDefinitionsV2.deleteTicketDefinition(backstage._id!);
    await expect.poll(() => pretix.allItems().find((i) => String(i.id) === link.externalId)?.active, { timeout: 15_000, interval: 100 }).toBe(false);
    await settle();
    const after = (await all('SyncLinks')).find((l) => l.definitionId === backstage._id);
    expect(after).toMatchObject({ status: 'deleted', externalId: link.externalId });
  });

  it('with deleteBehaviour "delete", the item and quota of a deleted definition are deleted in Pretix', async () => {
    const [target] = await all('SyncTargets');
    await cms.items.update('SyncTargets', { ...target, deleteBehaviour: 'delete' });
    const standing = (await findDemoDefinitions(stack.baseUrl)).get('Standing (unlimited)')!;
    const link = (await all('SyncLinks')).find((l) => l.definitionId === standing._id);
    const quotaId = pretix.quotaOf(Number(link.externalId))!.id;
    await defsApi.ticketDefinitionsV2.deleteTicketDefinition(standing._id!);
    await expect.poll(() => pretix.allItems().some((i) => String(i.id) === link.externalId), { timeout: 15_000, interval: 100 }).toBe(false);
    await settle();
    expect([...pretix.events.get(SLUG)!.quotas.keys()]).not.toContain(quotaId);
    expect((await all('SyncLinks')).find((l) => l.definitionId === standing._id)).toMatchObject({ status: 'deleted', externalId: link.externalId });
    expect(pretix.allItems()).toHaveLength(4);
  });

  it('a capacity below what Pretix already sold is warned about and not pushed', async () => {
    const ga = (await findDemoDefinitions(stack.baseUrl)).get('General Admission (Fri)')!;
    const link = (await all('SyncLinks')).find((l) => l.definitionId === ga._id);
    const quota = pretix.quotaOf(Number(link.externalId))!;
    pretix.sell(quota.id, 4);
    await defsApi.ticketDefinitionsV2.updateTicketDefinition(ga._id!, { revision: ga.revision, initialLimit: 3 } as never);
    await expect.poll(async () => (await all('SyncLinks')).find((l) => l.definitionId === ga._id).lastRevision, { timeout: 15_000, interval: 100 }).not.toBe(link.lastRevision);
    await settle();
    expect(quota.size).toBe(5);
    expect((await all('SyncLinks')).find((l) => l.definitionId === ga._id).warnings.join(' ')).toMatch(/capacity 3 not pushed: Pretix already sold 4/);
  });

  it('price options edited in Wix update the Pretix variations (a removed option is deactivated)', async () => {
    const pass = (await findDemoDefinitions(stack.baseUrl)).get('Festival Pass')!;
    const [early] = pass.pricingMethod!.pricingOptions!.optionDetails!;
    await defsApi.ticketDefinitionsV2.updateTicketDefinition(pass._id!, { revision: pass.revision, pricingMethod: { pricingOptions: { optionDetails: [
      { ...early, price: { value: '45.00', currency: 'USD' } },
      { name: 'Supporter', price: { value: '99.00', currency: 'USD' } },
    ] } } } as never);
    const variations = () => byInternalName().get(`wix:${pass._id}`)!.variations.map((v) => [v.value.en, v.default_price, v.active]);
    await expect.poll(variations, { timeout: 15_000, interval: 100 }).toEqual([['Early bird', '45.00', true], ['Regular', '55.00', false], ['Supporter', '99.00', true]]);
    await settle();
    const item = byInternalName().get(`wix:${pass._id}`)!;
    expect(pretix.quotaOf(item.id)!.variations.sort()).toEqual(item.variations.filter((v) => v.active).map((v) => v.id).sort());
  });

  it('while Pretix answers 503/429, changes wait in the outbox; the hourly job delivers them once', async () => {
    const pass = (await findDemoDefinitions(stack.baseUrl)).get('Festival Pass')!;
    const link = (await all('SyncLinks')).find((l) => l.definitionId === pass._id);
    let down = true;
    let flip = 0;
    pretix.faultWindow = () => (down ? (flip++ % 2 ? '429' : '503') : null);
    const writesBefore = pretix.stats.writesApplied;
    await defsApi.ticketDefinitionsV2.updateTicketDefinition(pass._id!, { revision: pass.revision, name: 'Festival Pass 2026' } as never);
    await expect.poll(async () => (await all('SyncOutbox')).filter((o) => o.definitionId === pass._id && o.attempt > 0).length, { timeout: 15_000, interval: 100 }).toBe(1);
    await settle();
    const [slot] = (await all('SyncOutbox')).filter((o) => o.definitionId === pass._id);
    expect(slot).toMatchObject({ state: 'pending', action: 'upsert' });
    expect(slot.lastError).toMatch(/50[3]|429/);
    expect(pretix.stats.writesApplied).toBe(writesBefore);
    expect(byInternalName().get(`wix:${pass._id}`)!.name.en).toBe('Festival Pass');

    // Still down at the hourly run: stays queued.
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(slot.nextAttemptAt) - Date.now()) + 50));
    expect((await runJob('syncHourly')).status).toBe(200);
    expect((await all('SyncOutbox')).filter((o) => o.definitionId === pass._id)).toHaveLength(1);

    down = false;
    const [again] = (await all('SyncOutbox')).filter((o) => o.definitionId === pass._id);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(again.nextAttemptAt) - Date.now()) + 50));
    const job = await runJob('syncHourly');
    expect(job.status, JSON.stringify(job.body)).toBe(200);
    expect(job.body.result.drain.delivered).toBe(1);
    expect(await all('SyncOutbox')).toHaveLength(0);
    expect(byInternalName().get(`wix:${pass._id}`)!.name.en).toBe('Festival Pass 2026');
    const itemPatches = pretix.stats.byRoute.get('PATCH items/:id') ?? 0;
    // Once: a second run finds nothing to do.
    const second = await runJob('syncHourly');
    expect(second.body.result.drain.delivered).toBe(0);
    expect(second.body.result.reconcile.fixed).toEqual([]);
    expect(pretix.stats.byRoute.get('PATCH items/:id') ?? 0).toBe(itemPatches);
    expect(pretix.allItems()).toHaveLength(4);
    const after = (await all('SyncLinks')).find((l) => l.definitionId === pass._id);
    expect(after).toMatchObject({ externalId: link.externalId, linkedAt: link.linkedAt, status: 'active' });
  });

  it('an event mapped later is synced by the hourly job, and the job reports what it fixed', async () => {
    pretix.addEvent('late');
    const made = [];
    for (const name of ['Early show', 'Late show']) {
      made.push((await defsApi.ticketDefinitionsV2.createTicketDefinition({ eventId: LATE_EVENT, name, feeType: 'FEE_INCLUDED', pricingMethod: { fixedPrice: { value: '12.00', currency: 'USD' } } } as never))._id);
    }
    await settle();
    await cms.items.insert('SyncEventMappings', { _id: 'late', targetId: TARGET, eventId: LATE_EVENT, externalEventId: 'late' });
    const job = await runJob('syncHourly');
    expect(job.status, JSON.stringify(job.body)).toBe(200);
    expect(job.body.result.reconcile.fixed.map((f: any) => [f.definitionId, f.action]).sort()).toEqual(made.map((id) => [id, 'create']).sort());
    expect(job.body.result.drain.delivered).toBe(2);
    // The job runs within a budget below Velo's 5-minute job limit, and this run fitted in it.
    expect(job.body.result).toMatchObject({ complete: true, reconcile: { complete: true } });
    expect(job.body.result.budgetMs).toBeGreaterThan(0);
    expect(job.body.result.budgetMs).toBeLessThan(5 * 60_000);
    expect([...pretix.events.get('late')!.items.values()].map((i) => i.name.en).sort()).toEqual(['Early show', 'Late show']);
    expect((await runJob('syncHourly')).body.result.reconcile.fixed).toEqual([]);
  });

  it('a big event syncs in several web-method calls, each within Wix\'s time limit (deliveries are paced)', async () => {
    pretix.addEvent('big');
    for (let i = 0; i < 24; i++) {
      await defsApi.ticketDefinitionsV2.createTicketDefinition({ eventId: BIG_EVENT, name: `Seat block ${i}`, feeType: 'FEE_INCLUDED', initialLimit: 10, pricingMethod: { fixedPrice: { value: '15.00', currency: 'USD' } } } as never);
    }
    await settle();
    await cms.items.insert('SyncTargets', { _id: 'pretix-paced', kind: 'pretix', baseUrl: pretix.baseUrl, secretName: 'SYNC_PRETIX_TOKEN', options: { organizer: 'jazzclub', ratePerMinute: 180 } });
    await cms.items.insert('SyncEventMappings', { _id: 'big', targetId: 'pretix-paced', eventId: BIG_EVENT, externalEventId: 'big' });
    for (const row of defaultMappingRows('pretix-paced', 'pretix')) await cms.items.insert('SyncFieldMappings', row);
    const calls: any[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await syncEventNow({ eventId: BIG_EVENT, targetId: 'pretix-paced' });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      calls.push(r.body.result);
      if (!r.body.result.callAgain) break;
    }
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.at(-1)).toMatchObject({ callAgain: false, targets: [{ done: true, failures: [] }] });
    const items = [...pretix.events.get('big')!.items.values()];
    expect(items).toHaveLength(24);
    expect(new Set(items.map((i) => i.internal_name)).size).toBe(24);
    expect((await all('SyncLinks')).filter((l) => l.targetId === 'pretix-paced')).toHaveLength(24);
  }, 90_000);
});
