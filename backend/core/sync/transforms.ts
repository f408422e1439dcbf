// Transforms a mapping row may apply to its source value, by the name the site owner types in the CMS.
// Each parses its argument once (so a bad argument is refused when the row is saved) and then applies.
import type { TicketDef } from '../ticketDefinition.js';
import { eventbriteCost, isMoney, normalizeDecimal, toMinorUnits } from './money.js';
import { unsafePathProblem } from '../security/safePath.js';
import { isSourcePath, readSource, SOURCE_PATH_NAMES, type SourceContext } from './sourcePaths.js';

export interface TransformEnv { def: TicketDef; source: SourceContext }

export class TransformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransformError';
  }
}

interface TransformSpec<A> {
  describe: string;
  /** What `transformArg` holds, for messages; undefined = takes no argument. */
  arg?: { required: boolean; describe: string };
  parseArg(arg: string | null): A;
  apply(value: unknown, arg: A, env: TransformEnv): unknown;
}

const none = () => undefined;
const isBlank = (v: unknown) => v === null || v === undefined;

/** JSON when it parses, else the text itself: lets the owner type `true`, `42`, `{"a":1}` or `Hello`. */
export function parseLiteral(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function moneyOf(value: unknown, currencyArg: string | null): { value: string; currency: string } {
  if (isMoney(value)) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    if (!currencyArg) throw new TransformError('the value is a plain amount; set the currency code as the transform argument (e.g. USD) or map "price"');
    return { value: String(value), currency: currencyArg };
  }
  throw new TransformError(`expected a price, got ${JSON.stringify(value)}`);
}

const currencyArg = { required: false, describe: 'currency code used when the source is a plain amount, e.g. USD' };
const parseCurrency = (a: string | null) => {
  if (!a) return null;
  if (!/^[A-Za-z]{3}$/.test(a.trim())) throw new TransformError(`"${a}" is not a three-letter currency code`);
  return a.trim().toUpperCase();
};

const PLACEHOLDER = /\{([^{}]+)\}/g;

export const TRANSFORMS = {
  none: { describe: 'copy the value as it is', parseArg: none, apply: (v) => v } as TransformSpec<undefined>,
  moneyToMinor: {
    describe: 'price to an integer of minor units ("25.00" USD → 2500)',
    arg: currencyArg,
    parseArg: parseCurrency,
    apply: (v, cur) => {
      if (isBlank(v)) return null;
      const m = moneyOf(v, cur);
      const n = toMinorUnits(m.value, m.currency);
      if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER)) throw new TransformError(`${m.value} ${m.currency} is too large`);
      return Number(n);
    },
  } as TransformSpec<string | null>,
  moneyToDecimal: {
    describe: 'price to a decimal string with the currency\'s decimals ("25.5" USD → "25.50")',
    arg: currencyArg,
    parseArg: parseCurrency,
    apply: (v, cur) => (isBlank(v) ? null : ((m) => normalizeDecimal(m.value, m.currency))(moneyOf(v, cur))),
  } as TransformSpec<string | null>,
  moneyToEventbrite: {
    describe: 'price to Eventbrite\'s cost format ("25.00" USD → "USD,2500")',
    arg: currencyArg,
    parseArg: parseCurrency,
    apply: (v, cur) => (isBlank(v) ? null : eventbriteCost(moneyOf(v, cur))),
  } as TransformSpec<string | null>,
  dateToIsoUtc: {
    describe: 'date to ISO-8601 in UTC ("2025-05-01T10:00:00.000Z")',
    parseArg: none,
    apply: (v) => {
      if (isBlank(v) || v === '') return null;
      const d = v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : null;
      if (!d || Number.isNaN(d.getTime())) throw new TransformError(`${JSON.stringify(v)} is not a date`);
      return d.toISOString();
    },
  } as TransformSpec<undefined>,
  not: {
    describe: 'true ↔ false (e.g. hidden → active)',
    parseArg: none,
    apply: (v) => {
      if (isBlank(v)) return null;
      if (typeof v !== 'boolean') throw new TransformError(`"not" needs true or false, got ${JSON.stringify(v)}`);
      return !v;
    },
  } as TransformSpec<undefined>,
  constant: {
    describe: 'always the argument (JSON or text), whatever the source',
    arg: { required: true, describe: 'the value, e.g. true, 1 or "Admission"' },
    parseArg: (a) => {
      if (a === null) throw new TransformError('"constant" needs the value as its argument');
      return parseLiteral(a);
    },
    apply: (_v, a) => structuredClone(a),
  } as TransformSpec<unknown>,
  lookup: {
    describe: 'replace the value using a table; "*" is the fallback',
    arg: { required: true, describe: 'a JSON object, e.g. {"FEE_INCLUDED": true, "*": false}' },
    parseArg: (a) => {
      let t: unknown;
      try {
        t = JSON.parse(a ?? '');
      } catch {
        throw new TransformError('"lookup" needs a JSON object as its argument, e.g. {"SALE_STARTED": "on sale", "*": "closed"}');
      }
      if (!t || typeof t !== 'object' || Array.isArray(t)) throw new TransformError('the lookup table must be a JSON object');
      return t as Record<string, unknown>;
    },
    apply: (v, table) => {
      const key = isBlank(v) ? 'null' : String(v);
      if (Object.hasOwn(table, key)) return structuredClone(table[key]);
      if (Object.hasOwn(table, '*')) return structuredClone(table['*']);
      throw new TransformError(`${JSON.stringify(v)} is not in the lookup table (keys: ${Object.keys(table).join(', ')}) and there is no "*" fallback`);
    },
  } as TransformSpec<Record<string, unknown>>,
  template: {
    describe: 'text with {placeholders}: {value} or any source path, e.g. "{name} ({price.currency})"',
    arg: { required: true, describe: 'the template text' },
    parseArg: (a) => {
      if (!a) throw new TransformError('"template" needs the text as its argument, e.g. "{name} – {eventId}"');
      const unknown = [...a.matchAll(PLACEHOLDER)].map((m) => m[1]!.trim()).filter((p) => p !== 'value' && (!isSourcePath(p) || unsafePathProblem(p) !== null));
      if (unknown.length) throw new TransformError(`unknown placeholder ${unknown.map((u) => `{${u}}`).join(', ')}; use {value} or one of: ${SOURCE_PATH_NAMES.join(', ')}`);
      return a;
    },
    apply: (v, tpl, env) =>
      tpl.replace(PLACEHOLDER, (_m, p: string) => {
        const x = p.trim() === 'value' ? v : readSource(p.trim(), env.def, env.source);
        if (isBlank(x)) return '';
        return isMoney(x) ? `${x.value} ${x.currency}` : typeof x === 'object' ? JSON.stringify(x) : String(x);
      }),
  } as TransformSpec<string>,
  number: {
    describe: 'text to a number ("12" → 12)',
    parseArg: none,
    apply: (v) => {
      if (isBlank(v) || v === '') return null;
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(n)) throw new TransformError(`${JSON.stringify(v)} is not a number`);
      return n;
    },
  } as TransformSpec<undefined>,
  text: { describe: 'the value as text', parseArg: none, apply: (v) => (isBlank(v) ? null : typeof v === 'object' ? JSON.stringify(v) : String(v)) } as TransformSpec<undefined>,
} satisfies Record<string, TransformSpec<any>>;

export type TransformName = keyof typeof TRANSFORMS;
export const TRANSFORM_NAMES = Object.keys(TRANSFORMS) as TransformName[];

export const isTransformName = (n: string): n is TransformName => Object.hasOwn(TRANSFORMS, n);

/** A transform with its argument parsed: what the mapping engine runs. */
export interface CompiledTransform { name: TransformName; run(value: unknown, env: TransformEnv): unknown }

export function compileTransform(name: TransformName, arg: string | null): CompiledTransform {
  const spec = TRANSFORMS[name] as TransformSpec<unknown>;
  const parsed = spec.parseArg(arg === '' ? null : arg);
  return { name, run: (value, env) => spec.apply(value, parsed, env) };
}
