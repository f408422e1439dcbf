// The price points of a ticket definition: what a counter can be placed against.
import type { Money, TicketDef } from '../ticketDefinition.js';

export type PricePointKind = 'fixed' | 'option' | 'guestMinimum' | 'free';

export interface PricePoint {
  /** Stable within a definition: `fixed`, `guest`, `free`, or `option:<optionId>`. */
  key: string;
  kind: PricePointKind;
  /** Option name for price options, the definition name otherwise. */
  label: string;
  /** null only for free tickets without a currency. */
  price: Money | null;
}

/**
 * A `fixedPrice` is one point; each `pricingOptions.optionDetails[]` entry is one; a `guestPrice`
 * (pay what you want) is one point at its minimum. Price options share the definition's limit.
 */
export function pricePoints(def: TicketDef): PricePoint[] {
  const pm = def.pricingMethod ?? {};
  const options = pm.pricingOptions?.optionDetails ?? [];
  if (options.length > 0) {
    return options.map((o) => ({ key: `option:${o.optionId}`, kind: 'option', label: o.name || def.name, price: o.price }));
  }
  if (pm.fixedPrice) {
    const free = pm.free === true || isZero(pm.fixedPrice.value);
    return [{ key: free ? 'free' : 'fixed', kind: free ? 'free' : 'fixed', label: def.name, price: pm.fixedPrice }];
  }
  if (pm.guestPrice) return [{ key: 'guest', kind: 'guestMinimum', label: def.name, price: pm.guestPrice }];
  return [{ key: 'free', kind: 'free', label: def.name, price: null }];
}

function isZero(value: string): boolean {
  return /^0*(\.0*)?$/.test(value.trim());
}
