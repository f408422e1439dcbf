// The mapping each target kind starts from. The admin web method addSyncMappingPreset copies these rows
// into SyncFieldMappings for a target; the owner edits them in the CMS from there.
import type { FieldMappingRow } from './mappingRows.js';

type Row = Omit<FieldMappingRow, '_id' | 'targetId' | 'enabled' | 'position'>;

const r = (sourcePath: string, targetField: string, extra: Partial<Row> = {}): Row => ({
  sourcePath, targetField, transform: null, transformArg: null, default: null, required: false, ...extra,
});

/** Pretix item + quota. `variations` and `quota.*` are read by the Pretix connector, the rest is the item body. */
const pretix: Row[] = [
  r('name', 'name.en', { required: true }),
  r('description', 'description.en'),
  r('price', 'default_price', { transform: 'moneyToDecimal', default: '"0.00"' }),
  r('hidden', 'active', { transform: 'not' }),
  r('pricingKind', 'free_price', { transform: 'lookup', transformArg: '{"GUEST": true, "*": false}' }),
  r('salePeriod.startDate', 'available_from', { transform: 'dateToIsoUtc' }),
  r('salePeriod.endDate', 'available_until', { transform: 'dateToIsoUtc' }),
  r('limitPerCheckout', 'max_per_order'),
  r('id', 'internal_name', { transform: 'template', transformArg: 'wix:{id}' }),
  r('eventId', 'admission', { transform: 'constant', transformArg: 'true' }),
  r('priceOptions', 'variations'),
  r('actualLimit', 'quota.size'),
];

/** Generic JSON body for a signed REST/webhook receiver. */
const signedRest: Row[] = [
  r('id', 'wixDefinitionId', { required: true }),
  r('eventId', 'wixEventId'),
  r('externalEventId', 'eventId'),
  r('revision', 'revision'),
  r('name', 'name', { required: true }),
  r('description', 'description'),
  r('pricingKind', 'pricingKind'),
  r('price', 'priceMinor', { transform: 'moneyToMinor' }),
  r('price.currency', 'currency'),
  r('priceOptions', 'priceOptions'),
  r('hidden', 'hidden'),
  r('actualLimit', 'capacity'),
  r('salePeriod.startDate', 'salesStart', { transform: 'dateToIsoUtc' }),
  r('salePeriod.endDate', 'salesEnd', { transform: 'dateToIsoUtc' }),
  r('saleStatus', 'saleStatus'),
  r('feeType', 'feeType'),
];

/** Eventbrite ticket-class shape, for a signed REST target that forwards to Eventbrite. */
const eventbriteTicketClass: Row[] = [
  r('name', 'name', { required: true }),
  r('free', 'free'),
  r('pricingType', 'donation', { transform: 'lookup', transformArg: '{"DONATION": true, "*": false}' }),
  r('price', 'cost', { transform: 'moneyToEventbrite' }),
  r('actualLimit', 'quantity_total'),
  r('id', 'minimum_quantity', { transform: 'constant', transformArg: '1' }),
  r('limitPerCheckout', 'maximum_quantity'),
  r('salePeriod.startDate', 'sales_start', { transform: 'dateToIsoUtc' }),
  r('salePeriod.endDate', 'sales_end', { transform: 'dateToIsoUtc' }),
  r('hidden', 'hidden'),
];

export const DEFAULT_MAPPINGS = { pretix, signedRest } as const;
export const MAPPING_PRESETS = { pretix, signedRest, eventbriteTicketClass } as const;

/** Rows ready to insert for a target (stable IDs so running setup twice adds nothing). */
export function defaultMappingRows(targetId: string, preset: keyof typeof MAPPING_PRESETS): FieldMappingRow[] {
  return MAPPING_PRESETS[preset].map((row, i) => ({
    ...row, _id: `${targetId}-${row.targetField.replace(/\./g, '-')}`, targetId, enabled: true, position: i,
  }));
}
