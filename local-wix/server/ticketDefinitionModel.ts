// Ticket Definitions V3 as the local Wix stores and answers them: input validation the way Wix
// validates (name 1–30, exactly one pricing method, money as decimal strings, positive integer
// limit), the computed read-only fields (limited, actualLimit, saleStatus, limitPerCheckout,
// salesDetails) and the REST wire form (`id`, `createdDate`, `updatedDate`, ISO dates).
import { randomUUID } from 'node:crypto';
import { WixHttpError, type Json } from './http.js';
import { guidError, isGuid } from './guid.js';

export type SaleStatus = 'SALE_SCHEDULED' | 'SALE_STARTED' | 'SALE_ENDED';
export const FEE_TYPES = ['FEE_INCLUDED', 'FEE_ADDED_AT_CHECKOUT', 'NO_FEE'] as const;
export type FeeType = (typeof FEE_TYPES)[number];

export interface WireMoney { value: string; currency: string }
export interface WireOption { optionId: string; name: string; price: WireMoney }
export interface WirePricingMethod {
  fixedPrice?: WireMoney;
  guestPrice?: WireMoney;
  pricingOptions?: { optionDetails: WireOption[] };
  pricingType: 'STANDARD' | 'DONATION';
  free: boolean;
}
export interface WireSalePeriod { startDate?: string | null; endDate?: string | null; displayNotOnSale: boolean }

/** The fields a caller may write (everything else is read-only and computed). */
export interface DefinitionFields {
  name: string;
  description: string | null;
  policyText: string | null;
  hidden: boolean;
  initialLimit: number | null;
  pricingMethod: WirePricingMethod;
  feeType: FeeType;
  salePeriod: WireSalePeriod | null;
}

export interface StoredDefinition {
  id: string;
  seq: number;
  eventId: string;
  revision: number;
  createdDate: string;
  updatedDate: string;
  fields: DefinitionFields;
  soldCount: number;
  reservedCount: number;
}

/** Wix caps tickets per checkout at 50 (`limitPerCheckout`, read-only). */
export const MAX_PER_CHECKOUT = 50;
const MONEY = /^\d{1,9}(\.\d{1,3})?$/;
const CURRENCY = /^[A-Z]{3}$/;

const invalid = (field: string, description: string) => WixHttpError.validation(field, description);
const isObj = (x: unknown): x is Json => !!x && typeof x === 'object' && !Array.isArray(x);

function str(input: Json, key: string, path: string, max: number, min = 0): string | null | undefined {
  const v = input[key];
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v !== 'string') throw invalid(`${path}.${key}`, `${key} must be a string`);
  if (v.length < min || v.length > max) throw invalid(`${path}.${key}`, `${key} must be ${min}–${max} characters long (got ${v.length})`);
  return v;
}

function money(x: unknown, path: string): WireMoney {
  if (!isObj(x)) throw invalid(path, 'price must be an object {value, currency}');
  if (typeof x.value !== 'string' || !MONEY.test(x.value)) {
    throw invalid(`${path}.value`, 'value must be a non-negative decimal string with a period as separator, e.g. "25.00"');
  }
  if (typeof x.currency !== 'string' || !CURRENCY.test(x.currency)) throw invalid(`${path}.currency`, 'currency must be an ISO 4217 code, e.g. "USD"');
  return { value: x.value, currency: x.currency };
}

const isZero = (v: string) => /^0+(\.0+)?$/.test(v);

function pricingMethod(x: unknown, path: string): WirePricingMethod {
  if (!isObj(x)) throw invalid(path, 'pricingMethod is required');
  const kinds = (['fixedPrice', 'guestPrice', 'pricingOptions'] as const).filter((k) => x[k] !== undefined && x[k] !== null);
  if (kinds.length !== 1) {
    throw invalid(path, `exactly one of fixedPrice, guestPrice, pricingOptions must be set (got ${kinds.length ? kinds.join(', ') : 'none'})`);
  }
  if (x.pricingType !== undefined && x.pricingType !== 'STANDARD' && x.pricingType !== 'DONATION') {
    throw invalid(`${path}.pricingType`, 'pricingType must be STANDARD or DONATION');
  }
  const kind = kinds[0]!;
  if (kind === 'pricingOptions') {
    const po = x.pricingOptions;
    const details = isObj(po) ? po.optionDetails : undefined;
    if (!Array.isArray(details) || details.length < 1 || details.length > 100) {
      throw invalid(`${path}.pricingOptions.optionDetails`, 'optionDetails must list 1–100 price options');
    }
    const seen = new Set<string>();
    const options = details.map((o, i): WireOption => {
      const p = `${path}.pricingOptions.optionDetails[${i}]`;
      if (!isObj(o)) throw invalid(p, 'price option must be an object');
      if (typeof o.name !== 'string' || o.name.length < 1 || o.name.length > 200) throw invalid(`${p}.name`, 'name must be 1–200 characters long');
      if (o.optionId !== undefined && o.optionId !== null && !isGuid(o.optionId)) throw guidError(`${p}.optionId`, o.optionId);
      const optionId = typeof o.optionId === 'string' ? o.optionId : randomUUID();
      if (seen.has(optionId)) throw invalid(`${p}.optionId`, `optionId ${optionId} appears twice`);
      seen.add(optionId);
      return { optionId, name: o.name, price: money(o.price, `${p}.price`) };
    });
    if (new Set(options.map((o) => o.price.currency)).size > 1) throw invalid(`${path}.pricingOptions`, 'all price options must use one currency');
    return { pricingOptions: { optionDetails: options }, pricingType: 'STANDARD', free: options.every((o) => isZero(o.price.value)) };
  }
  const price = money(x[kind], `${path}.${kind}`);
  const pricingType = kind === 'guestPrice' ? 'DONATION' : ((x.pricingType as 'STANDARD' | 'DONATION' | undefined) ?? 'STANDARD');
  return { [kind]: price, pricingType, free: kind === 'fixedPrice' && isZero(price.value) };
}

/** Sale period dates are rounded down to the minute, as Wix does. */
function saleDate(v: unknown, path: string): string | null {
  if (v === undefined || v === null) return null;
  const d = typeof v === 'string' ? new Date(v) : null;
  if (!d || Number.isNaN(d.getTime())) throw invalid(path, 'must be an ISO-8601 date-time');
  return new Date(Math.floor(d.getTime() / 60_000) * 60_000).toISOString();
}

function salePeriod(x: unknown, path: string): WireSalePeriod | null {
  if (x === null) return null;
  if (!isObj(x)) throw invalid(path, 'salePeriod must be an object');
  const startDate = saleDate(x.startDate, `${path}.startDate`);
  const endDate = saleDate(x.endDate, `${path}.endDate`);
  if (startDate && endDate && startDate >= endDate) {
    throw WixHttpError.application(428, 'INVALID_SALE_PERIOD', `Sale period end (${endDate}) must be after its start (${startDate})`);
  }
  return { startDate, endDate, displayNotOnSale: x.displayNotOnSale === true };
}

function initialLimit(v: unknown, path: string): number | null {
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 50_000) throw invalid(path, 'initialLimit must be a positive integer (at most 50000); omit it for unlimited tickets');
  return v;
}

/**
 * Validates a create (no `base`) or a partial update (fields present in `input` replace those of
 * `base`). Read-only fields in the input are ignored, as Wix ignores them.
 */
export function definitionFields(input: unknown, base?: DefinitionFields): DefinitionFields {
  const path = 'ticketDefinition';
  if (!isObj(input)) throw invalid(path, 'ticketDefinition is required');
  const name = str(input, 'name', path, 30, 1);
  if (!base && (name === undefined || name === null)) throw invalid(`${path}.name`, 'name is required');
  if (name === null) throw invalid(`${path}.name`, 'name must be 1–30 characters long');
  if (!base && input.pricingMethod === undefined) throw invalid(`${path}.pricingMethod`, 'pricingMethod is required');
  if (!base && input.feeType === undefined) throw invalid(`${path}.feeType`, 'feeType is required (FEE_INCLUDED, FEE_ADDED_AT_CHECKOUT or NO_FEE)');
  if (input.feeType !== undefined && !FEE_TYPES.includes(input.feeType as FeeType)) {
    throw invalid(`${path}.feeType`, 'feeType must be FEE_INCLUDED, FEE_ADDED_AT_CHECKOUT or NO_FEE');
  }
  if (input.hidden !== undefined && typeof input.hidden !== 'boolean') throw invalid(`${path}.hidden`, 'hidden must be a boolean');
  const description = str(input, 'description', path, 500);
  const policyText = str(input, 'policyText', path, 1000);
  return {
    name: name ?? base!.name,
    description: description !== undefined ? description : (base?.description ?? null),
    policyText: policyText !== undefined ? policyText : (base?.policyText ?? null),
    hidden: (input.hidden as boolean | undefined) ?? base?.hidden ?? false,
    initialLimit: input.initialLimit !== undefined ? initialLimit(input.initialLimit, `${path}.initialLimit`) : (base?.initialLimit ?? null),
    pricingMethod: input.pricingMethod !== undefined ? pricingMethod(input.pricingMethod, `${path}.pricingMethod`) : base!.pricingMethod,
    feeType: (input.feeType as FeeType | undefined) ?? base!.feeType,
    salePeriod: input.salePeriod !== undefined ? salePeriod(input.salePeriod, `${path}.salePeriod`) : (base?.salePeriod ?? null),
  };
}

export function saleStatusAt(period: WireSalePeriod | null, now: Date): SaleStatus {
  const t = now.toISOString();
  if (period?.startDate && t < period.startDate) return 'SALE_SCHEDULED';
  if (period?.endDate && t >= period.endDate) return 'SALE_ENDED';
  return 'SALE_STARTED';
}

export function unsoldCount(d: Pick<StoredDefinition, 'fields' | 'soldCount' | 'reservedCount'>): number | null {
  return d.fields.initialLimit === null ? null : Math.max(0, d.fields.initialLimit - d.soldCount - d.reservedCount);
}

export function salesDetails(d: StoredDefinition) {
  const unsold = unsoldCount(d);
  return { unsoldCount: unsold, soldCount: d.soldCount, reservedCount: d.reservedCount, soldOut: unsold === 0 };
}

/** The entity in REST wire form; `salesDetails` only when asked for. */
export function toWire(d: StoredDefinition, now: Date, withSales: boolean): Json {
  const f = d.fields;
  const unsold = unsoldCount(d);
  const wire: Json = {
    id: d.id,
    eventId: d.eventId,
    revision: String(d.revision),
    createdDate: d.createdDate,
    updatedDate: d.updatedDate,
    name: f.name,
    ...(f.description !== null ? { description: f.description } : {}),
    ...(f.policyText !== null ? { policyText: f.policyText } : {}),
    hidden: f.hidden,
    limited: f.initialLimit !== null,
    ...(f.initialLimit !== null ? { initialLimit: f.initialLimit, actualLimit: f.initialLimit } : {}),
    pricingMethod: f.pricingMethod,
    feeType: f.feeType,
    ...(f.salePeriod ? { salePeriod: stripNulls(f.salePeriod) } : {}),
    saleStatus: saleStatusAt(f.salePeriod, now),
    limitPerCheckout: unsold === null ? MAX_PER_CHECKOUT : Math.min(MAX_PER_CHECKOUT, unsold),
  };
  if (withSales) wire.salesDetails = salesDetails(d);
  return wire;
}

function stripNulls<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

/** Price of one ticket of a definition (and option); null when the option does not exist. */
export function ticketPrice(f: DefinitionFields, optionId?: string | null): WireMoney | null {
  const pm = f.pricingMethod;
  if (pm.pricingOptions) {
    if (!optionId) return null;
    return pm.pricingOptions.optionDetails.find((o) => o.optionId === optionId)?.price ?? null;
  }
  if (optionId) return null;
  return pm.fixedPrice ?? pm.guestPrice ?? null;
}
