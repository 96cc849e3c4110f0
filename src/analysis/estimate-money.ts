// The money of `aicost estimate`, exact: token counts × per-token prices × requests, scaled from the observed window
// to a 30-day month, in BigInt units of 10^-18 USD (prices/decimal.ts) and rounded once, to 10^-6, for the report.
// A JS number would already lose the last digits of 137 × 3000 × 0.00000013125 (docs/estimate.md#pricing).
import { InputError } from '../errors.js';
import { fromFixed18, mulDiv, normalizeDecimal, toFixed18 } from '../prices/decimal.js';
import type { TokenClass } from '../usage/schema.js';
import type { Prices, Tokens } from './estimate-traffic.js';

/** The month the estimate speaks of. */
export const MONTH_DAYS = 30;

const INPUT_CLASSES = ['input', 'cache_read', 'cache_write_5m', 'cache_write_1h', 'cache_write'] as const;

/** Per-token price of a class; a cache class the model has no price for is priced as uncached input (noted). */
function priceOf(prices: Prices, c: TokenClass, model: string, substituted: Set<TokenClass>): bigint {
  const p = prices[c];
  if (p !== null) return toFixed18(p);
  if (c === 'output') throw new InputError(`${model} has no price for output tokens in the price book`);
  substituted.add(c);
  return toFixed18(prices.input!);
}

export interface Priced {
  /** 10^-18 USD per 30-day month. */
  units: bigint;
  /** Token classes priced at the input price because the model has no price for them. */
  substituted: TokenClass[];
}

/** What the observed token mix costs per month on a model: Σ tokens × price × 30 ÷ days. */
export function monthlyCost(tokens: Tokens, prices: Prices, days: number, model: string): Priced {
  const substituted = new Set<TokenClass>();
  let sum = 0n;
  for (const [c, n] of Object.entries(tokens) as [TokenClass, number][])
    if (n !== 0) sum += BigInt(n) * priceOf(prices, c, model, substituted);
  return { units: mulDiv(sum, BigInt(MONTH_DAYS), BigInt(days)), substituted: [...substituted] };
}

/**
 * The monthly cost of `delta` more input tokens per request: each class of the observed input mix takes its share
 * of the delta at its own price (docs/estimate.md#pricing), i.e. delta × requests × 30 ÷ days × Σ share × price.
 * Without observed input tokens the whole delta is uncached input.
 */
export function promptDelta(
  delta: number,
  requests: number,
  days: number,
  mix: Tokens,
  prices: Prices,
  model: string,
): Priced {
  const substituted = new Set<TokenClass>();
  const total = INPUT_CLASSES.reduce((s, c) => s + BigInt(mix[c]), 0n);
  let weighted = 0n;
  for (const c of INPUT_CLASSES)
    if (mix[c] !== 0) weighted += BigInt(mix[c]) * priceOf(prices, c, model, substituted);
  const [num, den] = total === 0n ? [toFixed18(prices.input!), 1n] : [weighted, total];
  const perMonth = BigInt(delta) * BigInt(requests) * BigInt(MONTH_DAYS) * num;
  return { units: mulDiv(perMonth, 1n, den * BigInt(days)), substituted: [...substituted] };
}

/** The share of all input tokens in `classes`, as a number for display (the money uses the exact counts). */
export function inputShare(mix: Tokens, classes: readonly TokenClass[]): number {
  const total = INPUT_CLASSES.reduce((s, c) => s + mix[c], 0);
  return total === 0 ? 0 : Math.round((classes.reduce((s, c) => s + mix[c], 0) / total) * 10_000) / 10_000;
}

const MICRO = 10n ** 12n;

/** 10^-18 units as a decimal string rounded half away from zero to 10^-6 (`"0.053944"`, `"-1.250000"`). */
export function money(units: bigint): string {
  const micros = mulDiv(units, 1n, MICRO);
  const abs = micros < 0n ? -micros : micros;
  const s = `${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, '0')}`;
  return micros < 0n ? `-${s}` : s;
}

/** A per-token price as USD per 1M tokens (`"0.00000015"` -> `"0.15"`), the unit price lists use. */
export function per1m(price: string | null): string | null {
  return price === null ? null : normalizeDecimal(fromFixed18(toFixed18(price) * 1_000_000n));
}

/** `delta` as a percentage of `base` (two decimals), null when there is no base. */
export function percent(delta: bigint, base: bigint): number | null {
  if (base === 0n) return null;
  return Number(mulDiv(delta, 10_000n, base)) / 100;
}

/** Whether the monthly increase exceeds a threshold: amount in USD (decimal string) or percent of the before cost. */
export function exceeds(delta: bigint, base: bigint, amount: string | null, pct: number | null): boolean {
  if (amount !== null && delta > toFixed18(amount)) return true;
  // delta / base × 100 > pct, compared without dividing: delta × 100 × 10^18 > pct(10^-18 units) × base
  if (pct !== null && base > 0n && delta * 100n * 10n ** 18n > toFixed18(pct.toFixed(6)) * base) return true;
  return false;
}
