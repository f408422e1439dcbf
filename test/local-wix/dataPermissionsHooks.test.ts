// Collection permissions per caller, and data.js hooks around every write, through the genuine SDK.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { DataHookContext, SiteCodeHost } from '../../local-wix/server/app.js';
import { MEMBER, OTHER_MEMBER, startDataServer, type DataServer } from '../support/dataServer.js';
import { adminFetch } from '../../local-wix/local-key.js';
import { guidFor } from '../../local-wix/server/guid.js';

interface HookCall { collection: string; hook: string; item: any; context: DataHookContext & { currentItem?: any } }

/** A fake Velo host: records hook calls and runs per-test behaviour. */
class FakeHost implements SiteCodeHost {
  calls: HookCall[] = [];
  behaviour: Partial<Record<string, (item: any, ctx: any) => any>> = {};
  dispatchEvent() {}
  async runDataHook(collection: string, hook: string, item: any, context: DataHookContext) {
    this.calls.push({ collection, hook, item: structuredClone(item), context: structuredClone(context) });
    const f = this.behaviour[`${collection}_${hook}`];
    return f ? f(item, context) : item;
  }
}

const host = new FakeHost();
let s: DataServer;
const errorOf = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: any) => e);

beforeAll(async () => {
  s = await startDataServer({ host });
  const admin = { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } as const;
  await s.admin.collections.createDataCollection({ _id: 'Public', permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } });
  await s.admin.collections.createDataCollection({ _id: 'Secret', permissions: admin });
  await s.admin.collections.createDataCollection({ _id: 'Guestbook', permissions: { read: 'ANYONE', insert: 'ANYONE', update: 'ADMIN', remove: 'ADMIN' } });
  await s.admin.collections.createDataCollection({ _id: 'Posts', permissions: { read: 'SITE_MEMBER_AUTHOR', insert: 'SITE_MEMBER', update: 'SITE_MEMBER_AUTHOR', remove: 'SITE_MEMBER_AUTHOR' } });
  await s.admin.collections.createDataCollection({ _id: 'Hooked', permissions: admin });
});
afterAll(() => s.close());
beforeEach(async () => {
  host.calls = [];
  host.behaviour = {};
  for (const c of ['Public', 'Secret', 'Guestbook', 'Posts', 'Hooked']) await s.admin.items.truncate(c);
});

describe('permissions', () => {
  test('a visitor reads an ANYONE-read collection but cannot insert into it (ADMIN insert); the admin can', async () => {
    await s.admin.items.insert('Public', { _id: 'p', t: 1 });
    expect((await s.visitor.items.query('Public').find()).items).toHaveLength(1);
    expect(await s.visitor.items.get('Public', 'p')).toMatchObject({ t: 1 });
    const e = await errorOf(s.visitor.items.insert('Public', { t: 2 }));
    expect(e.details.applicationError.code).toBe('WDE0027');
    expect(e.message).toMatch(/permissions to insert/);
    expect(s.exchanges.at(-1)!.status).toBe(403);
  });

  test('a visitor can neither read nor write an ADMIN collection', async () => {
    await s.admin.items.insert('Secret', { _id: 'x' });
    for (const call of [() => s.visitor.items.get('Secret', 'x'), () => s.visitor.items.query('Secret').find(), () => s.visitor.items.query('Secret').count(),
      () => s.visitor.items.insert('Secret', {}), () => s.visitor.items.update('Secret', { _id: 'x' }), () => s.visitor.items.save('Secret', { _id: 'x' }),
      () => s.visitor.items.remove('Secret', 'x'), () => s.visitor.items.bulkSave('Secret', [{ _id: 'y' }]), () => s.visitor.items.bulkRemove('Secret', ['x']),
      () => s.visitor.items.truncate('Secret')]) {
      expect((await errorOf(call())).details.applicationError.code).toBe('WDE0027');
    }
    expect(await s.admin.items.get('Secret', 'x')).not.toBeNull();
  });

  test('a member is not an admin', async () => {
    expect((await errorOf(s.client(MEMBER).items.insert('Secret', {}))).details.applicationError.code).toBe('WDE0027');
  });

  test('ANYONE insert: a visitor inserts, and the item is owned by that visitor', async () => {
    const it = await s.visitor.items.insert('Guestbook', { text: 'hi' });
    expect(it._owner).toBe(guidFor('visitor'));
    expect((await errorOf(s.visitor.items.remove('Guestbook', it._id))).details.applicationError.code).toBe('WDE0027');
  });

  test('SITE_MEMBER_AUTHOR: members see and change only their own items; visitors nothing; admins all', async () => {
    const mine = await s.client(MEMBER).items.insert('Posts', { _id: 'm1', t: 'mine' });
    await s.client(OTHER_MEMBER).items.insert('Posts', { _id: 'o1', t: 'theirs' });
    expect(mine._owner).toBe(guidFor(MEMBER.id));
    expect((await s.client(MEMBER).items.query('Posts').find()).items.map((i) => i._id)).toEqual(['m1']);
    expect(await s.client(MEMBER).items.get('Posts', 'o1')).toBeNull();
    expect((await errorOf(s.client(MEMBER).items.update('Posts', { _id: 'o1', t: 'hacked' }))).details.applicationError.code).toBe('WDE0027');
    expect((await errorOf(s.client(MEMBER).items.remove('Posts', 'o1'))).details.applicationError.code).toBe('WDE0027');
    expect((await s.client(MEMBER).items.update('Posts', { _id: 'm1', t: 'edited' })).t).toBe('edited');
    expect((await errorOf(s.visitor.items.query('Posts').find())).details.applicationError.code).toBe('WDE0027');
    expect(await s.admin.items.query('Posts').count()).toBe(2);
  });

  test('creating a collection is for admins only', async () => {
    const e = await errorOf(s.visitor.collections.createDataCollection({ _id: 'Mine', permissions: { read: 'ANYONE', insert: 'ANYONE', update: 'ANYONE', remove: 'ANYONE' } }));
    expect(s.exchanges.at(-1)!.status).toBe(403);
    expect(String(e.message)).toMatch(/WDE0027/);
  });
});

describe('data hooks', () => {
  test('every single write runs its before/after hooks with the Velo context', async () => {
    await s.admin.items.insert('Hooked', { _id: 'h', v: 1 });
    await s.admin.items.update('Hooked', { _id: 'h', v: 2 });
    await s.admin.items.save('Hooked', { _id: 'h', v: 3 });
    await s.admin.items.save('Hooked', { _id: 'h2', v: 1 });
    await s.admin.items.remove('Hooked', 'h');
    expect(host.calls.map((c) => c.hook)).toEqual(['beforeInsert', 'afterInsert', 'beforeUpdate', 'afterUpdate', 'beforeUpdate', 'afterUpdate', 'beforeInsert', 'afterInsert', 'beforeRemove', 'afterRemove']);
    expect(host.calls[0]!.context).toEqual({ collectionName: 'Hooked', userId: 'site-owner', userRole: 'siteOwner' });
    // Update and remove hooks see the stored item as context.currentItem; beforeRemove gets the ID.
    expect(host.calls[2]!.context.currentItem).toMatchObject({ _id: 'h', v: 1 });
    expect(host.calls[8]!.item).toBe('h');
    expect(host.calls[8]!.context.currentItem).toMatchObject({ _id: 'h', v: 3 });
    expect(host.calls[9]!.item).toMatchObject({ _id: 'h', v: 3 });
  });

  test('a before-hook that throws refuses the write; its message reaches the SDK caller', async () => {
    host.behaviour.Hooked_beforeInsert = (item) => { if (!item.title) throw new Error('A title is required'); return item; };
    const e = await errorOf(s.admin.items.insert('Hooked', { _id: 'bad' }));
    expect(e.message).toBe('A title is required');
    expect(s.exchanges.at(-1)!.status).toBe(400);
    expect(s.exchanges.at(-1)!.responseBody).toMatchObject({ details: { applicationError: { code: 'WDE0078', data: { jsErrorValue: { message: 'A title is required' } } } } });
    expect(await s.admin.items.get('Hooked', 'bad')).toBeNull();
    expect(host.calls.map((c) => c.hook)).toEqual(['beforeInsert']);
  });

  test('a hook rejecting with a plain value: the SDK caller gets that value', async () => {
    host.behaviour.Hooked_beforeRemove = () => Promise.reject('Removal is disabled');
    await s.admin.items.insert('Hooked', { _id: 'keep' });
    await expect(s.admin.items.remove('Hooked', 'keep')).rejects.toBe('Removal is disabled');
    expect(await s.admin.items.get('Hooked', 'keep')).not.toBeNull();
  });

  test('before-hook changes persist; hooks see Dates; after-hooks see the written item and shape the result', async () => {
    host.behaviour.Hooked_beforeInsert = (item) => ({ ...item, title: String(item.title).trim(), stamped: new Date('2030-01-01T00:00:00Z'), isDate: item.when instanceof Date });
    host.behaviour.Hooked_afterInsert = (item) => ({ ...item, computed: `${item.title}!` });
    const returned = await s.admin.items.insert('Hooked', { _id: 'mod', title: '  Hello  ', when: new Date('2024-01-01T00:00:00Z') });
    expect(returned).toMatchObject({ title: 'Hello', computed: 'Hello!', isDate: true });
    const stored = await s.admin.items.get('Hooked', 'mod');
    expect(stored).toMatchObject({ title: 'Hello', isDate: true, stamped: new Date('2030-01-01T00:00:00Z') });
    expect(stored!.computed).toBeUndefined();
    const after = host.calls.find((c) => c.hook === 'afterInsert')!;
    expect(after.item).toMatchObject({ _id: 'mod', title: 'Hello', _owner: guidFor('site-owner') });
    expect(after.item._createdDate).toBeInstanceOf(Date);
  });

  test('an after-hook failure is logged, the write stands', async () => {
    host.behaviour.Hooked_afterUpdate = () => { throw new Error('after failed'); };
    await s.admin.items.insert('Hooked', { _id: 'a', v: 1 });
    expect((await s.admin.items.update('Hooked', { _id: 'a', v: 2 })).v).toBe(2);
    expect((await s.admin.items.get('Hooked', 'a'))!.v).toBe(2);
  });

  test('bulk writes run the hooks per item; a refused item fails alone', async () => {
    host.behaviour.Hooked_beforeInsert = (item) => { if (item.n === 2) throw new Error('no twos'); return { ...item, seen: true }; };
    const r = await s.admin.items.bulkInsert('Hooked', [{ _id: 'b1', n: 1 }, { _id: 'b2', n: 2 }, { _id: 'b3', n: 3 }]);
    expect(r.inserted).toBe(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ message: 'no twos', code: 'WDE0078', originalIndex: 1 });
    expect((await s.admin.items.get('Hooked', 'b3'))!.seen).toBe(true);
    await s.admin.items.bulkSave('Hooked', [{ _id: 'b1', n: 10 }, { _id: 'b4', n: 4 }]);
    await s.admin.items.bulkRemove('Hooked', ['b1', 'b4']);
    const hooks = host.calls.map((c) => `${c.hook}:${typeof c.item === 'string' ? c.item : c.item._id}`);
    expect(hooks).toEqual([
      'beforeInsert:b1', 'afterInsert:b1', 'beforeInsert:b2', 'beforeInsert:b3', 'afterInsert:b3',
      'beforeUpdate:b1', 'afterUpdate:b1', 'beforeInsert:b4', 'afterInsert:b4',
      'beforeRemove:b1', 'afterRemove:b1', 'beforeRemove:b4', 'afterRemove:b4',
    ]);
  });

  test('hooks run for visitors too, with their role and id', async () => {
    await s.visitor.items.insert('Guestbook', { text: 'x' });
    expect(host.calls[0]!.context).toMatchObject({ collectionName: 'Guestbook', userRole: 'visitor', userId: 'visitor' });
  });

  test('suppressHooks skips them', async () => {
    await s.admin.items.insert('Hooked', { _id: 'quiet' }, { suppressHooks: true });
    expect(host.calls).toEqual([]);
  });

  test('the local CMS page writes as the site owner through the same hooks', async () => {
    host.behaviour.Hooked_beforeInsert = (item) => { if (!item.ok) throw new Error('needs ok'); return item; };
    const post = (body: string) => adminFetch(`${s.url}/_local/cms/Hooked`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, redirect: 'manual' });
    const refused = await post(`op=save&item=${encodeURIComponent(JSON.stringify({ _id: 'c1' }))}`);
    expect(refused.status).toBe(303);
    expect(decodeURIComponent(refused.headers.get('location')!)).toContain('needs ok');
    await post(`op=save&item=${encodeURIComponent(JSON.stringify({ _id: 'c2', ok: true }))}`);
    expect(await s.admin.items.get('Hooked', 'c2')).toMatchObject({ ok: true });
    const html = await (await adminFetch(`${s.url}/_local/cms/Hooked`)).text();
    expect(html).toContain('c2');
    expect(await (await adminFetch(`${s.url}/_local/cms`)).text()).toContain('Hooked');
    await post('op=remove&id=c2');
    expect(await s.admin.items.get('Hooked', 'c2')).toBeNull();
    expect(host.calls.map((c) => c.hook)).toEqual(['beforeInsert', 'beforeInsert', 'afterInsert', 'beforeRemove', 'afterRemove']);
  });
});
