import { afterEach, expect, test } from 'vitest';
import { startFixture } from './fixture.js';

let f: Awaited<ReturnType<typeof startFixture>> | null = null;
afterEach(async () => { await f?.close(); f = null; });
const ctx = { collectionName: 'Notes', userId: null, userRole: 'ANYONE' };

test('a before-hook modifies the item', async () => {
  f = await startFixture({ cold: true });
  const out = await f.host.runDataHook('Notes', 'beforeInsert', { title: '  hi  ' }, ctx);
  expect(out).toEqual({ title: 'hi', hookCalls: 1, hookedBy: 'ANYONE' });
});

test('a before-hook that throws refuses the write with its message', async () => {
  f = await startFixture();
  await expect(f.host.runDataHook('Notes', 'beforeInsert', { body: 'no title' }, ctx)).rejects.toThrow('A note needs a title');
});

test('a rejection with a plain string becomes an Error carrying that message', async () => {
  f = await startFixture();
  await expect(f.host.runDataHook('Notes', 'beforeRemove', { _id: 'n1' }, ctx)).rejects.toThrow('Notes cannot be removed');
});

test('a hook returning undefined passes the item through; a missing hook is a no-op', async () => {
  f = await startFixture();
  const item = { _id: 'n1', title: 'x' };
  expect(await f.host.runDataHook('Notes', 'afterInsert', item, ctx)).toBe(item);
  expect(await f.host.runDataHook('Notes', 'afterUpdate', item, ctx)).toBe(item);
  expect(await f.host.runDataHook('Other', 'beforeInsert', item, ctx)).toBe(item);
});

test('the local Wix routes hooks to the attached host', async () => {
  f = await startFixture({ cold: true });
  await expect(f.wix.host.runDataHook('Notes', 'beforeInsert', {}, ctx)).rejects.toThrow('A note needs a title');
  expect(await f.wix.host.runDataHook('Notes', 'beforeInsert', { title: 'a' }, ctx)).toMatchObject({ title: 'a', hookCalls: 1 });
  expect(await f.wix.host.runDataHook('Notes', 'beforeInsert', { title: 'b' }, ctx)).toMatchObject({ title: 'b', hookCalls: 1 });
});

test('hooks run as the caller of the write (context.userRole)', async () => {
  const { hookIdentity } = await import('../../local-wix/velo-host/host.js');
  expect(hookIdentity({ collectionName: 'N', userId: 'u1', userRole: 'siteOwner' })).toEqual({ role: 'ADMIN', id: 'u1' });
  expect(hookIdentity({ collectionName: 'N', userId: 'm1', userRole: 'siteMember' })).toEqual({ role: 'SITE_MEMBER', id: 'm1' });
  expect(hookIdentity({ collectionName: 'N', userId: null, userRole: 'visitor' })).toEqual({ role: 'ANYONE', id: 'anonymous' });
});
