// Budgets as code: the config schema (errors name key and line), exact actuals, projections, threshold states and
// the CI gate, on the constructed FOCUS 1.2 daily export (fixtures/forecast).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateBudgets } from '../../src/analysis/budgets.js';
import { periodOf } from '../../src/analysis/series.js';
import { loadConfig } from '../../src/config.js';
import { InputError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { fixture, ingestInto, tmpHome } from '../helpers/home.js';

const { home, cleanup } = tmpHome();
beforeAll(async () => {
  await ingestInto(home, [fixture('forecast/focus12_daily.csv')]);
});
afterAll(cleanup);

function config(yaml: string): string {
  const path = join(home, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

describe('the budgets config', () => {
  it('parses budgets with their defaults', () => {
    const c = loadConfig(config('budgets:\n  - name: all-ai\n    amount: 25000\n'));
    expect(c.budgets).toEqual([
      {
        name: 'all-ai',
        amount: '25000',
        period: 'month',
        scope: {},
        thresholds: [50, 75, 90, 100],
        fail_at: 100,
      },
    ]);
  });

  it('names the key and the line of a bad value', () => {
    const path = config(
      'budgets:\n  - name: a\n    amount: 10\n  - name: b\n    amount: 5\n    period: week\n',
    );
    try {
      loadConfig(path);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).message).toMatch(/budgets\.1\.period/);
      expect((e as InputError).location.record).toBe(6);
    }
    expect(() => loadConfig(config('budgets:\n  - name: a\n    amount: -3\n'))).toThrow(/positive decimal/);
    expect(() => loadConfig(config('budgets:\n  - name: a\n    amount: 1\n    amont: 2\n'))).toThrow(/amont/);
  });
});

describe('evaluation', () => {
  it('computes calendar periods', () => {
    expect(periodOf('month', '2025-08-09')).toEqual({ from: '2025-08-01', to: '2025-09-01' });
    expect(periodOf('quarter', '2025-08-09')).toEqual({ from: '2025-07-01', to: '2025-10-01' });
    expect(periodOf('year', '2025-08-09')).toEqual({ from: '2025-01-01', to: '2026-01-01' });
  });

  it('sums actual spend exactly per scope and projects the period end', async () => {
    const c = loadConfig(
      config(`budgets:
  - { name: all, amount: 8000 }
  - { name: search, amount: 1000, scope: { team: search }, fail_at: 90 }
  - { name: claude-q3, amount: 20000, period: quarter, scope: { provider: anthropic } }
`),
    );
    const r = await evaluateBudgets(home, c.budgets);
    expect(r.schema).toBe('aicost.budgets/1');
    // the last day the export covers
    expect(r.as_of).toBe('2025-08-09');
    const [all, search, claude] = r.budgets;
    // hand sums of BilledCost over the fixture's rows (python Decimal): August, August team=search, July-August Anthropic
    expect(all!.actual).toBe('2039.830000000000000000');
    expect(search!.actual).toBe('1178.680000000000000000');
    expect(claude!.actual).toBe('3779.440000000000000000');
    expect(all).toMatchObject({
      from: '2025-08-01',
      to: '2025-09-01',
      actual_pct: 25.5,
      threshold: null,
      state: 'ok',
    });
    // 117.87 % of 1000: past every threshold and past fail_at 90
    expect(search).toMatchObject({ actual_pct: 117.87, threshold: 100, state: 'failing' });
    const p = all!.forecast!;
    expect(Number(p.p10)).toBeLessThanOrEqual(Number(p.p50));
    expect(Number(p.p50)).toBeLessThanOrEqual(Number(p.p90));
    // 22 more days at roughly the recent run rate (~250/day on weekdays) on top of 2039.83
    expect(Number(p.p50)).toBeGreaterThan(6500);
    expect(Number(p.p50)).toBeLessThan(8500);
  });

  it('gates CI: --fail-on budget exits 1 with a tiny budget and 0 with a large one', async () => {
    const tiny = config('budgets:\n  - { name: tiny, amount: 10 }\n');
    const large = config('budgets:\n  - { name: large, amount: 1000000 }\n');
    const a = await runCli(['--data', home, '--config', tiny, 'budgets', '--fail-on', 'budget']);
    expect(a.code).toBe(1);
    expect(a.stdout).toMatch(/tiny.*FAILING/);
    const b = await runCli([
      '--data',
      home,
      '--config',
      large,
      'budgets',
      '--fail-on',
      'budget',
      '--format',
      'json',
    ]);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout).budgets[0]).toMatchObject({
      name: 'large',
      state: 'ok',
      outlook: 'on-track',
    });
    const none = await runCli(['--data', home, '--config', config('account: x\n'), 'budgets']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no budgets/);
    const bad = await runCli(['--data', home, '--config', tiny, 'budgets', '--fail-on', 'budgets']);
    expect(bad.code).toBe(2);
  });
});
