// The driver decomposition (docs/anomalies.md#drivers): the change in cost between a baseline and an anomalous
// period, split exactly over five factors by the Shapley value of a multiplicative cost identity. Pure arithmetic
// over a few aggregated rows per model; the aggregation itself is SQL (drivers.ts).
//
// Per model m:   C_m = N · r_m · π_m · (e_m − σ_m · h_m · a_m)
//   N    requests per day                                  → request volume
//   r_m  the model's share of requests                     → model mix
//   e_m  book value per request with cache reads priced as uncached input, and a_m all input tokens per request
//                                                          → tokens per request
//   h_m  cache_read ÷ all input tokens                     → cache-hit rate
//   σ_m  book saving per cache-read token (input − cache-read price), a constant of the model
//   π_m  cost ÷ book value: the price actually paid per unit of list value → price
// The book value is the price book at one reference day for both periods, so a list-price change or an invoice
// true-up shows as price, never as tokens. Shapley rather than LMDI: LMDI takes logarithms of every factor and so
// breaks on zeros, and zeros are the normal case here (a model new in the anomalous period, a cache-hit rate of 0).

import type { DriverFactor, DriverShare } from './types.js';

/** One model's sums over a period, per day for the baseline. `est`/`estNc` are null when the book lacks a price. */
export interface ModelAgg {
  model: string;
  n: number;
  tokens: number;
  inputAll: number;
  cacheRead: number;
  cost: number;
  est: number | null;
  estNc: number | null;
}

interface Intensity {
  e: number;
  a: number;
  h: number;
  pi: number;
}

/** Both periods of one model: its intensities (a missing period takes the other's) and request counts. */
interface ModelPair {
  sigma: number;
  n: [number, number];
  x: [Intensity, Intensity];
}

/** The factors in decomposition order; index = bit of the Shapley mask. */
export const FACTORS: DriverFactor[] = [
  'request volume',
  'tokens per request',
  'price',
  'model mix',
  'cache-hit rate',
];

/**
 * A model's intensities. Its unit of quantity is the book value when every period is priced; else its tokens, else
 * its requests (then cache reads cannot be valued and σ = 0, so a cache change shows as price).
 */
function pairOf(m0: ModelAgg | undefined, m1: ModelAgg | undefined): ModelPair {
  const present = [m0, m1].filter((m): m is ModelAgg => m !== undefined);
  const book = present.every((m) => m.est !== null && m.estNc !== null && m.est > 0);
  const byTokens = !book && present.every((m) => m.tokens > 0);
  const cr = present.reduce((t, m) => t + m.cacheRead, 0);
  const saved = book ? present.reduce((t, m) => t + (m.estNc! - m.est!), 0) : 0;
  const sigma = cr > 0 ? saved / cr : 0;
  const intensity = (m: ModelAgg): Intensity => {
    const value = book ? m.estNc! : byTokens ? m.tokens : m.n;
    const listed = value - sigma * m.cacheRead;
    return {
      e: value / m.n,
      a: m.inputAll / m.n,
      h: m.inputAll > 0 ? m.cacheRead / m.inputAll : 0,
      pi: listed > 0 ? m.cost / listed : 0,
    };
  };
  const x0 = m0 ? intensity(m0) : intensity(m1!);
  const x1 = m1 ? intensity(m1) : x0;
  return { sigma, n: [m0?.n ?? 0, m1?.n ?? 0], x: [x0, x1] };
}

/** Cost under a mask: factor i takes the anomalous period's value when bit i is set, else the baseline's. */
function costAt(pairs: ModelPair[], volume: [number, number], mask: number): number {
  const side = (i: number) => ((mask >> i) & 1) as 0 | 1;
  const [v, t, p, mix, h] = [side(0), side(1), side(2), side(3), side(4)];
  const total = pairs.reduce((s, m) => s + m.n[mix], 0);
  let c = 0;
  for (const m of pairs) {
    const share = total > 0 ? m.n[mix] / total : 0;
    c += share * m.x[p].pi * (m.x[t].e - m.sigma * m.x[h].h * m.x[t].a);
  }
  return volume[v] * c;
}

const FACT = [1, 1, 2, 6, 24, 120];

/** Shapley values of `n` factors for a set function given on bit masks; they sum to f(all) − f(none). */
export function shapley(f: (mask: number) => number, n: number): number[] {
  const out = new Array<number>(n).fill(0);
  for (let mask = 0; mask < 1 << n; mask++) {
    let size = 0;
    for (let i = 0; i < n; i++) size += (mask >> i) & 1;
    for (let i = 0; i < n; i++) {
      if (mask & (1 << i)) continue;
      const weight = (FACT[size]! * FACT[n - size - 1]!) / FACT[n]!;
      out[i]! += weight * (f(mask | (1 << i)) - f(mask));
    }
  }
  return out;
}

/**
 * Each factor's share of the change from `before` to `after` (per-model sums; `before` per baseline day), largest
 * first. `perRequest` explains cost per request instead: volume is held equal and left out of the shares.
 */
export function decompose(before: ModelAgg[], after: ModelAgg[], perRequest = false): DriverShare[] {
  const models = [...new Set([...before, ...after].map((m) => m.model))];
  const pairs = models.map((k) =>
    pairOf(
      before.find((m) => m.model === k),
      after.find((m) => m.model === k),
    ),
  );
  const sum = (ms: ModelAgg[]) => ms.reduce((t, m) => t + m.n, 0);
  const volume: [number, number] = perRequest ? [1, 1] : [sum(before), sum(after)];
  const values = shapley((mask) => costAt(pairs, volume, mask), FACTORS.length);
  const change = costAt(pairs, volume, (1 << FACTORS.length) - 1) - costAt(pairs, volume, 0);
  return FACTORS.map((factor, i) => ({
    factor,
    share: change === 0 ? 0 : Math.round((values[i]! / change) * 10_000) / 10_000,
  }))
    .filter((d) => !(perRequest && d.factor === 'request volume'))
    .sort((a, b) => b.share - a.share);
}
