// How the error of a running total grows with the days it covers (docs/forecast.md#intervals). Three kinds of
// error add up over h days: independent daily noise (variance ∝ h), a level that is off by the same amount every
// day (∝ h²) and a level that wanders further each day, like a random walk (∝ h³). Fitting the three weights
// separately, all non-negative, lets the backtest's two weeks of leads be carried to a month without assuming
// one power law over the whole range, which the h² and h³ terms would soon outgrow.

/** Weights of V(h) = u·h + w·h² + r·h³. */
export interface TotalGrowth {
  u: number;
  w: number;
  r: number;
}

export const totalVariance = (g: TotalGrowth, h: number) => g.u * h + g.w * h * h + g.r * h * h * h;

/** Solves the small symmetric system a·x = b by Gaussian elimination; null when it is singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    if (Math.abs(m[piv]![c]!) < 1e-300) return null;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * Non-negative least squares for the three weights, relative to each observed variance (so that the first leads,
 * whose variance is smallest, count as much as the last). Three unknowns: every subset of free terms is tried and
 * the best fit with no negative weight kept; a single term is always feasible.
 */
export function fitTotalGrowth(observed: readonly number[]): TotalGrowth {
  const rows = observed
    .map((v, i) => ({ h: i + 1, v }))
    .filter((o) => o.v > 0)
    .map((o) => ({ x: [o.h, o.h ** 2, o.h ** 3], v: o.v }));
  if (rows.length === 0) return { u: 0, w: 0, r: 0 };
  let best: { coef: number[]; loss: number } | null = null;
  for (let mask = 1; mask < 8; mask++) {
    const free = [0, 1, 2].filter((j) => mask & (1 << j));
    // Weighted normal equations with weight 1/v² (relative error).
    const ata = free.map((p) =>
      free.map((q) => rows.reduce((s, o) => s + (o.x[p]! * o.x[q]!) / o.v ** 2, 0)),
    );
    const atb = free.map((p) => rows.reduce((s, o) => s + (o.x[p]! * o.v) / o.v ** 2, 0));
    const sol = solve(ata, atb);
    if (!sol || sol.some((c) => c < 0)) continue;
    const coef = [0, 0, 0];
    free.forEach((j, i) => {
      coef[j] = sol[i]!;
    });
    const loss = rows.reduce(
      (s, o) => s + ((o.x[0]! * coef[0]! + o.x[1]! * coef[1]! + o.x[2]! * coef[2]!) / o.v - 1) ** 2,
      0,
    );
    if (!best || loss < best.loss) best = { coef, loss };
  }
  const [u, w, r] = best!.coef;
  return { u: u!, w: w!, r: r! };
}
