// The ticket definition as the core sees it: the V3 entity's fields (SDK names), dates as ISO-8601 UTC
// strings, money as decimal strings. The Wix adapter produces this shape; nothing here does I/O.

export interface Money { value: string; currency: string }
export interface PriceOption { optionId: string; name: string; price: Money }

export type SaleStatus = 'SALE_SCHEDULED' | 'SALE_STARTED' | 'SALE_ENDED';
export type FeeType = 'FEE_INCLUDED' | 'FEE_ADDED_AT_CHECKOUT' | 'NO_FEE';

export interface SalesDetails {
  /** null for unlimited tickets. */
  unsoldCount: number | null;
  soldCount: number;
  reservedCount: number;
  soldOut: boolean;
}

export interface TicketDef {
  _id: string;
  eventId: string;
  /** String counter, +1 per update. Compare with `compareRevisions`, never as strings. */
  revision: string;
  name: string;
  description?: string | null;
  policyText?: string | null;
  hidden: boolean;
  limited: boolean;
  initialLimit?: number | null;
  actualLimit?: number | null;
  pricingMethod: {
    fixedPrice?: Money;
    guestPrice?: Money;
    pricingOptions?: { optionDetails: PriceOption[] };
    pricingType?: 'STANDARD' | 'DONATION';
    free?: boolean;
  };
  feeType?: FeeType;
  salePeriod?: { startDate?: string | null; endDate?: string | null; displayNotOnSale?: boolean } | null;
  saleStatus?: SaleStatus;
  /** Present only when read with SALES_DETAILS. */
  salesDetails?: SalesDetails;
  limitPerCheckout?: number | null;
  _createdDate?: string | null;
  _updatedDate?: string | null;
}

/** Revisions are decimal strings ("10" > "9"). Returns <0, 0, >0. */
export function compareRevisions(a: string | null | undefined, b: string | null | undefined): number {
  const x = BigInt(a && /^\d+$/.test(a) ? a : '0');
  const y = BigInt(b && /^\d+$/.test(b) ? b : '0');
  return x < y ? -1 : x > y ? 1 : 0;
}
