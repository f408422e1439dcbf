// A definition's price as one line for a message. Money stays a decimal string: Intl formats the
// string itself (no float arithmetic), and an unknown currency falls back to "25.00 XYZ".
import type { Money, TicketDef } from '../ticketDefinition.js';

export function moneyText(m: Money, locale = 'en-US'): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency }).format(m.value as unknown as number);
  } catch {
    return `${m.value} ${m.currency}`;
  }
}

/** Compares decimal strings exactly (no floats): "10.5" vs "9.99". */
export function compareDecimal(a: string, b: string): number {
  const [ai = '0', af = ''] = a.replace(/^-/, '').split('.');
  const [bi = '0', bf = ''] = b.replace(/^-/, '').split('.');
  const w = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(w, '0')) * (a.startsWith('-') ? -1n : 1n);
  const y = BigInt(bi + bf.padEnd(w, '0')) * (b.startsWith('-') ? -1n : 1n);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function ticketPriceText(def: TicketDef, locale = 'en-US'): string {
  const pm = def.pricingMethod;
  if (pm.free) return 'Free';
  if (pm.fixedPrice) return compareDecimal(pm.fixedPrice.value, '0') === 0 ? 'Free' : moneyText(pm.fixedPrice, locale);
  if (pm.guestPrice) return `Pay what you like (from ${moneyText(pm.guestPrice, locale)})`;
  const options = pm.pricingOptions?.optionDetails ?? [];
  if (options.length) {
    const sorted = [...options].sort((a, b) => compareDecimal(a.price.value, b.price.value));
    const lo = sorted[0]!.price;
    const hi = sorted[sorted.length - 1]!.price;
    return compareDecimal(lo.value, hi.value) === 0 ? moneyText(lo, locale) : `${moneyText(lo, locale)} – ${moneyText(hi, locale)}`;
  }
  return '';
}
