// Money for the simulated checkout: decimal strings added and multiplied as scaled integers,
// never as floats. Amounts keep the largest number of decimals seen (at least 2).

export interface Amount { amount: string; currency: string }

function parse(value: string): { units: bigint; decimals: number } {
  const [whole, frac = ''] = value.split('.');
  return { units: BigInt(`${whole}${frac}` || '0'), decimals: frac.length };
}

function scaled(value: string, decimals: number): bigint {
  const p = parse(value);
  return p.units * 10n ** BigInt(decimals - p.decimals);
}

function format(units: bigint, decimals: number): string {
  const s = units.toString().padStart(decimals + 1, '0');
  return decimals ? `${s.slice(0, -decimals)}.${s.slice(-decimals)}` : s;
}

/** Σ value × quantity, formatted with max(2, decimals of the inputs) decimals. */
export function sum(lines: { value: string; quantity: number }[]): string {
  const decimals = Math.max(2, ...lines.map((l) => parse(l.value).decimals));
  const total = lines.reduce((acc, l) => acc + scaled(l.value, decimals) * BigInt(l.quantity), 0n);
  return format(total, decimals);
}

export const amount = (value: string, currency: string, quantity = 1): Amount => ({ amount: sum([{ value, quantity }]), currency });
export const isZero = (value: string) => /^0*(\.0*)?$/.test(value);
