// Wix Data's eventual consistency on the local Wix (local-wix/server/dataMirror.ts), through the genuine
// @wix/data SDK over HTTP: a read without consistentRead sees the collection as it was LAG ms ago; with
// consistentRead it sees the primary.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Database from 'better-sqlite3';
import { startDataServer, type DataServer } from '../support/dataServer.js';
import { DataStore } from '../../local-wix/server/dataStore.js';
import { MIRROR_TABLE } from '../../local-wix/server/dataMirror.js';

const LAG = 400;
const PERMS = { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let s: DataServer;
beforeAll(async () => {
  s = await startDataServer({ mirrorLagMs: LAG });
  await s.admin.collections.createDataCollection({ _id: 'Notes', permissions: PERMS });
});
afterAll(async () => {
  await s.close();
});

const items = () => s.admin.items;
const byDefault = (id: string) => items().get('Notes', id);
const consistently = (id: string) => items().get('Notes', id, { consistentRead: true });
const texts = async (consistentRead: boolean) => (await items().query('Notes').ascending('_id').find({ consistentRead })).items.map((i) => i.text);

describe('reads without consistentRead lag the primary', () => {
  test('an insert: a get, a query and a count see it only after the lag; consistentRead sees it at once', async () => {
    await items().insert('Notes', { _id: 'n1', text: 'first' });
    expect(await byDefault('n1')).toBeNull();
    expect(await texts(false)).toEqual([]);
    expect(await items().query('Notes').count()).toBe(0);
    expect(await consistently('n1')).toMatchObject({ text: 'first' });
    expect(await texts(true)).toEqual(['first']);
    expect(await items().query('Notes').count({ consistentRead: true })).toBe(1);
    await sleep(LAG + 50);
    expect(await byDefault('n1')).toMatchObject({ text: 'first' });
    expect(await items().query('Notes').count()).toBe(1);
  });

  test('an update and a removal reach the mirror in order, each after the lag', async () => {
    await items().update('Notes', { _id: 'n1', text: 'second' });
    expect(await byDefault('n1')).toMatchObject({ text: 'first' });
    await sleep(LAG / 2);
    await items().remove('Notes', 'n1');
    expect(await consistently('n1')).toBeNull();
    expect(await byDefault('n1')).toMatchObject({ text: 'first' });
    await sleep(LAG / 2 + 50);
    // The update is due, the removal (made LAG / 2 later) is not yet.
    expect(await byDefault('n1')).toMatchObject({ text: 'second' });
    await sleep(LAG / 2 + 50);
    expect(await byDefault('n1')).toBeNull();
  });

  test('bulk writes and truncate lag alike; a refused bulk item never reaches the mirror', async () => {
    await items().bulkInsert('Notes', [{ _id: 'b1', text: 'b1' }, { _id: 'b2', text: 'b2' }]);
    const again = await items().bulkInsert('Notes', [{ _id: 'b2', text: 'dup' }, { _id: 'b3', text: 'b3' }]);
    expect(again.insertedItemIds).toEqual(['b3']);
    expect(await texts(false)).toEqual([]);
    await sleep(LAG + 50);
    expect(await texts(false)).toEqual(['b1', 'b2', 'b3']);
    await items().truncate('Notes');
    expect(await texts(true)).toEqual([]);
    expect(await texts(false)).toEqual(['b1', 'b2', 'b3']);
    await sleep(LAG + 50);
    expect(await texts(false)).toEqual([]);
  });

});

describe('the mirror at a start', () => {
  test('starts as a copy of the primary: what was on its way when the server stopped is there', () => {
    const db = new Database(':memory:');
    const before = new DataStore(db, LAG);
    before.insert('Notes', { _id: 'r1', text: 'kept' });
    expect(before.get('Notes', 'r1', 'mirror')).toBeNull();
    const after = new DataStore(db, LAG);
    expect(after.get('Notes', 'r1', 'mirror')).toMatchObject({ text: 'kept' });
    expect(after.get('Notes', 'r1', 'primary')).toMatchObject({ text: 'kept' });
  });

  test('due changes reach the mirror on a timer too, with no read to pull them: the queue holds only the lag', async () => {
    const db = new Database(':memory:');
    const store = new DataStore(db, 50);
    store.insert('Notes', { _id: 't1', text: 'queued' });
    const inMirror = () => (db.prepare(`SELECT COUNT(*) AS n FROM ${MIRROR_TABLE}`).get() as { n: number }).n;
    expect(inMirror()).toBe(0);
    await sleep(150);
    expect(inMirror()).toBe(1);
    db.close();
  });

  test('a change still on its way when the database closes is dropped quietly (an error in the timer would fail this run)', async () => {
    const db = new Database(':memory:');
    new DataStore(db, 30).insert('Notes', { _id: 'c1', text: 'late' });
    db.close();
    await sleep(100);
  });

  test('with a lag of 0 every read sees the primary', () => {
    const store = new DataStore(new Database(':memory:'), 0);
    store.insert('Notes', { _id: 'z1', text: 'now' });
    expect(store.get('Notes', 'z1', 'mirror')).toMatchObject({ text: 'now' });
  });
});
