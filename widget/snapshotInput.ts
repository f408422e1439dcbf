// Validation of what reaches the widget: a snapshot must have the right shape or it is ignored.
import type { PublicSnapshot } from '../backend/core/counter/counterChannel.js';

export type WidgetSnapshot = Pick<PublicSnapshot, 'definitionId' | 'pricePointKey' | 'label' | 'price' | 'currency' | 'unsold' | 'limit' | 'soldOut' | 'saleStatus' | 'saleStart' | 'saleEnd' | 'hidden' | 'readAt' | 'answeredAt'>;

const STATUSES = new Set(['SALE_SCHEDULED', 'SALE_STARTED', 'SALE_ENDED']);
const str = (v: unknown) => typeof v === 'string';
const strOrNull = (v: unknown) => v === null || typeof v === 'string';
const countOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 0);
const dateOrNull = (v: unknown) => v === null || (typeof v === 'string' && !Number.isNaN(Date.parse(v)));

export function parseSnapshot(raw: string | null): WidgetSnapshot | null {
  if (!raw || raw.length > 10_000) return null;
  let v: any;
  try { v = JSON.parse(raw); } catch { return null; }
  if (!v || typeof v !== 'object') return null;
  const ok = str(v.definitionId) && str(v.pricePointKey) && str(v.label) && strOrNull(v.price) && strOrNull(v.currency)
    && countOrNull(v.unsold) && countOrNull(v.limit ?? null) && typeof v.soldOut === 'boolean' && STATUSES.has(v.saleStatus)
    && dateOrNull(v.saleStart ?? null) && dateOrNull(v.saleEnd ?? null) && typeof v.hidden === 'boolean' && dateOrNull(v.readAt) && v.readAt !== null && dateOrNull(v.answeredAt ?? null)
    && (v.price === null || /^-?\d+(\.\d+)?$/.test(v.price));
  if (!ok) return null;
  return {
    definitionId: v.definitionId, pricePointKey: v.pricePointKey, label: v.label, price: v.price, currency: v.currency,
    unsold: v.unsold, limit: v.limit ?? null, soldOut: v.soldOut, saleStatus: v.saleStatus, saleStart: v.saleStart ?? null,
    saleEnd: v.saleEnd ?? null, hidden: v.hidden, readAt: v.readAt, answeredAt: v.answeredAt ?? null,
  };
}
