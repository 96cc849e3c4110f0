// `aicost forecast` over a data home: the FOCUS 1.2 daily export (fixtures/forecast) read back as a daily series,
// forecast with the method chosen by backtest, month-end arithmetic, --by on tags, gaps reported (not zeros), and
// usage without invoices forecast as a separate, estimated series.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runForecast } from '../../src/analysis/forecast-run.js';
import { runCli } from '../helpers/cli.js';
import { fixture, ingestInto, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);

describe('forecast over the FOCUS 1.2 daily export', () => {
  it('reads the daily series and forecasts it with the seasonal method, as versioned JSON from the CLI', async () => {
    const h = home();
    await ingestInto(h, [fixture('forecast/focus12_daily.csv')]);
    const r = await runCli(['--data', h, 'forecast', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      schema: 'aicost.forecast/1',
      currency: 'USD',
      by: null,
      horizon_days: 30,
      gaps: [],
    });
    const s = j.series[0];
    expect(s).toMatchObject({
      key: null,
      basis: 'invoiced',
      method: 'seasonal',
      requested: 'auto',
      history_days: 70,
    });
    expect(s).toMatchObject({ last_day: '2025-08-09', from: '2025-08-10', to: '2025-09-08' });
    expect(s.days).toHaveLength(30);
    expect(Number(s.p10)).toBeLessThanOrEqual(Number(s.p50));
    expect(Number(s.p50)).toBeLessThanOrEqual(Number(s.p90));
    // month end: August 1-9 actual (hand sum of the fixture: 2039.83) + 22 forecast days
    expect(s.month_end).toMatchObject({ month: '2025-08', actual: '2039.83', remaining_days: 22 });
    expect(Number(s.month_end.p50)).toBeGreaterThan(2039.83 + 22 * 150);
    expect(s.backtest.metric).toBe('mape');
    expect(s.backtest.mape).toBeLessThan(0.15);
    expect(j.estimated).toEqual([]);
  });

  it('forecasts one series per tag value with --by', async () => {
    const h = home();
    await ingestInto(h, [fixture('forecast/focus12_daily.csv')]);
    const r = await runForecast(h, { horizon: 14, method: 'auto', by: 'team' });
    expect(r.series.map((s) => s.key)).toEqual(['search', 'support']);
    const total = await runForecast(h, { horizon: 14, method: 'run-rate' });
    // run-rate is linear in the data: the per-team totals add up to the total's (to the cent, rounding aside)
    const teams = await runForecast(h, { horizon: 14, method: 'run-rate', by: 'team' });
    const sum = teams.series.reduce((a, s) => a + Number(s.p50), 0);
    expect(Math.abs(sum - Number(total.series[0]!.p50))).toBeLessThan(0.02);
  });

  it('reports a week no input covers as a gap, and forecasts from the days after it', async () => {
    const h = home();
    const lines = readFileSync(fixture('forecast/focus12_daily.csv'), 'utf8').trimEnd().split('\n');
    const [header, ...rows] = lines;
    const day = (l: string) => l.split(',')[9]!.slice(0, 10);
    writeFileSync(join(h, 'a.csv'), [header, ...rows.filter((l) => day(l) < '2025-07-01')].join('\n'));
    writeFileSync(join(h, 'b.csv'), [header, ...rows.filter((l) => day(l) >= '2025-07-08')].join('\n'));
    await ingestInto(h, [join(h, 'a.csv'), join(h, 'b.csv')]);
    const r = await runForecast(h, { horizon: 7, method: 'auto' });
    expect(r.gaps).toEqual([{ from: '2025-07-01', to: '2025-07-07' }]);
    expect(r.series[0]!.history_days).toBe(33);
    expect(r.series[0]!.notes.join(' ')).toMatch(/after the last gap/);
  });
});

describe('forecast of usage not invoiced', () => {
  it('forecasts gateway usage as an estimated series, and says so with under 14 days', async () => {
    const h = home();
    await ingestInto(h, [fixture('litellm/spendlogs.csv')]);
    const r = await runForecast(h, { horizon: 30, method: 'auto' });
    expect(r.series).toEqual([]);
    expect(r.estimated).toHaveLength(1);
    expect(r.estimated[0]).toMatchObject({ basis: 'estimated', method: 'run-rate' });
    expect(r.estimated[0]!.notes.join(' ')).toMatch(/fewer than (14|7)\)?/);
  });

  it('says there is nothing to forecast on an empty data home (exit 2)', async () => {
    const r = await runCli(['--data', home(), 'forecast']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no cost data to forecast/);
    const bad = await runCli(['--data', home(), 'forecast', '--horizon', 'soon']);
    expect(bad.code).toBe(2);
  });
});

describe('prepaid commitments in the forecast', () => {
  it('reports the exact balance and the day a steadily burning bundle runs out', async () => {
    const h = home();
    // 500,000 credits for $500 (0.001 $/credit) against the steady Anthropic report: $20 a day, 2025-08-01..20
    writeFileSync(
      join(h, 'bundle.csv'),
      'bundle_id,provider,purchased_units,unit,amount_paid,currency,valid_from,valid_to\n' +
        'small,anthropic,500000,Credit,500,USD,2025-08-01,2025-10-01\n',
    );
    await ingestInto(h, [join(h, 'bundle.csv'), fixture('commitments/anthropic_cost_report_steady.json')]);
    const r = await runForecast(h, { horizon: 30, method: 'auto' });
    const c = r.commitments.find((x) => x.id === 'small')!;
    // 20 days × 20,000 credits = 400,000 burned; 100,000 left at 20,000 a day: gone 5 days after 2025-08-20
    expect(c).toMatchObject({
      status: 'active',
      burned: '400000.000000000000000000',
      balance: '100000.000000000000000000',
    });
    expect(c.exhaustion.p50).toBe('2025-08-25');
    expect(c.unused_at_expiry).toBeNull();
    const table = await runCli(['--data', h, 'forecast']);
    expect(table.stdout).toMatch(/small\s+Anthropic\s+100,000 Credit\s+20,000\s+2025-10-01\s+2025-08-25/);
  });
});
