// Exact decimal arithmetic for SUM and AVG: a value is a BigInt of units and a scale
// (12.340 = { units: 12340n, scale: 3 }), so sums of DECIMAL and BIGINT partials never round.

export interface Decimal {
  units: bigint;
  scale: number;
}

/** Parses MySQL's decimal or integer text ("-12.340", "18446744073709551615"). */
export function parseDecimal(text: string): Decimal {
  const dot = text.indexOf('.');
  if (dot < 0) return { units: BigInt(text), scale: 0 };
  return { units: BigInt(text.slice(0, dot) + text.slice(dot + 1)), scale: text.length - dot - 1 };
}

function rescale(d: Decimal, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

export function compareDecimals(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale), y = rescale(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** a / b rounded half away from zero (MySQL's ROUND_HALF_UP) to `scale` digits; null when b = 0. */
export function divideDecimal(a: Decimal, b: Decimal, scale: number): Decimal | null {
  if (b.units === 0n) return null;
  // a/b = (a.units / 10^a.scale) / (b.units / 10^b.scale); scaled by 10^scale.
  let num = a.units * 10n ** BigInt(scale + b.scale);
  let den = b.units * 10n ** BigInt(a.scale);
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  let q = num / den;
  const r = num % den;
  if (2n * (r < 0n ? -r : r) >= den) q += num < 0n ? -1n : 1n;
  return { units: q, scale };
}

export function mulDecimal(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function negDecimal(a: Decimal): Decimal {
  return { units: -a.units, scale: a.scale };
}

/** MySQL's text form: exactly `scale` fraction digits, '-' only when negative. */
export function formatDecimal(d: Decimal): string {
  const neg = d.units < 0n;
  let s = (neg ? -d.units : d.units).toString();
  if (d.scale > 0) {
    s = s.padStart(d.scale + 1, '0');
    s = `${s.slice(0, s.length - d.scale)}.${s.slice(s.length - d.scale)}`;
  }
  return neg ? '-' + s : s;
}

/** A double in MySQL's text form (shortest round-trip digits; exponent without '+'). */
export function formatDouble(x: number): string {
  return String(x).replace('e+', 'e');
}
