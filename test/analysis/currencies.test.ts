// Two billing currencies in one data home (fixtures/currencies, hand-computed totals in its ORIGIN.md): the ingest
// warns with each currency's exact totals, and allocation, usage_attributed, top, anomalies and the report keep
// every figure in one currency; no output line adds EUR to USD.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllocateResult } from '../../src/analysis/allocate/run.js';
import { allocate } from '../../src/analysis/allocate/run.js';
import { detectAnomalies } from '../../src/analysis/anomalies/index.js';
import { buildReport } from '../../src/analysis/report/build.js';
import { topSpenders } from '../../src/analysis/top.js';
import { InputError } from '../../src/errors.js';
import type { IngestReport } from '../../src/ingest/ingest.js';
import { anomaliesTable } from '../../src/report/anomalies-render.js';
import { renderMarkdown } from '../../src/report/report-markdown.js';
import { renderReportTable } from '../../src/report/report-text.js';
import { showbackCsv, showbackJson, showbackTable } from '../../src/report/showback-render.js';
import { topTable } from '../../src/report/top-render.js';
import { runCli } from '../helpers/cli.js';
import { fixture, ingestInto, q, tmpHome } from '../helpers/home.js';

const ALL = { from: null, to: null };
/** An exact DECIMAL(38,18) as DuckDB prints it: `D('6.75')` = `6.750000000000000000`. */
const D = (s: string) => {
  const [i, f = ''] = s.split('.');
  return `${i}.${f.padEnd(18, '0')}`;
};

/** Sums that would only appear if EUR were added to USD: whole data 33, August 31, feature chat 14.75 and 12.75. */
const CROSS = ['33', '31', '14.75', '12.75'];
const CROSS_RE = new RegExp(
  `(^|[\\s",])(${CROSS.map((c) => `${c.replace('.', '\\.')}(\\.0+)?`).join('|')})([\\s",]|$)`,
);
/** The output lines showing a cross-currency sum, as a table cell (`33.00`) or an exact JSON/CSV value. */
const crossLines = (text: string) => text.split('\n').filter((l) => CROSS_RE.test(l));

describe('a data home billed in EUR and in USD', () => {
  const { home, cleanup } = tmpHome();
  let ingested: IngestReport;
  let run: AllocateResult;
  beforeAll(async () => {
    ingested = await ingestInto(home, [fixture('currencies')]);
    run = await allocate({ home, keys: ['feature'], method: 'x-token-cost-v1', period: ALL });
  }, 120_000);
  afterAll(cleanup);

  it('ingest: a warning naming both currencies with their exact totals, and the totals in the report', () => {
    expect(ingested.currencies).toEqual([
      { currency: 'EUR', rows: 3, billedCost: D('17'), effectiveCost: D('17') },
      { currency: 'USD', rows: 3, billedCost: D('16'), effectiveCost: D('16') },
    ]);
    expect(ingested.warnings).toEqual([
      "the data home's cost rows are billed in 2 currencies (EUR 17 BilledCost in 3 rows; USD 16 BilledCost in 3 rows): totals, reports, allocation and anomalies are kept per currency, never added or converted",
    ]);
  });

  it('ingest: one currency, no warning; a dry run counts the files it would add', async () => {
    const h = tmpHome();
    try {
      const usd = await ingestInto(h.home, [fixture('currencies', 'focus_usd.csv')]);
      expect(usd.warnings).toEqual([]);
      expect(usd.currencies.map((c) => [c.currency, c.billedCost])).toEqual([['USD', D('16')]]);
      const dry = await ingestInto(h.home, [fixture('currencies', 'focus_eur.csv')], { dryRun: true });
      expect(dry.currencies.map((c) => [c.currency, c.billedCost])).toEqual([
        ['EUR', D('17')],
        ['USD', D('16')],
      ]);
      expect(dry.warnings[0]).toContain('billed in 2 currencies (EUR 17 BilledCost in 3 rows; USD 16');
    } finally {
      h.cleanup();
    }
  });

  it('allocate: every showback line has its currency; shares and totals are per currency', () => {
    const lines = run.showback.map((l) => [l.currency, l.kind, l.target, l.effectiveCost, l.share]);
    expect(lines).toEqual([
      // EUR: 07-25 chat 1.00; 08-01 9.00 split 3000:1000 (chat 6.75, summarize 2.25); 08-02 7.00 split 1:1
      ['EUR', 'allocated', 'chat', D('11.25'), 11.25 / 17],
      ['EUR', 'allocated', 'summarize', D('5.75'), 5.75 / 17],
      // USD: 07-25 chat 1.00; 08-01 10.00 split 3000:1000 (search 7.50, chat 2.50); 08-02 5.00 all search
      ['USD', 'allocated', 'search', D('12.5'), 12.5 / 16],
      ['USD', 'allocated', 'chat', D('3.5'), 3.5 / 16],
      // 08-03 has no invoice: the price-book estimate of 750 input + 250 output gpt-4o-mini tokens, in USD
      ['USD', 'estimated', 'chat', '0.000262500000000000', 1],
    ]);
    expect(
      run.currencies.map((c) => [c.currency, c.originRows, c.pool.EffectiveCost, c.allocated.BilledCost]),
    ).toEqual([
      ['EUR', 3, D('17'), D('17')],
      ['USD', 3, D('16'), D('16')],
    ]);
    // no cross-currency total anywhere in the result
    expect(run.pool).toEqual({});
    expect(run.allocated).toEqual({});
    expect(run.coverage.map((c) => [c.currency, c.level, c.effectiveCost, c.share])).toEqual([
      ['EUR', 'provider+day', D('17'), 1],
      ['USD', 'provider+day', D('16'), 1],
    ]);
    // tokens are those of the usage matched to the currency's own invoice lines
    const chat = run.showback.filter((l) => l.target === 'chat' && l.kind === 'allocated');
    expect(chat.map((l) => [l.currency, l.tokens.input, l.tokens.output, l.requests])).toEqual([
      ['EUR', '3750', '1250', '3'],
      ['USD', '1500', '500', '2'],
    ]);
  });

  it('allocate: the table has one titled block per currency with its own total; JSON and CSV lines carry currency', () => {
    const table = showbackTable(run);
    expect(table).toContain('Invoiced cost allocated by feature, billed in EUR: 17.00 EUR (x-token-cost-v1)');
    expect(table).toContain('Invoiced cost allocated by feature, billed in USD: 16.00 USD (x-token-cost-v1)');
    expect(table).toMatch(/TOTAL EUR \(= pool\)\s+17\.00\s+100\.0%/);
    expect(table).toMatch(/TOTAL USD \(= pool\)\s+16\.00\s+100\.0%/);
    expect(table).toMatch(/TOTAL USD \(estimated\)\s+<0\.01/);
    expect(table).toContain('invoices in 2 billing currencies (EUR, USD)');
    expect(crossLines(table)).toEqual([]);
    const json = JSON.parse(showbackJson(run)) as { showback: { currency: string; effectiveCost: string }[] };
    expect(json.showback.map((l) => l.currency)).toEqual(['EUR', 'EUR', 'USD', 'USD', 'USD']);
    expect(crossLines(showbackJson(run))).toEqual([]);
    const csv = showbackCsv(run).trim().split('\n');
    expect(csv[0]).toMatch(/^target,kind,currency,effective_cost,/);
    expect(crossLines(showbackCsv(run))).toEqual([]);
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
      `chat,allocated,EUR,${D('11.25')}`,
      `summarize,allocated,EUR,${D('5.75')}`,
      `search,allocated,USD,${D('12.5')}`,
      `chat,allocated,USD,${D('3.5')}`,
      'chat,estimated,USD,0.000262500000000000',
    ]);
  });

  it('usage_attributed: each invoiced share names its currency and sums to that currency pool', async () => {
    const rows = await q<{ c: string | null; s: string; n: string }>(
      home,
      `SELECT attributed_currency AS c, SUM(attributed_effective_cost)::VARCHAR AS s, count(*)::VARCHAR AS n
       FROM usage_attributed GROUP BY 1 ORDER BY 1 NULLS LAST`,
    );
    expect(rows).toEqual([
      { c: 'EUR', s: D('17'), n: '5' },
      { c: 'USD', s: D('16'), n: '4' },
      { c: null, s: null, n: '1' },
    ]);
  });

  it('top: ranked per currency, each row labelled; no EUR request is compared with a USD one', async () => {
    const rows = await topSpenders(home, 'request', 2);
    expect(rows.map((r) => [r.currency, r.id, r.cost, r.basis])).toEqual([
      ['EUR', 'e1', D('6.75'), 'invoiced'],
      ['EUR', 'e3', D('3.5'), 'invoiced'],
      ['USD', 'u1', D('7.5'), 'invoiced'],
      ['USD', 'u3', D('5'), 'invoiced'],
    ]);
    const table = topTable(rows, 'request');
    expect(crossLines(table)).toEqual([]);
    expect(table).toContain('The 2 costliest requests in EUR');
    expect(table).toContain('6.75 EUR');
    expect(table).toContain('The 2 costliest requests in USD');
    // the estimated request is ranked among USD figures, with its basis
    const all = await topSpenders(home, 'request', 10);
    expect(all.find((r) => r.id === 'u4')).toMatchObject({ currency: 'USD', basis: 'estimated' });
  });

  it('anomalies: each currency is its own series; the day-over-baseline figures never add EUR to USD', async () => {
    const opts = {
      by: 'feature',
      since: '2025-08-01',
      until: '2025-08-01',
      weeks: 1,
      minWeeks: 1,
      minImpact: { absolute: 1 },
    };
    const r = await detectAnomalies(home, opts);
    // chat on 2025-08-01 against 2025-07-25: EUR 6.75 vs 1.00, USD 2.50 vs 1.00 (added, it would be 9.25 vs 2.00)
    expect(
      r.anomalies.map((a) => [a.kind, a.key, a.currency, a.actual, a.baseline, a.impact, a.basis]),
    ).toEqual([
      ['daily-cost', 'chat', 'EUR', D('6.75'), D('1'), D('5.75'), 'invoiced'],
      ['daily-cost', 'chat', 'USD', D('2.5'), D('1'), D('1.5'), 'invoiced'],
    ]);
    expect(crossLines(anomaliesTable(r))).toEqual([]);
    expect(r.notes).toContain(
      'costs are in 2 currencies (EUR, USD): each is its own series with its own baseline, never added to another',
    );
    const eur = await detectAnomalies(home, { ...opts, currency: 'EUR' });
    expect(eur.currency).toBe('EUR');
    expect(eur.anomalies.map((a) => [a.key, a.currency, a.actual])).toEqual([['chat', 'EUR', D('6.75')]]);
    await expect(detectAnomalies(home, { ...opts, currency: 'GBP' })).rejects.toBeInstanceOf(InputError);
  });

  it('report: one section per currency, unit economics in one currency with a note naming what is left out', async () => {
    const r = await buildReport(home, { period: '2025-08', by: 'feature' });
    expect(r.currencies.map((c) => [c.currency, c.total, c.previous])).toEqual([
      ['EUR', D('16'), D('1')],
      ['USD', D('15'), D('1')],
    ]);
    // August: 4 requests costed in EUR (16.00) and 4 in USD (3 invoiced, 1 estimated); the tie goes to EUR
    expect(r.unit_economics).toMatchObject({
      currency: 'EUR',
      requests: 4,
      cost: D('16'),
      basis: 'invoiced',
    });
    expect(r.notes).toContain(
      'unit economics are in EUR (the currency with the most requests); 4 requests costed in USD are left out: amounts in different currencies are never added',
    );
    expect(r.forecast.map((f) => f.currency)).toEqual(['EUR', 'USD']);
    expect(crossLines(renderReportTable(r))).toEqual([]);
    expect(crossLines(renderMarkdown(r))).toEqual([]);
    expect(renderReportTable(r)).toContain('Unit economics (EUR)');
  });
});

describe('the CLI on two currencies', () => {
  const { home, cleanup } = tmpHome();
  const dir = mkdtempSync(join(tmpdir(), 'aicost-cur-in-'));
  afterAll(() => {
    cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ingest prints the warning (text) and carries it in --format json; allocate JSON lines carry currency', async () => {
    // a copy: the CLI prints the path it was given
    for (const f of ['focus_usd.csv', 'focus_eur.csv', 'gateway_spendlogs.csv'])
      copyFileSync(fixture('currencies', f), join(dir, f));
    const text = await runCli(['--data', home, 'ingest', dir]);
    expect(text.code).toBe(0);
    expect(text.stderr).toContain(
      "warning: the data home's cost rows are billed in 2 currencies (EUR 17 BilledCost in 3 rows; USD 16 BilledCost in 3 rows)",
    );
    // JSON: the same warning and the per-currency totals (a dry run re-reads what is stored)
    const json = await runCli(['--data', home, 'ingest', dir, '--dry-run', '--format', 'json']);
    expect(json.code).toBe(0);
    const rep = JSON.parse(json.stdout) as IngestReport;
    expect(rep.currencies.map((c) => `${c.currency} ${c.billedCost}`)).toEqual([
      `EUR ${D('17')}`,
      `USD ${D('16')}`,
    ]);
    expect(rep.warnings).toHaveLength(1);
    expect(rep.warnings[0]).toContain('EUR 17 BilledCost in 3 rows; USD 16 BilledCost in 3 rows');
    const alloc = await runCli(['--data', home, 'allocate', '--by', 'feature', '--format', 'json']);
    expect(alloc.code).toBe(0);
    const out = JSON.parse(alloc.stdout) as { showback: { currency: string; target: string }[] };
    expect(out.showback.map((l) => `${l.currency}:${l.target}`)).toEqual([
      'EUR:chat',
      'EUR:summarize',
      'USD:search',
      'USD:chat',
      'USD:chat',
    ]);
  }, 120_000);
});

describe('one provider billed in two currencies on the same day', () => {
  const { home, cleanup } = tmpHome();
  const dir = mkdtempSync(join(tmpdir(), 'aicost-cur-both-'));
  afterAll(() => {
    cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the usage it shares is attributed once per currency; showback and top keep them apart', async () => {
    // a second OpenAI account, billed in EUR: 2.00 EUR on 2025-08-01, the day USD already has 10.00
    const [head, usdRow] = readFileSync(fixture('currencies', 'focus_usd.csv'), 'utf8').split('\n');
    const eurRow = usdRow!
      .replaceAll('acct-us', 'acct-eu2')
      .replace('Example Org USD,USD', 'Example Org EUR2,EUR')
      .replace(',USD,', ',EUR,')
      .replace(
        '2025-07-25T00:00:00Z,2025-07-26T00:00:00Z,1.00,1.00,1.00,1.00',
        '2025-08-01T00:00:00Z,2025-08-02T00:00:00Z,2.00,2.00,2.00,2.00',
      )
      .replace('2025-07-01T00:00:00Z,2025-08-01T00:00:00Z', '2025-08-01T00:00:00Z,2025-09-01T00:00:00Z');
    writeFileSync(join(dir, 'focus_openai_eur.csv'), `${head}\n${eurRow}\n`);
    await ingestInto(home, [fixture('currencies'), join(dir, 'focus_openai_eur.csv')]);
    const run = await allocate({ home, keys: ['feature'], method: 'x-token-cost-v1', period: ALL });
    // EUR: the Anthropic lines (chat 11.25, summarize 5.75) + the OpenAI EUR line split 3000:1000 (search 1.50, chat 0.50)
    expect(
      run.showback
        .filter((l) => l.kind === 'allocated')
        .map((l) => [l.currency, l.target, l.effectiveCost, l.tokens.input]),
    ).toEqual([
      ['EUR', 'chat', D('11.75'), '4500'],
      ['EUR', 'summarize', D('5.75'), '1500'],
      ['EUR', 'search', D('1.5'), '2250'],
      ['USD', 'search', D('12.5'), '3000'],
      ['USD', 'chat', D('3.5'), '1500'],
    ]);
    expect(run.currencies.map((c) => [c.currency, c.pool.EffectiveCost])).toEqual([
      ['EUR', D('19')],
      ['USD', D('16')],
    ]);
    // u1 (search, 3000 tokens on 08-01) has a USD share and an EUR share: one row each, never added
    const u1 = await q<{ c: string; s: string }>(
      home,
      `SELECT attributed_currency AS c, attributed_effective_cost::VARCHAR AS s FROM usage_attributed
       WHERE request_id = 'u1' ORDER BY 1`,
    );
    expect(u1).toEqual([
      { c: 'EUR', s: D('1.5') },
      { c: 'USD', s: D('7.5') },
    ]);
    const sums = await q<{ c: string; s: string }>(
      home,
      `SELECT attributed_currency AS c, SUM(attributed_effective_cost)::VARCHAR AS s FROM usage_attributed
       WHERE attributed_currency IS NOT NULL GROUP BY 1 ORDER BY 1`,
    );
    expect(sums).toEqual([
      { c: 'EUR', s: D('19') },
      { c: 'USD', s: D('16') },
    ]);
    const top = await topSpenders(home, 'request', 1);
    expect(top.map((r) => [r.currency, r.id, r.cost])).toEqual([
      ['EUR', 'e1', D('6.75')],
      ['USD', 'u1', D('7.5')],
    ]);
  }, 120_000);
});
