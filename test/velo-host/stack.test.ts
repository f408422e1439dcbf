import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { callWebMethod, collect, FIXTURE_SITE } from './fixture.js';
import { adminFetch } from '../../local-wix/local-key.js';
import { stackPerTest } from '../support/testStack.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const stacks = stackPerTest('local-wix-stack', { 'secrets.json': JSON.stringify({ API_TOKEN: 'from-stack' }) });

test('startStack composes the local Wix, the Velo host and the site on one port', async () => {
  const stack = await stacks.start({ siteDir: FIXTURE_SITE, seed: false, scheduleJobs: false, cold: true });
  expect((await callWebMethod(stack.baseUrl, 'notes.web.js', 'hello', ['stack'])).body.result).toBe('» HELLO STACK');
  expect((await adminFetch(`${stack.baseUrl}/_local/velo/log`)).status).toBe(200);
  const got = collect(stack.hub, 'fixture-events');
  stack.wix.host.dispatchEvent('wixEvents_onOrderConfirmed', { orderNumber: 'S-1' });
  await stack.host.idle();
  expect(got).toHaveLength(1);
  // secrets.json in the data dir; the CRM is the one the local Wix serves.
  expect(await stack.host.runAs({ role: 'ADMIN', id: 'x' }, async () => (await import('../../local-wix/velo-host/modules/wix-secrets-backend.js')).getSecret('API_TOKEN'))).toBe('from-stack');
  const r = await callWebMethod(stack.baseUrl, 'notes.web.js', 'notify', ['ada@example.com'], { role: 'ADMIN', id: 'owner' });
  expect(r.status).toBe(200);
  const contacts = (await (await adminFetch(`${stack.baseUrl}/_local/contacts`)).json()) as any;
  expect(contacts.contacts.map((c: any) => c._id)).toContain(r.body.result);
  const inbox = (await (await adminFetch(`${stack.baseUrl}/_local/inbox?to=ada@example.com`)).json()) as any;
  expect(inbox.emails).toEqual([expect.objectContaining({ templateId: 'sale-alert', contactId: r.body.result, status: 'SENT' })]);
});

test('data persists across restarts; reset wipes it', async () => {
  const dir = stacks.dataDir;
  let stack = await stacks.start({ siteDir: FIXTURE_SITE, scheduleJobs: false });
  await adminFetch(`${stack.baseUrl}/_local/contacts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ emails: ['keep@example.com'] }) });
  await stack.close();
  stack = await stacks.start({ siteDir: FIXTURE_SITE, scheduleJobs: false });
  const count = async () => ((await (await adminFetch(`${stack!.baseUrl}/_local/contacts`)).json()) as any).contacts.length;
  expect(await count()).toBe(1);
  await stack.close();
  stack = await stacks.start({ siteDir: FIXTURE_SITE, scheduleJobs: false, reset: true });
  expect(await count()).toBe(0);
  expect(fs.existsSync(path.join(dir, 'secrets.json'))).toBe(true);
});

test('`npm run job -- <name>` runs a job on the running local Wix and prints its result', async () => {
  const stack = await stacks.start({ siteDir: FIXTURE_SITE, scheduleJobs: false });
  const run = (args: string[], key = stack!.apiKey) => promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'local-wix/run-job.ts'), ...args],
    { cwd: ROOT, env: { ...process.env, LOCAL_WIX_URL: stack!.baseUrl, LOCAL_WIX_API_KEY: key } });
  // The admin routes need this start's key (npm start writes it to .local-wix/admin-api-key).
  await expect(run(['sweep'], 'LWK.wrong')).rejects.toMatchObject({ code: 1 });
  const out = await run(['sweep']);
  expect(out.stdout).toContain('Job sweep finished');
  expect(out.stdout).toContain('"swept": true');
  await expect(run(['nope'])).rejects.toMatchObject({ code: 1 });
  expect((await run([])).stdout).toContain('nightly');
});

test('the stack creates the package collections (setupCollections as the site owner) and seeds the demo once', async () => {
  let stack = await stacks.start({ siteDir: FIXTURE_SITE, scheduleJobs: false, seed: true });
  expect(stack.seeded).toBe(true);
  const { collections } = await import('@wix/data');
  const { ALL_COLLECTIONS } = await import('../../backend/collections.js');
  const { createLocalClient, ADMIN } = await import('../../local-wix/sdk-client.js');
  const admin = createLocalClient(stack.baseUrl, { collections }, ADMIN);
  const ids = ((await admin.collections.listDataCollections()).collections ?? []).map((c: any) => c._id);
  for (const c of ALL_COLLECTIONS) expect(ids).toContain(c.id);
  await stack.close();
  stack = await stacks.start({ siteDir: FIXTURE_SITE, scheduleJobs: false, seed: true });
  expect(stack.seeded).toBe(false);
});
