// Wix API Query Language over wire-form entities, as the local Wix needs it for ticket definitions:
// filters ($eq/$ne/$in/$nin/$gt/$gte/$lt/$lte/$exists/$startsWith, $and/$or/$not, plain equality,
// dotted field paths), sort (then creation order), and keyset cursors (`next`/`prev`).
import { WixHttpError, type Json } from './http.js';

export type Filter = Record<string, unknown>;
export interface SortSpec { fieldName: string; order: 'ASC' | 'DESC' }
/** An entity in wire form plus its creation sequence (the final tie-break). */
export interface Row { seq: number; wire: Json }
export interface Key { values: unknown[]; seq: number }

/** SDK names (`_id`, `_createdDate`) reach us in filters as REST names; sort field names are not renamed by the SDK. */
const ALIASES: Record<string, string> = { _id: 'id', _createdDate: 'createdDate', _updatedDate: 'updatedDate' };
const field = (name: string) => ALIASES[name] ?? name;

function valueAt(o: Json, path: string): unknown {
  let cur: unknown = o;
  for (const part of field(path).split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Json)[part];
  }
  return cur;
}

const rank = (v: unknown) => (v === undefined || v === null ? 0 : typeof v === 'boolean' ? 1 : typeof v === 'number' ? 2 : 3);
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a), rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean') return Number(a) - Number(b);
  const sa = String(a), sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

const eq = (a: unknown, b: unknown) => (a ?? null) === (b ?? null) || (rank(a) === rank(b) && compareValues(a, b) === 0);

function badFilter(description: string): WixHttpError {
  return WixHttpError.application(400, 'FILTER_PARSER_ERROR', description);
}

function test(op: string, actual: unknown, expected: unknown, path: string): boolean {
  const list = () => {
    if (!Array.isArray(expected)) throw badFilter(`${op} on ${path} needs an array`);
    return expected as unknown[];
  };
  switch (op) {
    case '$eq': return eq(actual, expected);
    case '$ne': return !eq(actual, expected);
    case '$in': return list().some((e) => eq(actual, e));
    case '$nin': return !list().some((e) => eq(actual, e));
    case '$gt': return rank(actual) === rank(expected) && compareValues(actual, expected) > 0;
    case '$gte': return rank(actual) === rank(expected) && compareValues(actual, expected) >= 0;
    case '$lt': return rank(actual) === rank(expected) && compareValues(actual, expected) < 0;
    case '$lte': return rank(actual) === rank(expected) && compareValues(actual, expected) <= 0;
    case '$exists': return (actual !== undefined && actual !== null) === (expected === true);
    case '$startsWith': return typeof actual === 'string' && typeof expected === 'string' && actual.startsWith(expected);
    default: throw badFilter(`Unsupported operator ${op} on ${path}`);
  }
}

export function matches(wire: Json, filter: unknown): boolean {
  if (filter === undefined || filter === null) return true;
  if (typeof filter !== 'object' || Array.isArray(filter)) throw badFilter('filter must be an object');
  for (const [k, cond] of Object.entries(filter as Filter)) {
    if (k === '$and' || k === '$or') {
      if (!Array.isArray(cond)) throw badFilter(`${k} needs an array of filters`);
      const ok = k === '$and' ? cond.every((c) => matches(wire, c)) : cond.some((c) => matches(wire, c));
      if (!ok) return false;
      continue;
    }
    if (k === '$not') { if (matches(wire, cond)) return false; continue; }
    if (k.startsWith('$')) throw badFilter(`Unsupported operator ${k}`);
    const actual = valueAt(wire, k);
    const isOps = cond !== null && typeof cond === 'object' && !Array.isArray(cond) && Object.keys(cond).length > 0 && Object.keys(cond).every((o) => o.startsWith('$'));
    if (isOps) {
      for (const [op, expected] of Object.entries(cond as Json)) if (!test(op, actual, expected, k)) return false;
    } else if (!eq(actual, cond)) return false;
  }
  return true;
}

/** Refuses filters on fields outside `allowed` (REST names), as Wix refuses unsupported filter fields. */
export function checkFilterFields(filter: unknown, allowed: ReadonlySet<string>): void {
  if (filter === undefined || filter === null) return;
  if (typeof filter !== 'object' || Array.isArray(filter)) throw badFilter('filter must be an object');
  for (const [k, cond] of Object.entries(filter as Filter)) {
    if (k === '$and' || k === '$or') { if (Array.isArray(cond)) cond.forEach((c) => checkFilterFields(c, allowed)); continue; }
    if (k === '$not') { checkFilterFields(cond, allowed); continue; }
    if (!k.startsWith('$') && !allowed.has(field(k))) throw badFilter(`Filtering by ${k} is not supported; supported fields: ${[...allowed].join(', ')}`);
  }
}

export function parseSort(sort: unknown, allowed?: ReadonlySet<string>): SortSpec[] {
  if (sort === undefined || sort === null) return [];
  if (!Array.isArray(sort) || sort.length > 10) throw WixHttpError.validation('query.sort', 'sort must be a list of at most 10 {fieldName, order}');
  return sort.map((s, i) => {
    const o = (s ?? {}) as Json;
    if (typeof o.fieldName !== 'string' || !o.fieldName) throw WixHttpError.validation(`query.sort[${i}].fieldName`, 'fieldName is required');
    if (allowed && !allowed.has(field(o.fieldName))) throw WixHttpError.validation(`query.sort[${i}].fieldName`, `sorting by ${o.fieldName} is not supported`);
    if (o.order !== undefined && o.order !== 'ASC' && o.order !== 'DESC') throw WixHttpError.validation(`query.sort[${i}].order`, 'order must be ASC or DESC');
    return { fieldName: o.fieldName, order: (o.order as 'ASC' | 'DESC' | undefined) ?? 'ASC' };
  });
}

export function keyOf(row: Row, sort: SortSpec[]): Key {
  return { values: sort.map((s) => valueAt(row.wire, s.fieldName) ?? null), seq: row.seq };
}

export function compareKeys(a: Key, b: Key, sort: SortSpec[]): number {
  for (let i = 0; i < sort.length; i++) {
    const c = compareValues(a.values[i], b.values[i]);
    if (c !== 0) return sort[i]!.order === 'DESC' ? -c : c;
  }
  return a.seq - b.seq;
}

/** Filters and sorts; the result is in the query's order with creation order as the tie-break. */
export function run(rows: Row[], filter: unknown, sort: SortSpec[]): Row[] {
  return rows.filter((r) => matches(r.wire, filter)).sort((a, b) => compareKeys(keyOf(a, sort), keyOf(b, sort), sort));
}
