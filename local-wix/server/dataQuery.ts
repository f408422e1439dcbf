// The Wix Data filter/sort engine: evaluates the filter model the SDK sends (`{field: value}`,
// `{field: {$op: operand}}`, `$and/$or/$not`) against stored items in their wire form, where dates
// are `{"$date": "<ISO>"}` (the SDK's codec encodes `Date` that way in both items and filters).
import { WixHttpError } from './http.js';

export type Data = Record<string, unknown>;
export interface SortSpec { fieldName: string; order?: 'ASC' | 'DESC' | string }

/** `a.b.c` lookup; arrays are not traversed implicitly. */
export function getPath(item: unknown, path: string): unknown {
  let cur: unknown = item;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Data)[key];
  }
  return cur;
}

function isDateWire(v: unknown): v is { $date: string } {
  return !!v && typeof v === 'object' && !Array.isArray(v) && typeof (v as Data).$date === 'string' && Object.keys(v as Data).length === 1;
}

type Scalar = { kind: 'number' | 'string' | 'boolean' | 'date'; v: number | string | boolean };

/** Comparable form of a value, or null for values that compare with nothing (objects, arrays, null). */
function scalar(v: unknown): Scalar | null {
  if (typeof v === 'number') return { kind: 'number', v };
  if (typeof v === 'string') return { kind: 'string', v };
  if (typeof v === 'boolean') return { kind: 'boolean', v };
  if (isDateWire(v)) {
    const t = Date.parse(v.$date);
    return Number.isNaN(t) ? null : { kind: 'date', v: t };
  }
  return null;
}

function cmp(a: Scalar, b: Scalar): number {
  return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
}

function equal(a: unknown, b: unknown): boolean {
  const sa = scalar(a);
  const sb = scalar(b);
  if (sa && sb) return sa.kind === sb.kind && sa.v === sb.v;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return JSON.stringify(a) === JSON.stringify(b);
}

const isEmptyValue = (v: unknown) => v === undefined || v === null;

function bad(op: string, description: string): never {
  throw WixHttpError.validation(`filter.${op}`, description);
}

function compareOp(value: unknown, operand: unknown, op: string, test: (c: number) => boolean): boolean {
  const so = scalar(operand);
  if (!so) bad(op, `${op} should be a Date, Number, String, or Boolean`);
  const sv = scalar(value);
  return !!sv && sv.kind === so.kind && test(cmp(sv, so));
}

function stringOp(value: unknown, operand: unknown, op: string, test: (v: string, o: string) => boolean): boolean {
  if (typeof operand !== 'string') bad(op, `${op} should be a String`);
  // Wix's contains/startsWith/endsWith are case-insensitive.
  return typeof value === 'string' && test(value.toLowerCase(), operand.toLowerCase());
}

function asArray(op: string, operand: unknown): unknown[] {
  if (!Array.isArray(operand)) bad(op, `${op} should be an Array`);
  return operand;
}

function fieldMatches(value: unknown, cond: unknown): boolean {
  const isOps = !!cond && typeof cond === 'object' && !Array.isArray(cond) && !isDateWire(cond) && Object.keys(cond as Data).some((k) => k.startsWith('$'));
  if (!isOps) {
    // {field: null} is `isEmpty`; otherwise equality (an array field also matches one of its elements).
    if (cond === null) return isEmptyValue(value);
    return equal(value, cond) || (Array.isArray(value) && !Array.isArray(cond) && value.some((v) => equal(v, cond)));
  }
  return Object.entries(cond as Data).every(([op, operand]) => {
    switch (op) {
      case '$eq': return fieldMatches(value, operand);
      case '$ne': return operand === null ? !isEmptyValue(value) : !fieldMatches(value, operand);
      case '$gt': return compareOp(value, operand, op, (c) => c > 0);
      case '$gte': return compareOp(value, operand, op, (c) => c >= 0);
      case '$lt': return compareOp(value, operand, op, (c) => c < 0);
      case '$lte': return compareOp(value, operand, op, (c) => c <= 0);
      case '$in': return asArray(op, operand).some((o) => fieldMatches(value, o));
      case '$nin': return !asArray(op, operand).some((o) => fieldMatches(value, o));
      case '$hasSome': {
        const vs = Array.isArray(value) ? value : [value];
        return asArray(op, operand).some((o) => vs.some((v) => equal(v, o)));
      }
      case '$hasAll': {
        const vs = Array.isArray(value) ? value : [value];
        return asArray(op, operand).every((o) => vs.some((v) => equal(v, o)));
      }
      case '$contains': return stringOp(value, operand, op, (v, o) => v.includes(o));
      case '$startsWith': return stringOp(value, operand, op, (v, o) => v.startsWith(o));
      case '$endsWith': return stringOp(value, operand, op, (v, o) => v.endsWith(o));
      case '$exists': return operand ? value !== undefined : value === undefined;
      case '$isEmpty': return operand ? isEmptyValue(value) : !isEmptyValue(value);
      case '$not': return !fieldMatches(value, operand);
      case '$regex': return bad(op, 'WDE0070: $regex keyword is not allowed.');
      default: return bad(op, `Unsupported filter operator ${op}`);
    }
  });
}

const FIELD_OPS: Record<string, 'scalar' | 'array' | 'string' | 'any'> = {
  $eq: 'any', $ne: 'any', $gt: 'scalar', $gte: 'scalar', $lt: 'scalar', $lte: 'scalar', $in: 'array', $nin: 'array',
  $hasSome: 'array', $hasAll: 'array', $contains: 'string', $startsWith: 'string', $endsWith: 'string', $exists: 'any', $isEmpty: 'any', $not: 'any',
};

function validateCondition(cond: unknown) {
  const isOps = !!cond && typeof cond === 'object' && !Array.isArray(cond) && !isDateWire(cond) && Object.keys(cond as Data).some((k) => k.startsWith('$'));
  if (!isOps) return;
  for (const [op, operand] of Object.entries(cond as Data)) {
    if (op === '$regex') bad(op, 'WDE0070: $regex keyword is not allowed.');
    const kind = FIELD_OPS[op];
    if (!kind) bad(op, `Unsupported filter operator ${op}`);
    if (kind === 'scalar' && !scalar(operand)) bad(op, `${op} should be a Date, Number, String, or Boolean`);
    if (kind === 'string' && typeof operand !== 'string') bad(op, `${op} should be a String`);
    if (kind === 'array') asArray(op, operand);
    if (op === '$not') validateCondition(operand);
  }
}

/** Refuses malformed filters up front (whether or not any item would reach the bad operator). */
export function validateFilter(filter: unknown): void {
  if (filter === undefined || filter === null) return;
  if (typeof filter !== 'object' || Array.isArray(filter)) bad('filter', 'WDE0016: Filter must be an object.');
  for (const [key, cond] of Object.entries(filter as Data)) {
    if (key === '$and' || key === '$or') asArray(key, cond).forEach(validateFilter);
    else if (key === '$not') (Array.isArray(cond) ? cond : [cond]).forEach(validateFilter);
    else if (key.startsWith('$')) bad(key, `Unsupported filter operator ${key}`);
    else validateCondition(cond);
  }
}

/**
 * The part of a filter the `_id` index can answer (Wix Data's primary key): top-level `_id`
 * conditions, also inside `$and` (the SDK sends `ge(...).lt(...)` as one), equal to, among, or
 * within bounds of ASCII strings (where SQLite's byte order and JavaScript's agree). All must hold.
 * The rows they select are a superset of the matches; `matches` still decides. null: scan them all.
 */
export interface IdScan { in?: string[]; gt?: string; gte?: string; lt?: string; lte?: string }
export function idScans(filter: unknown): IdScan[] | null {
  if (!filter || typeof filter !== 'object' || Array.isArray(filter)) return null;
  const scans: IdScan[] = [];
  const f = filter as Data;
  if ('_id' in f) {
    const one = idScan(f._id);
    if (one) scans.push(one);
  }
  if (Array.isArray(f.$and)) for (const part of f.$and) scans.push(...(idScans(part) ?? []));
  return scans.length ? scans : null;
}

function idScan(cond: unknown): IdScan | null {
  const ascii = (v: unknown): v is string => typeof v === 'string' && /^[\x00-\x7f]*$/.test(v);
  if (ascii(cond)) return { in: [cond] };
  if (!cond || typeof cond !== 'object' || Array.isArray(cond)) return null;
  const scan: IdScan = {};
  for (const [op, v] of Object.entries(cond as Data)) {
    if (op === '$eq' && ascii(v)) scan.in = [v];
    else if ((op === '$in' || op === '$hasSome') && Array.isArray(v) && v.every(ascii)) scan.in = v as string[];
    else if ((op === '$gt' || op === '$gte' || op === '$lt' || op === '$lte') && ascii(v)) scan[op.slice(1) as 'gt' | 'gte' | 'lt' | 'lte'] = v;
    else return null;
  }
  return Object.keys(scan).length ? scan : null;
}

/**
 * The part of a filter SQLite can test on a row's stored JSON (`json_extract`), besides the `_id`
 * index: top-level and `$and` conditions on plain field paths (`a`, `a.b`; no array indexes) whose
 * operands are strings: equal to or among strings (`$eq`, `$in`, `$hasSome`; the field may also be
 * an array that holds one), and bounds (`$gt`, `$gte`, `$lt`, `$lte`) of ASCII strings on a string
 * field (where SQLite's byte order and JavaScript's agree). Strings with NUL or unpaired surrogates
 * are left to JavaScript. All must hold. Like `idScans`, the rows they select are a superset of the
 * matches (any other condition is simply not pushed down); `matches` still decides.
 */
export interface FieldScan { path: string; in?: string[]; gt?: string; gte?: string; lt?: string; lte?: string }
export function fieldScans(filter: unknown): FieldScan[] {
  if (!filter || typeof filter !== 'object' || Array.isArray(filter)) return [];
  const scans: FieldScan[] = [];
  for (const [key, cond] of Object.entries(filter as Data)) {
    if (key === '$and' && Array.isArray(cond)) for (const part of cond) scans.push(...fieldScans(part));
    else if (key !== '_id' && PLAIN_PATH.test(key)) scans.push(...fieldScan(key, cond));
  }
  return scans;
}

const PLAIN_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/** A string SQLite stores and compares exactly as JavaScript sees it. */
const plainString = (v: unknown): v is string => typeof v === 'string' && !/[\0\uD800-\uDFFF]/u.test(v);
const asciiString = (v: unknown): v is string => plainString(v) && /^[\x01-\x7f]*$/.test(v);

function fieldScan(path: string, cond: unknown): FieldScan[] {
  if (plainString(cond)) return [{ path, in: [cond] }];
  if (!cond || typeof cond !== 'object' || Array.isArray(cond) || isDateWire(cond)) return [];
  const scans: FieldScan[] = [];
  for (const [op, v] of Object.entries(cond as Data)) {
    if (op === '$eq' && plainString(v)) scans.push({ path, in: [v] });
    else if ((op === '$in' || op === '$hasSome') && Array.isArray(v) && v.length && v.every(plainString)) scans.push({ path, in: v as string[] });
    else if ((op === '$gt' || op === '$gte' || op === '$lt' || op === '$lte') && asciiString(v)) scans.push({ path, [op.slice(1)]: v });
  }
  return scans;
}

/** Whether `item` (an item's `data` in wire form) satisfies the Wix filter model. */
export function matches(item: Data, filter: unknown): boolean {
  if (filter === undefined || filter === null) return true;
  if (typeof filter !== 'object' || Array.isArray(filter)) bad('filter', 'WDE0016: Filter must be an object.');
  return Object.entries(filter as Data).every(([key, cond]) => {
    switch (key) {
      case '$and': return asArray(key, cond).every((f) => matches(item, f));
      case '$or': return asArray(key, cond).some((f) => matches(item, f));
      // The SDK sends `$not: [filter]`; REST callers may send `$not: filter`.
      case '$not': return !(Array.isArray(cond) ? cond.every((f) => matches(item, f)) : matches(item, cond));
      default:
        if (key.startsWith('$')) bad(key, `Unsupported filter operator ${key}`);
        return fieldMatches(getPath(item, key), cond);
    }
  });
}

const kindRank: Record<Scalar['kind'], number> = { boolean: 1, number: 2, string: 3, date: 4 };

/** An item's comparable values for `sort` (null: missing or empty), computed once per item. */
export type SortKeys = (Scalar | null)[];
export function sortKeys(item: Data, sort: SortSpec[]): SortKeys {
  return sort.map((s) => scalar(getPath(item, s.fieldName)));
}

/** Orders sort keys: missing/empty values rank lowest; strings by code point ("abc" after "XYZ"). */
export function compareSortKeys(sort: SortSpec[]): (a: SortKeys, b: SortKeys) => number {
  return (a, b) => {
    for (let i = 0; i < sort.length; i++) {
      const sa = a[i];
      const sb = b[i];
      let c = 0;
      if (!sa || !sb) c = (sa ? 1 : 0) - (sb ? 1 : 0);
      else if (sa.kind !== sb.kind) c = kindRank[sa.kind] - kindRank[sb.kind];
      else c = cmp(sa, sb);
      if (c !== 0) return sort[i]!.order === 'DESC' ? -c : c;
    }
    return 0;
  };
}

/**
 * The first `size` of a stream in `compare` order, holding only those: a max-heap whose top is the
 * worst kept. Memory is bounded by `size` (the page's offset + limit), not by the stream's length.
 */
export class FirstN<T> {
  private readonly heap: T[] = [];
  constructor(private readonly size: number, private readonly compare: (a: T, b: T) => number) {}

  offer(x: T) {
    const h = this.heap;
    if (h.length < this.size) {
      h.push(x);
      for (let i = h.length - 1; i > 0;) {
        const p = (i - 1) >> 1;
        if (this.compare(h[i]!, h[p]!) <= 0) break;
        [h[i], h[p]] = [h[p]!, h[i]!];
        i = p;
      }
    } else if (this.size > 0 && this.compare(x, h[0]!) < 0) {
      h[0] = x;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.compare(h[l]!, h[m]!) > 0) m = l;
        if (r < h.length && this.compare(h[r]!, h[m]!) > 0) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
  }

  /** What was kept, in order. */
  sorted(): T[] { return [...this.heap].sort(this.compare); }
}

/** Wix's default order when a query has no sort: newest first. */
export const DEFAULT_SORT: SortSpec[] = [{ fieldName: '_createdDate', order: 'DESC' }];

/** Projection: `fields` keeps only those (dotted paths allowed) plus `_id`. */
export function project(item: Data, fields: string[] | undefined): Data {
  if (!fields || fields.length === 0) return item;
  const out: Data = { _id: item._id };
  for (const f of fields) {
    const v = getPath(item, f);
    if (v === undefined) continue;
    const parts = f.split('.');
    let target = out;
    for (const p of parts.slice(0, -1)) target = (target[p] ??= {}) as Data;
    target[parts[parts.length - 1]!] = v;
  }
  return out;
}
