// `aicost report`: the model filled from a data home (exact totals, breakdowns that add up, the comparison period,
// movers), the CI gate (--fail-on), re-rendering a JSON report, the markdown size cap, and nothing to report on.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, parseReportPeriod } from '../../src/analysis/report/build.js';
import { type Report, ReportSchema } from '../../src/report/model.js';
import { renderMarkdown } from '../../src/report/report-markdown.js';
import { runCli } from '../helpers/cli.js';
import { fixture, ingestInto, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);
let h: string;
let july: Report;
beforeAll(async () => {
  h = home();
  await ingestInto(h, [fixture('forecast/focus12_daily.csv')]);
  july = await buildReport(h, { period: '2025-07', by: 'team' });
});

describe('the report model from the FOCUS daily export (hand sums of the fixture in python Decimal)', () => {
  it('is a valid aicost.report/1 with exact totals against the previous month', () => {
    expect(ReportSchema.parse(july)).toEqual(july);
    expect(july.period).toEqual({ from: '2025-07-01', to: '2025-08-01', label: '2025-07' });
    expect(july.compare).toEqual({
      from: '2025-06-01',
      to: '2025-07-01',
      label: '2025-06',
      source: 'previous',
    });
    const usd = july.currencies[0]!;
    expect(usd.currency).toBe('USD');
    expect(usd.total).toBe('6937.690000000000000000');
    expect(usd.previous).toBe('5696.060000000000000000');
    expect(usd.change).toBe('1241.63');
    expect(usd.change_pct).toBe(21.8);
    expect(usd.month_to_date).toEqual({ month: '2025-07', cost: '6937.690000000000000000' });
    expect(usd.daily).toHaveLength(31);
  });

  it('breaks the total down by team, provider and model, each adding up to it', () => {
    const usd = july.currencies[0]!;
    const team = usd.breakdowns.find((b) => b.dimension === 'team')!;
    expect(team.lines.map((l) => [l.key, l.cost, l.previous])).toEqual([
      ['search', '4019.400000000000000000', '3386.950000000000000000'],
      ['support', '2918.290000000000000000', '2309.110000000000000000'],
    ]);
    for (const b of usd.breakdowns) {
      const sum = b.lines.reduce((s, l) => s + Number(l.cost), 0) + Number(b.others?.cost ?? 0);
      expect(Math.abs(sum - Number(usd.total))).toBeLessThan(0.005);
    }
    // movers by the report's key: both teams grew, the larger change first
    expect(usd.movers.map((m) => [m.key, m.change])).toEqual([
      ['search', '632.45'],
      ['support', '609.18'],
    ]);
  });

  it('carries the forecast, coverage, validation and checks', () => {
    expect(july.forecast[0]!.month_end.month).toBe('2025-08');
    expect(july.coverage.sources).toEqual([
      {
        source: 'focus',
        dataset: 'focus',
        files: 3,
        rows: 140,
        first_day: '2025-06-01',
        last_day: '2025-08-09',
      },
    ]);
    expect(july.coverage.days).toBe(31);
    expect(july.checks).toEqual({ budget: 'pass', anomaly: 'pass', validation: 'pass' });
  });

  it('parses periods', () => {
    expect(parseReportPeriod(undefined, '2025-08-09').label).toBe('2025-08');
    expect(parseReportPeriod('2025-07-10..2025-07-12', 'x')).toEqual({
      from: '2025-07-10',
      to: '2025-07-13',
      label: '2025-07-10..2025-07-12',
    });
    expect(() => parseReportPeriod('2025-13', 'x')).toThrow(/YYYY-MM/);
    expect(() => parseReportPeriod('2025-07-12..2025-07-10', 'x')).toThrow(/first <= last/);
  });
});

describe('rendering and the CI gate', () => {
  it('caps the markdown below the comment limit, saying what it left out', () => {
    const full = renderMarkdown(july);
    expect(full).toContain('## AI spend 2025-07 (vs 2025-06)');
    expect(full).toContain('| search | 4,019.40 USD | 57.9% | 3,386.95 USD | +18.67% |');
    const small = renderMarkdown(july, 1500);
    expect(small.length).toBeLessThanOrEqual(1500);
    expect(small).toMatch(/left out to fit the comment limit/);
  });

  it('--fail-on budget exits 1 with a tiny budget (report still written) and 0 with a large one', async () => {
    const tiny = join(h, 'tiny.yaml');
    const large = join(h, 'large.yaml');
    writeFileSync(tiny, 'budgets:\n  - { name: tiny, amount: 10 }\n');
    writeFileSync(large, 'budgets:\n  - { name: large, amount: 1000000 }\n');
    const a = await runCli([
      '--data',
      h,
      '--config',
      tiny,
      'report',
      '--format',
      'markdown',
      '--fail-on',
      'budget',
    ]);
    expect(a.code).toBe(1);
    expect(a.stdout).toContain('❌ budget');
    expect(a.stdout).toMatch(/Budget \*\*tiny\*\*: .*failing/);
    const b = await runCli([
      '--data',
      h,
      '--config',
      large,
      'report',
      '--format',
      'markdown',
      '--fail-on',
      'budget',
    ]);
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('✅ budget');
  });

  it('re-renders a JSON report with --from-json', async () => {
    const out = join(h, 'report.json');
    const a = await runCli([
      '--data',
      h,
      'report',
      '--period',
      '2025-07',
      '--by',
      'team',
      '--format',
      'json',
      '--out',
      out,
    ]);
    expect(a.code).toBe(0);
    const b = await runCli(['report', '--from-json', out, '--format', 'markdown']);
    expect(b.code).toBe(0);
    const again = ReportSchema.parse(JSON.parse((await import('node:fs')).readFileSync(out, 'utf8')));
    expect(b.stdout.trim()).toBe(renderMarkdown(again).trim());
    const bad = await runCli(['report', '--from-json', fixture('forecast/ORIGIN.md')]);
    expect(bad.code).toBe(2);
  });

  it('says there is nothing to report on an empty data home: exit 2, or 1 under --fail-on', async () => {
    const empty = home();
    const a = await runCli(['--data', empty, 'report']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/no cost or usage data/);
    const b = await runCli(['--data', empty, 'report', '--fail-on', 'budget']);
    expect(b.code).toBe(1);
  });
});
