// Money as decimal strings ("25.00"), converted with integer arithmetic on the digits: never floats.
import type { Money } from '../ticketDefinition.js';

/** ISO 4217 minor-unit exponents that differ from 2. */
const EXPONENTS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3, CLF: 4, UYW: 4,
};

export class MoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyError';
  }
}

export function currencyExponent(currency: string): number {
  const c = currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(c)) throw new MoneyError(`"${currency}" is not a three-letter currency code`);
  return EXPONENTS[c] ?? 2;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** "25.5" in USD → 2550n. Refuses values with more decimals than the currency has (no silent rounding). */
export function toMinorUnits(value: string, currency: string): bigint {
  const m = DECIMAL.exec(value.trim());
  if (!m) throw new MoneyError(`"${value}" is not a decimal amount`);
  const exp = currencyExponent(currency);
  const [, sign, whole, frac = ''] = m;
  const extra = frac.slice(exp);
  if (/[1-9]/.test(extra)) throw new MoneyError(`"${value}" has more decimals than ${currency.toUpperCase()} allows (${exp})`);
  const digits = whole! + frac.slice(0, exp).padEnd(exp, '0');
  const n = BigInt(digits);
  return sign && n !== 0n ? -n : n;
}

/** 2550n in USD → "25.50". */
export function fromMinorUnits(minor: bigint, currency: string): string {
  const exp = currencyExponent(currency);
  const neg = minor < 0n;
  const digits = (neg ? -minor : minor).toString().padStart(exp + 1, '0');
  const whole = digits.slice(0, digits.length - exp);
  const frac = digits.slice(digits.length - exp);
  return `${neg ? '-' : ''}${whole}${exp ? `.${frac}` : ''}`;
}

/** Normalises to the currency's decimals: "25.5" USD → "25.50". */
export function normalizeDecimal(value: string, currency: string): string {
  return fromMinorUnits(toMinorUnits(value, currency), currency);
}

/** Eventbrite's cost format: currency and minor units, "USD,2550". */
export function eventbriteCost(money: Money): string {
  return `${money.currency.toUpperCase()},${toMinorUnits(money.value, money.currency).toString()}`;
}

export function isMoney(v: unknown): v is Money {
  return !!v && typeof v === 'object' && typeof (v as Money).value === 'string' && typeof (v as Money).currency === 'string';
}
