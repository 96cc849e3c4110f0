// The forecasting engine on seeded synthetic series whose expected values are known, so accuracy is measured
// against the truth rather than against another implementation; plus the short-history fallbacks, the month-end
// and exhaustion arithmetic, and properties over random series.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exhaustion, type Forecast, forecast, monthEnd } from '../../src/analysis/forecast/index.js';
import { InputError, InternalError } from '../../src/errors.js';

/** mulberry32: a tiny seeded PRNG, so every run sees the same series. */
function prng(seed: number) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Box-Muller
  const normal = () => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

/** n days of `expected(t)` with multiplicative Gaussian noise of relative size `noise`, never below 0. */
function series(expected: (t: number) => number, n: number, noise: number, seed: number): number[] {
  const r = prng(seed);
  return Array.from({ length: n }, (_, t) => Math.max(0, expected(t) * (1 + noise * r.normal())));
}

/** The true expected total of the `h` days after `n` days of history. */
const truth = (expected: (t: number) => number, n: number, h: number) =>
  Array.from({ length: h }, (_, i) => expected(n + i)).reduce((a, b) => a + b, 0);

const score = (f: Forecast, method: string) => f.candidates.find((c) => c.method === method)!;

// Growth of 0.5 %/day of the start, weekdays 12 % over and weekends 30 % under the weekly mean.
const WEEK = [1.12, 1.12, 1.12, 1.12, 1.12, 0.7, 0.7];
const trendSeason = (t: number) => (100 + 0.5 * t) * WEEK[t % 7]!;

describe('accuracy on known series', () => {
  it('trend + weekly season + 7 % noise: auto chooses seasonal, P50 total within 10 %, coverage near 80 %', () => {
    const coverages: number[] = [];
    for (const seed of [11, 22, 33, 44, 55]) {
      const f = forecast(series(trendSeason, 120, 0.07, seed), { horizon: 30, method: 'auto' });
      expect(f.method).toBe('seasonal');
      expect(f.backtest.metric).toBe('mape');
      expect(Math.abs(f.total.p50 / truth(trendSeason, 120, 30) - 1)).toBeLessThan(0.1);
      expect(f.backtest.error!).toBeLessThan(score(f, 'linear').error!);
      expect(f.backtest.coverage!).toBeGreaterThan(0.65);
      expect(f.backtest.coverage!).toBeLessThan(0.95);
      coverages.push(f.backtest.coverage!);
    }
    const mean = coverages.reduce((a, b) => a + b) / coverages.length;
    expect(mean).toBeGreaterThan(0.65);
    expect(mean).toBeLessThan(0.95);
  });

  it('flat noisy series: the chosen method is no worse than run-rate and close to the truth', () => {
    for (const seed of [1, 2, 3]) {
      const f = forecast(
        series(() => 100, 120, 0.1, seed),
        { horizon: 30, method: 'auto' },
      );
      expect(f.backtest.error!).toBeLessThanOrEqual(score(f, 'run-rate').error! * 1.02);
      expect(Math.abs(f.total.p50 / 3000 - 1)).toBeLessThan(0.08);
    }
  });

  it('linear trend: linear (chosen by auto) is within 5 % of the truth; exact without noise', () => {
    const line = (t: number) => 50 + 1.5 * t;
    const f = forecast(series(line, 90, 0.02, 7), { horizon: 30, method: 'auto' });
    expect(['linear', 'seasonal']).toContain(f.method);
    expect(Math.abs(f.total.p50 / truth(line, 90, 30) - 1)).toBeLessThan(0.05);
    const exact = forecast(
      Array.from({ length: 60 }, (_, t) => line(t)),
      { horizon: 10, method: 'linear' },
    );
    expect(exact.total.p50).toBeCloseTo(truth(line, 60, 10), 6);
    expect(exact.days[9]!.p50).toBeCloseTo(line(69), 6);
  });

  it('weekends at zero: the error is WAPE, named in the output and a note', () => {
    const f = forecast(
      series((t) => (t % 7 >= 5 ? 0 : 100), 84, 0.1, 5),
      { horizon: 14, method: 'auto' },
    );
    expect(f.backtest.metric).toBe('wape');
    expect(f.notes.join(' ')).toContain('WAPE');
    expect(f.method).toBe('seasonal');
  });
});

describe('short and empty histories', () => {
  it('10 days: run-rate with the fewer-than-14 note, whatever was asked', () => {
    const history = series(() => 40, 10, 0.1, 3);
    for (const method of ['auto', 'seasonal'] as const) {
      const f = forecast(history, { horizon: 30, method });
      expect(f.method).toBe('run-rate');
      expect(f.requested).toBe(method);
      expect(f.notes[0]).toContain('fewer than 14');
      expect(f.days[0]!.p50).toBeCloseTo(history.slice(-7).reduce((a, b) => a + b) / 7, 9);
    }
  });

  it('under 7 days: run-rate over the days there are; 20 days: too short to backtest', () => {
    const f = forecast([10, 20, 30], { horizon: 5, method: 'auto' });
    expect(f.method).toBe('run-rate');
    expect(f.notes[0]).toContain('fewer than 7');
    expect(f.days.map((d) => d.p50)).toEqual([20, 20, 20, 20, 20]);
    const g = forecast(
      series(() => 40, 20, 0.1, 4),
      { horizon: 5, method: 'auto' },
    );
    expect(g.method).toBe('run-rate');
    expect(g.backtest.origins).toBe(0);
    expect(g.notes[0]).toContain('Too little history to backtest');
  });

  it('all-zero and empty histories forecast zeros, never NaN', () => {
    for (const history of [Array<number>(60).fill(0), []]) {
      const f = forecast(history, { horizon: 30, method: 'auto' });
      for (const d of f.days) expect([d.p10, d.p50, d.p90, d.cumulative.p90]).toEqual([0, 0, 0, 0]);
      expect(f.total).toEqual({ p10: 0, p50: 0, p90: 0 });
      for (const c of f.candidates) expect(c.error === null || c.error === 0).toBe(true);
    }
  });

  it('rejects a bad horizon (input) and a non-number day (caller bug)', () => {
    expect(() => forecast([1, 2], { horizon: 0, method: 'auto' })).toThrow(InputError);
    expect(() => forecast([1, 2], { horizon: 1.5, method: 'auto' })).toThrow(InputError);
    expect(() => forecast([1, Number.NaN], { horizon: 3, method: 'auto' })).toThrow(InternalError);
  });
});

describe('month-end and exhaustion', () => {
  const steady = forecast(Array<number>(60).fill(50), { horizon: 30, method: 'auto' });

  it('a steady burn of 50/day uses up 1000 on day 20, in every quantile', () => {
    const e = exhaustion(1000, steady, { lastDay: '2025-03-31' });
    expect(e.p50).toEqual({ offset: 20, date: '2025-04-20' });
    expect(e.p10).toEqual(e.p50);
    expect(e.p90).toEqual(e.p50);
    expect(exhaustion(1001, steady).p50?.offset).toBe(21);
  });

  it('beyond the horizon or the validity is null; a spent balance is day 0', () => {
    const far = exhaustion(5000, steady);
    expect(far.p50).toBeNull();
    expect(far.notes[0]).toContain('30-day horizon');
    expect(exhaustion(1000, steady, { validDays: 10 }).p50).toBeNull();
    expect(exhaustion(0, steady).p50?.offset).toBe(0);
  });

  it('month-end adds the month-to-date actual to the remaining days, by hand', () => {
    expect(monthEnd(700, steady, 16)).toEqual({
      actual: 700,
      remainingDays: 16,
      p10: 1500,
      p50: 1500,
      p90: 1500,
    });
    expect(monthEnd(700, steady, 0)).toMatchObject({ p10: 700, p50: 700, p90: 700 });
    expect(() => monthEnd(700, steady, 31)).toThrow(InternalError);
    const noisy = forecast(series(trendSeason, 90, 0.07, 9), { horizon: 30, method: 'auto' });
    const m = monthEnd(1234, noisy, 12);
    const sum12 = noisy.days.slice(0, 12).reduce((a, d) => a + d.p50, 0);
    expect(m.p50).toBeCloseTo(1234 + sum12, 9);
    expect(m.p10).toBeLessThan(m.p50);
    expect(m.p90).toBeGreaterThan(m.p50);
  });

  it('the early (P10) date comes before the late (P90) date on a noisy burn', () => {
    const noisy = forecast(
      series(() => 50, 90, 0.2, 8),
      { horizon: 60, method: 'run-rate' },
    );
    const e = exhaustion(1500, noisy);
    expect(e.p10!.offset).toBeLessThanOrEqual(e.p50!.offset);
    expect(e.p50!.offset).toBeLessThanOrEqual(e.p90!.offset);
    expect(e.p10!.offset).toBeLessThan(e.p90!.offset);
  });
});

describe('properties over random series', () => {
  const day = fc.oneof(
    { weight: 6, arbitrary: fc.double({ min: 0, max: 1000, noNaN: true }) },
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.double({ min: -50, max: 0, noNaN: true }) },
  );
  const method = fc.constantFrom('auto', 'run-rate', 'linear', 'seasonal') as fc.Arbitrary<
    'auto' | 'run-rate' | 'linear' | 'seasonal'
  >;

  it('p10 ≤ p50 ≤ p90, all ≥ 0 and finite; cumulative totals never fall', () => {
    fc.assert(
      fc.property(
        fc.array(day, { maxLength: 80 }),
        fc.integer({ min: 1, max: 45 }),
        method,
        (history, h, m) => {
          const f = forecast(history, { horizon: h, method: m });
          expect(f.days).toHaveLength(h);
          let prev = { p10: 0, p50: 0, p90: 0 };
          for (const d of f.days) {
            for (const q of [d, d.cumulative]) {
              for (const v of [q.p10, q.p50, q.p90]) expect(Number.isFinite(v) && v >= 0).toBe(true);
              expect(q.p10 <= q.p50 && q.p50 <= q.p90).toBe(true);
            }
            expect(d.cumulative.p10 >= prev.p10 && d.cumulative.p90 >= prev.p90).toBe(true);
            prev = d.cumulative;
          }
          expect(f.total).toEqual(f.days[h - 1]!.cumulative);
        },
      ),
      { seed: 20250801, numRuns: 60 },
    );
  });
});
