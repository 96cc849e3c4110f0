// How numbers read in tables, in one place: money rounded to its currency's ISO 4217 minor unit with the code
// beside it, token and request counts with thousands separators, shares as percentages. Only tables round: JSON and
// CSV keep the exact decimal strings, so nothing a script reads has been rounded for the eye.
// Separators are fixed (`,` for thousands, `.` for the point) rather than locale-dependent, so output is the same on
// every machine and a test can say what it is.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Money = string | number | bigint | null | undefined;

interface MinorUnitsFile {
  minorUnits: { default: number; none: string[] } & Record<string, number | string[]>;
}

let minorUnitsByCode: Map<string, number | null> | undefined;

/** Loaded on first use: `aicost --help` never pays for it. */
function minorUnitTable(): Map<string, number | null> {
  if (minorUnitsByCode) return minorUnitsByCode;
  const url = new URL('../../focus-schemas/iso4217.json', import.meta.url);
  const file = JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as MinorUnitsFile;
  minorUnitsByCode = new Map();
  for (const [key, codes] of Object.entries(file.minorUnits)) {
    if (!Array.isArray(codes)) continue;
    for (const code of codes) minorUnitsByCode.set(code, key === 'none' ? null : Number(key));
  }
  minorUnitsByCode.set('', file.minorUnits.default);
  return minorUnitsByCode;
}

/**
 * Digits after the point for `currency` (its ISO 4217 minor unit): 2 for USD, 0 for JPY, 3 for KWD. Null when it
 * has none (XAU, XXX) or is not an ISO code (a virtual currency such as `Credits`): such amounts are not rounded.
 */
export function minorUnit(currency: string): number | null {
  const table = minorUnitTable();
  const known = table.get(currency);
  if (known !== undefined) return known;
  return /^[A-Z]{3}$/.test(currency) ? (table.get('') as number) : null;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d*))?$/;

/** A plain decimal string for a number (no exponent), a bigint or a decimal string; null if it is none. */
function decimalText(value: Money): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    const s = String(value);
    return s.includes('e') ? value.toFixed(20) : s;
  }
  return DECIMAL.test(value) ? value : null;
}

/** Rounds a decimal string half away from zero to `digits` fractional digits, exactly (no float on the way). */
export function roundDecimal(value: string, digits: number): string {
  const m = DECIMAL.exec(value);
  if (!m) return value;
  const [, sign = '', int = '0', frac = ''] = m;
  if (frac.length <= digits) return `${sign}${int}${digits ? `.${frac.padEnd(digits, '0')}` : ''}`;
  let units = BigInt(int + frac.slice(0, digits));
  if (Number(frac[digits]) >= 5) units += 1n;
  const text = units.toString().padStart(digits + 1, '0');
  const out = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return units === 0n ? out : `${sign}${out}`;
}

/** A decimal string without trailing fractional zeros: `"2.500"` -> `"2.5"`, `"10.0"` -> `"10"`. */
export function trimDecimal(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

/** Groups the integer part in threes: `"1234567.5"` -> `"1,234,567.5"`; anything else is returned as is. */
export function group(value: string): string {
  const m = DECIMAL.exec(value);
  if (!m) return value;
  const [, sign = '', int = '0', frac] = m;
  return `${sign}${int.replace(/\B(?=(\d{3})+$)/g, ',')}${frac === undefined ? '' : `.${frac}`}`;
}

/**
 * Money for a table: rounded to the currency's minor unit, grouped, with the code (`1,234.57 USD`). Without a
 * currency (the figure mixes or does not say) it rounds to 2 digits and shows no code; a currency without a minor
 * unit keeps every digit; `code: false` leaves the code out (an interval names it once). A non-zero amount that rounds to zero says so (`<0.01 USD`) instead of showing `0.00`.
 */
export function money(amount: Money, currency?: string | null, opts: { code?: boolean } = {}): string {
  const text = decimalText(amount);
  if (text === null) return amount === null || amount === undefined ? '' : String(amount);
  const digits = currency ? minorUnit(currency) : 2;
  const code = currency && opts.code !== false ? ` ${currency}` : '';
  if (digits === null) return `${group(trimDecimal(text))}${code}`;
  const rounded = roundDecimal(text, digits);
  if (/^-?0(\.0*)?$/.test(rounded) && /[1-9]/.test(text)) {
    const tick = digits ? `0.${'0'.repeat(digits - 1)}1` : '1';
    return `${text.startsWith('-') ? '>-' : '<'}${tick}${code}`;
  }
  return `${group(rounded)}${code}`;
}

/**
 * A unit price (cost per request, per 1K tokens): these are often fractions of a cent, so up to 6 digits are kept
 * (never fewer than the currency's minor unit) and trailing zeros dropped.
 */
export function unitPrice(amount: Money, currency?: string | null): string {
  const text = decimalText(amount);
  if (text === null) return amount === null || amount === undefined ? '' : String(amount);
  const minor = (currency ? minorUnit(currency) : 2) ?? 0;
  const rounded = trimDecimal(roundDecimal(text, Math.max(6, minor)));
  const [int, frac = ''] = rounded.split('.');
  const padded = frac.length < minor ? `${int}.${frac.padEnd(minor, '0')}` : rounded;
  return `${group(padded)}${currency ? ` ${currency}` : ''}`;
}

/** A count (tokens, requests, rows) with thousands separators; exact for BIGINT strings. */
export function count(value: Money): string {
  const text = decimalText(value);
  if (text === null) return value === null || value === undefined ? '' : String(value);
  return group(trimDecimal(text));
}

/** A quantity in a unit, such as a prepaid balance: `100,000 Credit`. */
export function quantity(value: Money, unit: string | null | undefined): string {
  const n = count(value);
  return unit && n ? `${n} ${unit}` : n;
}

/** A share in [0, 1] as a percentage: `0.1234` -> `12.3%`. */
export function percent(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '';
  return `${(share * 100).toFixed(digits)}%`;
}
