// Exact decimal-string helpers for prices. Prices never pass through a JS number: the book stores decimal strings,
// this module validates them and moves the decimal point (USD per 1M tokens -> USD per token), and DuckDB does
// the arithmetic in DECIMAL(38,18).

/** Fractional digits DuckDB keeps for prices: DECIMAL(38,18). */
export const PRICE_SCALE = 18;

const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** True for a plain non-negative decimal string such as `"2.50"` or `"0"` (no sign, exponent or spaces). */
export function isDecimalString(value: string): boolean {
  return DECIMAL.test(value);
}

/** Number of digits after the decimal point, trailing zeros included. */
export function fractionDigits(value: string): number {
  const dot = value.indexOf('.');
  return dot < 0 ? 0 : value.length - dot - 1;
}

/** Strips trailing fractional zeros and a dangling point: `"2.500"` -> `"2.5"`, `"10.0"` -> `"10"`. */
export function normalizeDecimal(value: string): string {
  if (!value.includes('.')) return value.replace(/^0+(?=\d)/, '');
  const trimmed = value.replace(/0+$/, '').replace(/\.$/, '');
  return trimmed.replace(/^0+(?=\d)/, '');
}

/**
 * Divides a decimal string by 10^places exactly (string shift, no float):
 * `shiftDecimal("2.5", 6)` -> `"0.0000025"`.
 */
export function shiftDecimal(value: string, places: number): string {
  if (!isDecimalString(value)) throw new Error(`not a decimal string: ${value}`);
  const [int = '0', frac = ''] = value.split('.');
  const digits = int + frac;
  const point = int.length - places;
  const padded = point <= 0 ? '0'.repeat(1 - point) + digits : digits;
  const at = point <= 0 ? 1 : point;
  return normalizeDecimal(`${padded.slice(0, at)}.${padded.slice(at)}`);
}

/** Compares two decimal strings exactly: -1, 0 or 1. */
export function compareDecimal(a: string, b: string): number {
  const [ai = '0', af = ''] = normalizeDecimal(a).split('.');
  const [bi = '0', bf = ''] = normalizeDecimal(b).split('.');
  if (ai.length !== bi.length) return ai.length < bi.length ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const pa = af.padEnd(width, '0');
  const pb = bf.padEnd(width, '0');
  return pa === pb ? 0 : pa < pb ? -1 : 1;
}

// Fixed-point arithmetic at the stored scale, for the few figures aicost computes outside DuckDB (token-bundle burn,
// balances): DuckDB divides DECIMALs in DOUBLE, and a JS number cannot hold 38 digits, so these use BigInt units of
// 10^-18.
const ONE = 10n ** BigInt(PRICE_SCALE);
const SIGNED = /^(-?)(\d+)(?:\.(\d*))?$/;

/** A decimal string (at most 18 fractional digits) as an integer count of 10^-18. */
export function toFixed18(value: string): bigint {
  const m = SIGNED.exec(value.trim());
  if (!m) throw new Error(`not a decimal string: ${value}`);
  const frac = m[3] ?? '';
  if (frac.length > PRICE_SCALE && /[1-9]/.test(frac.slice(PRICE_SCALE)))
    throw new Error(`more than ${PRICE_SCALE} decimals: ${value}`);
  const units = BigInt(m[2]!) * ONE + BigInt(frac.slice(0, PRICE_SCALE).padEnd(PRICE_SCALE, '0'));
  return m[1] ? -units : units;
}

/** An integer count of 10^-18 as DuckDB prints a DECIMAL(38,18): all 18 fractional digits. */
export function fromFixed18(units: bigint): string {
  const sign = units < 0n ? '-' : '';
  const abs = units < 0n ? -units : units;
  return `${sign}${abs / ONE}.${(abs % ONE).toString().padStart(PRICE_SCALE, '0')}`;
}

/** round(a × b ÷ c), half away from zero, for fixed-point a, b, c: the product is exact before the one rounding. */
export function mulDiv(a: bigint, b: bigint, c: bigint): bigint {
  if (c === 0n) throw new Error('division by zero');
  const n = a * b;
  const neg = n < 0n !== c < 0n;
  const [an, ac] = [n < 0n ? -n : n, c < 0n ? -c : c];
  const q = (2n * an + ac) / (2n * ac);
  return neg ? -q : q;
}

/** a ÷ b for fixed-point values, rounded half away from zero to 18 decimals. */
export const divFixed = (a: bigint, b: bigint): bigint => mulDiv(a, ONE, b);

/** a × b for fixed-point values, rounded half away from zero to 18 decimals. */
export const mulFixed = (a: bigint, b: bigint): bigint => mulDiv(a, b, ONE);
