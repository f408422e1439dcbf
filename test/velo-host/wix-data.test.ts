// The fixture site against the real local Wix Data (dataModule): SDK calls from site code carry the
// caller's identity, and data.js hooks run around writes with their refusals reaching the caller.
import { afterEach, expect, test } from 'vitest';
import { collections } from '@wix/data';
import { dataModule } from '../../local-wix/server/dataModule.js';
import { ADMIN, createLocalClient } from '../../local-wix/sdk-client.js';
import { callWebMethod, startFixture } from './fixture.js';

let f: Awaited<ReturnType<typeof startFixture>> | null = null;
afterEach(async () => { await f?.close(); f = null; });

async function setup() {
  f = await startFixture({ cold: true, modules: [dataModule] });
  const admin = createLocalClient(f.baseUrl, { collections }, ADMIN);
  const fields = [{ key: 'title', type: 'TEXT' as any }];
  await admin.collections.createDataCollection({ _id: 'Notes', fields, permissions: { read: 'ANYONE', insert: 'ANYONE', update: 'ADMIN', remove: 'ADMIN' } as any } as any);
  await admin.collections.createDataCollection({ _id: 'PrivateNotes', fields, permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } as any } as any);
  return f;
}

test('a visitor web method inserts through @wix/data; the beforeInsert hook changes the item', async () => {
  const { baseUrl } = await setup();
  const r = await callWebMethod(baseUrl, 'notes.web.js', 'addNote', [{ title: '  first  ' }]);
  expect(r.status).toBe(200);
  expect(r.body.result).toMatchObject({ title: 'first', hookCalls: 1, hookedBy: 'visitor' });
  const list = await callWebMethod(baseUrl, 'notes.web.js', 'queryNotes', []);
  expect(list.body.result.map((n: any) => n.title)).toEqual(['first']);
});

test('a before-hook refusal reaches the web method caller with its message', async () => {
  const { baseUrl } = await setup();
  const r = await callWebMethod(baseUrl, 'notes.web.js', 'addNote', [{ body: 'no title' }]);
  expect(r.status).toBe(500);
  expect(r.body.message).toContain('A note needs a title');
});

test('collection permissions apply to the caller; elevation reads as the site owner', async () => {
  const { baseUrl } = await setup();
  expect((await callWebMethod(baseUrl, 'notes.web.js', 'readSecrets', [])).status).toBe(500);
  expect((await callWebMethod(baseUrl, 'notes.web.js', 'readSecretsElevated', [])).body).toEqual({ result: 0 });
});
