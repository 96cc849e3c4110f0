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
