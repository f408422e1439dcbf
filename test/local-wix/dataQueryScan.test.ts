// The local Wix Data query streams candidates out of SQLite (the `_id` index and `json_extract` on the
// stored JSON) and keeps only the page: its answers must be exactly those of evaluating the filter,
// sort and paging over every item in JavaScript (what it did before), for any items and filters.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Clock } from '../../local-wix/server/clock.js';
import { DataHooks } from '../../local-wix/server/dataHooks.js';
import { DataService } from '../../local-wix/server/dataService.js';
import { DataStore } from '../../local-wix/server/dataStore.js';
import { compareSortKeys, DEFAULT_SORT, fieldScans, matches, sortKeys, validateFilter, type Data, type SortSpec } from '../../local-wix/server/dataQuery.js';
import type { Identity } from '../../local-wix/server/identity.js';

const ADMIN: Identity = { role: 'ADMIN', id: 'owner' };
const C = 'Things';

function service() {
  const db = new Database(':memory:');
  const store = new DataStore(db);
  const now = new Date().toISOString();
  store.putCollection({ id: C, collectionType: 'NATIVE', fields: [], permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' }, revision: '1', createdDate: now, updatedDate: now });
  const svc = new DataService(store, new Clock(), new DataHooks({ runDataHook: async (_c: string, _h: string, x: unknown) => x } as never));
  return { db, store, svc };
}

/** The answer as a full scan in JavaScript gives it: every row newest first, filtered, stably sorted, sliced. */
function reference(db: Database.Database, filter: unknown, sort: SortSpec[] | undefined, offset: number, limit: number) {
  validateFilter(filter);
  const all = (db.prepare('SELECT data FROM wix_data_items WHERE collection = ? ORDER BY seq DESC').all(C) as { data: string }[]).map((r) => JSON.parse(r.data) as Data);
  const s = sort?.length ? sort : DEFAULT_SORT;
  const by = compareSortKeys(s);
  const hits = all.filter((it) => matches(it, filter)).sort((a, b) => by(sortKeys(a, s), sortKeys(b, s)));
  return { ids: hits.slice(offset, offset + limit).map((i) => i._id), total: hits.length };
}

const strings = ['a', 'ab', 'B', '', 'é', 'a\u0000', '\uD800', '\u{1F600}', '\uFFFF', '2024-01-01T00:00:00.000Z'];
const scalarValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...strings) }, fc.integer({ min: -2, max: 3 }), fc.boolean(), fc.constant(null),
  fc.constantFrom('2024-01-01T00:00:00.000Z', '2024-06-01T00:00:00.000Z').map(($date) => ({ $date })),
);
const fieldValue = fc.oneof({ weight: 3, arbitrary: scalarValue }, { weight: 2, arbitrary: fc.array(scalarValue, { maxLength: 3 }) });
const item = fc.record({ s: fieldValue, t: fieldValue, nested: fc.oneof(fc.record({ v: fieldValue }, { requiredKeys: [] }), fieldValue) }, { requiredKeys: [] });
const field = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('s', 't', 'nested.v') }, { weight: 1, arbitrary: fc.constantFrom('_id', 'missing', 'constructor', 's.length') });
const operand = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...strings, 'p1', 'p3') }, fc.integer({ min: -2, max: 3 }), fc.boolean(), fc.constantFrom('2024-03-01T00:00:00.000Z').map(($date) => ({ $date })));
const condition = fc.oneof(
  operand,
  fc.record({ $eq: operand }),
  fc.record({ $ne: operand }),
  fc.record({ $in: fc.array(operand, { maxLength: 3 }) }),
  fc.record({ $hasSome: fc.array(operand, { maxLength: 3 }) }),
  fc.constantFrom('$gt', '$gte', '$lt', '$lte').chain((op) => operand.map((o) => ({ [op]: o }))),
  fc.record({ $gte: fc.constantFrom('a', 'b', 'p1'), $lt: fc.constantFrom('b', 'é', 'p4', '\u{1F600}') }),
  fc.record({ $exists: fc.boolean() }),
  fc.record({ $contains: fc.constantFrom('a', 'B') }),
);
const leaf = fc.tuple(field, condition).map(([f, c]) => ({ [f]: c }));
const filter: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  f: fc.oneof({ maxDepth: 2 },
    { weight: 4, arbitrary: fc.array(leaf, { maxLength: 3 }).map((ls) => Object.assign({}, ...ls)) },
    { weight: 1, arbitrary: fc.array(tie('f'), { maxLength: 2 }).map(($and) => ({ $and })) },
    { weight: 1, arbitrary: fc.array(tie('f'), { minLength: 1, maxLength: 2 }).map(($or) => ({ $or })) },
    { weight: 1, arbitrary: tie('f').map((f) => ({ $not: [f] })) }),
})).f;
const sort = fc.option(fc.array(fc.record({ fieldName: fc.constantFrom('s', 't', 'nested.v', '_id', '_createdDate'), order: fc.constantFrom('ASC', 'DESC') }), { maxLength: 2 }), { nil: undefined });

describe('Wix Data query streamed from SQLite', () => {
  test('answers exactly as a full scan in JavaScript: items, order, hasNext, total, count', () => {
    fc.assert(fc.property(fc.array(item, { maxLength: 25 }), filter, sort, fc.nat(6), fc.nat(8), (items, f, s, offset, limit) => {
      const { db, store, svc } = service();
      const date = { $date: '2025-01-01T00:00:00.000Z' }; // one created date for all: ties fall to row order
      items.forEach((it, i) => store.insert(C, { ...it, _id: `p${i}`, _createdDate: date, _updatedDate: date, _owner: 'o' }));
      let got: ReturnType<DataService['query']>;
      try {
        got = svc.query(C, { filter: f, sort: s, paging: { limit, offset } }, ADMIN, true);
      } catch (e) {
        // A refused filter is refused alike, whatever the items.
        expect(() => reference(db, f, s, offset, limit)).toThrow(String((e as Error).message));
        return;
      }
      const want = reference(db, f, s, offset, limit);
      expect(got.dataItems.map((d) => d.id)).toEqual(want.ids);
      expect(got.pagingMetadata.total).toBe(want.total);
      expect(got.pagingMetadata.hasNext).toBe(offset + want.ids.length < want.total);
      expect(svc.count(C, f, ADMIN)).toBe(want.total);
    }), { numRuns: 1500 });
  });

  test('which conditions SQLite tests on the stored JSON: string operands on plain paths; anything else in JavaScript', () => {
    expect(fieldScans({ eventId: 'e1', status: 'active', _id: { $gt: 'x' } })).toEqual([{ path: 'eventId', in: ['e1'] }, { path: 'status', in: ['active'] }]);
    expect(fieldScans({ $and: [{ at: { $lt: '2026-01-01' } }, { 'a.b': { $in: ['x', 'y'] } }] })).toEqual([{ path: 'at', lt: '2026-01-01' }, { path: 'a.b', in: ['x', 'y'] }]);
    expect(fieldScans({ n: 1, flag: true, when: { $date: '2026-01-01T00:00:00Z' }, x: { $gt: 'é' }, y: { $in: ['a', 1] }, 'tags.0': 'a', z: 'a\u0000' })).toEqual([]);
    expect(fieldScans({ $or: [{ a: 'x' }], $not: [{ b: 'y' }], c: { $ne: 'z' } })).toEqual([]);
  });

  test('only candidates reach JavaScript: a page of one event among many parses that event\'s rows, not the collection', () => {
    const { store, svc } = service();
    store.atomically(() => { for (let i = 0; i < 2000; i++) store.insert(C, { _id: `s${String(i).padStart(5, '0')}`, eventId: `e${i % 20}`, status: 'active' }); });
    let parsed = 0;
    const scan = store.scan.bind(store);
    store.scan = function* (...a: Parameters<DataStore['scan']>) { for (const r of scan(...a)) { parsed++; yield r; } };
    const r = svc.query(C, { filter: { eventId: 'e3', status: 'active', _id: { $gt: 's01000' } }, sort: [{ fieldName: '_id', order: 'ASC' }], paging: { limit: 10 } }, ADMIN);
    expect(r.dataItems.map((d) => d.id)).toEqual(['s01003', 's01023', 's01043', 's01063', 's01083', 's01103', 's01123', 's01143', 's01163', 's01183']);
    expect(r.pagingMetadata.hasNext).toBe(true);
    expect(parsed).toBe(50);
  });
});
