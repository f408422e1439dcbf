// The site owner creates the package's CMS collections on a live site by calling the admin web method
// setupCollectionsNow (src/backend/setup.web.js) once: here through the Velo host, as Wix would run it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { collections } from '@wix/data';
import { startStack, type Stack } from '../../local-wix/stack.js';
import { ADMIN, createLocalClient } from '../../local-wix/sdk-client.js';
import { tokenFor } from '../../local-wix/server/identity.js';
import { ALL_COLLECTIONS, COLLECTIONS } from '../../backend/collections.js';

let stack: Stack;
let dataDir: string;
const api = () => createLocalClient(stack.baseUrl, { collections }, ADMIN).collections;
const setupNow = async (auth: string | null) => {
  const res = await fetch(`${stack.baseUrl}/_webMethods/setup.web.js/setupCollectionsNow`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify({ args: [] }),
  });
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-setup-'));
  stack = await startStack({ port: 0, dataDir, seed: false, cold: true, scheduleJobs: false });
});
afterAll(async () => {
  await stack.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('creates the missing collections with their permissions, leaves the others alone, and refuses visitors', async () => {
  const targets = COLLECTIONS.SyncTargets.id;
  await api().deleteDataCollection(targets);
  const before = await api().getDataCollection(COLLECTIONS.TicketCounters.id);

  const visitor = await setupNow(null);
  expect(visitor.status).toBe(403);
  expect(visitor.body.details.applicationError.code).toBe('PERMISSION_DENIED');

  const first = await setupNow(tokenFor(ADMIN));
  expect(first.status).toBe(200);
  expect(first.body.result.created).toEqual([targets]);
  expect([...first.body.result.existing].sort()).toEqual(ALL_COLLECTIONS.map((c) => c.id).filter((id) => id !== targets).sort());
  const created = await api().getDataCollection(targets);
  expect(created.permissions).toEqual({ read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' });
  expect(created.fields!.map((f) => f.key)).toEqual(expect.arrayContaining(COLLECTIONS.SyncTargets.fields.map((f) => f.key)));
  // An existing collection is not rewritten (its revision stays).
  expect((await api().getDataCollection(COLLECTIONS.TicketCounters.id)).revision).toBe(before.revision);

  const again = await setupNow(tokenFor(ADMIN));
  expect(again.body.result.created).toEqual([]);
  expect(again.body.result.existing).toHaveLength(ALL_COLLECTIONS.length);
});
