// The fields of a ticket definition a mapping row may read, by the name the site owner types in the CMS.
import type { Money, PriceOption, TicketDef } from '../ticketDefinition.js';

export interface SourceContext {
  /** The external event this definition's event is mapped to (SyncEventMappings). */
  externalEventId: string;
}

type Reader = (def: TicketDef, ctx: SourceContext) => unknown;

/** Price of a single-price definition, else the first price option's. */
function mainPrice(def: TicketDef): Money | null {
  const p = def.pricingMethod;
  return p.fixedPrice ?? p.guestPrice ?? p.pricingOptions?.optionDetails[0]?.price ?? null;
}

function pricingKind(def: TicketDef): 'FIXED' | 'GUEST' | 'OPTIONS' | 'FREE' {
  const p = def.pricingMethod;
  if (p.pricingOptions?.optionDetails.length) return 'OPTIONS';
  if (p.guestPrice) return 'GUEST';
  if (p.free || (p.fixedPrice && /^0+(\.0+)?$/.test(p.fixedPrice.value))) return 'FREE';
  return 'FIXED';
}

const priceOptions = (def: TicketDef): PriceOption[] =>
  (def.pricingMethod.pricingOptions?.optionDetails ?? []).map((o) => ({ optionId: o.optionId, name: o.name, price: { ...o.price } }));

export const SOURCE_PATHS: Record<string, { describe: string; read: Reader }> = {
  id: { describe: 'Wix ticket definition ID', read: (d) => d._id },
  eventId: { describe: 'Wix event ID', read: (d) => d.eventId },
  externalEventId: { describe: 'external event ID from the event mapping', read: (_d, c) => c.externalEventId },
  revision: { describe: 'revision of the definition', read: (d) => d.revision },
  name: { describe: 'ticket name', read: (d) => d.name },
  description: { describe: 'ticket description', read: (d) => d.description ?? null },
  policyText: { describe: 'ticket policy text', read: (d) => d.policyText ?? null },
  hidden: { describe: 'hidden from the event page', read: (d) => d.hidden },
  pricingKind: { describe: 'FIXED, GUEST (pay what you want), OPTIONS or FREE', read: pricingKind },
  pricingType: { describe: 'STANDARD or DONATION', read: (d) => d.pricingMethod.pricingType ?? 'STANDARD' },
  free: { describe: 'whether the ticket is free', read: (d) => pricingKind(d) === 'FREE' },
  price: { describe: 'price {value, currency} (fixed, guest minimum or first option)', read: mainPrice },
  'price.value': { describe: 'price amount as a decimal string', read: (d) => mainPrice(d)?.value ?? null },
  'price.currency': { describe: 'price currency code', read: (d) => mainPrice(d)?.currency ?? null },
  priceOptions: { describe: 'list of price options {optionId, name, price}', read: priceOptions },
  limited: { describe: 'whether the quantity is limited', read: (d) => d.limited },
  initialLimit: { describe: 'quantity limit as set (null = unlimited)', read: (d) => (d.limited ? (d.initialLimit ?? null) : null) },
  actualLimit: { describe: 'current quantity limit (null = unlimited)', read: (d) => (d.limited ? (d.actualLimit ?? d.initialLimit ?? null) : null) },
  limitPerCheckout: { describe: 'maximum tickets per checkout', read: (d) => d.limitPerCheckout ?? null },
  'salesDetails.unsoldCount': { describe: 'unsold tickets (null = unlimited)', read: (d) => d.salesDetails?.unsoldCount ?? null },
  'salesDetails.soldCount': { describe: 'sold tickets', read: (d) => d.salesDetails?.soldCount ?? null },
  'salesDetails.reservedCount': { describe: 'reserved tickets', read: (d) => d.salesDetails?.reservedCount ?? null },
  'salesDetails.soldOut': { describe: 'sold out', read: (d) => d.salesDetails?.soldOut ?? null },
  'salePeriod.startDate': { describe: 'sale start (date)', read: (d) => d.salePeriod?.startDate ?? null },
  'salePeriod.endDate': { describe: 'sale end (date)', read: (d) => d.salePeriod?.endDate ?? null },
  'salePeriod.displayNotOnSale': { describe: 'show the ticket before/after its sale period', read: (d) => d.salePeriod?.displayNotOnSale ?? false },
  saleStatus: { describe: 'SALE_SCHEDULED, SALE_STARTED or SALE_ENDED', read: (d) => d.saleStatus ?? null },
  feeType: { describe: 'FEE_INCLUDED, FEE_ADDED_AT_CHECKOUT or NO_FEE', read: (d) => d.feeType ?? null },
};

export const SOURCE_PATH_NAMES = Object.keys(SOURCE_PATHS);

/** Whether a path is mapped from sales details, so the flow knows to read them. */
export const needsSalesDetails = (path: string) => path.startsWith('salesDetails.');

/** Only the table's own names (`constructor` is not a source path, whatever Object.prototype says). */
export function isSourcePath(path: string): boolean {
  return Object.hasOwn(SOURCE_PATHS, path);
}

export function readSource(path: string, def: TicketDef, ctx: SourceContext): unknown {
  const s = isSourcePath(path) ? SOURCE_PATHS[path] : undefined;
  if (!s) throw new Error(`unknown source path "${path}"`);
  return s.read(def, ctx);
}

/** "sorce" → "source": the nearest known names, for messages. */
export function closestNames(input: string, names: string[], max = 3): string[] {
  const dist = (a: string, b: string) => {
    const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) dp[0]![j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        dp[i]![j] = Math.min(dp[i - 1]![j]! + 1, dp[i]![j - 1]! + 1, dp[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    return dp[a.length]![b.length]!;
  };
  const lower = input.toLowerCase();
  return names
    .map((n) => ({ n, d: dist(lower, n.toLowerCase()) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(x.n.length / 3)))
    .sort((a, b) => a.d - b.d)
    .slice(0, max)
    .map((x) => x.n);
}
