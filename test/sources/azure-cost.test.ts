// azure-cost: the real EA actual and amortized exports of one tenant and month (fixtures/azure/ORIGIN.md) alone and
// joined in either order, restated and forgotten; every header variant; the bracketed localized header set.
// Expected figures are the sums of the files' own cost columns, computed by hand from the CSVs (ORIGIN.md).
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forget } from '../../src/ingest/forget.js';
import { readManifest } from '../../src/store/manifest.js';
import { fixture, ingestInto, one, q, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);
const ACTUAL = fixture('azure', 'ea_actualcost_small.csv');
const AMORTIZED = fixture('azure', 'ea_amortizedcost_small.csv');
/** Σ Cost of the actual export (11 rows, one a $3.25 reservation purchase). */
const ACTUAL_SUM = '8.5450077867419368';
/** Σ Cost of the amortized export (28 rows) at the stored scale (two values carry 28 decimals). */
const AMORTIZED_SUM = '16.296932136636644627';

const totals = (h: string) =>
  one<{ n: string; billed: string; effective: string }>(
    h,
    `SELECT count(*)::VARCHAR AS n, SUM(BilledCost)::VARCHAR AS billed, SUM(EffectiveCost)::VARCHAR AS effective FROM focus`,
  );
const num = (s: string) => s.replace(/\.?0+$/, '');

describe('actual and amortized exports', () => {
  it('actual alone: Σ BilledCost = Σ Cost; the commitment purchase has EffectiveCost 0', async () => {
    const h = home();
    await ingestInto(h, [ACTUAL]);
    const t = await totals(h);
    expect(t.n).toBe('11');
    expect(num(t.billed)).toBe(ACTUAL_SUM);
    expect(num(t.effective)).toBe('5.2950077867419368'); // 8.5450077867419368 − 3.25
    const p = await one<Record<string, string>>(
      h,
      `SELECT ChargeCategory, BilledCost::VARCHAR AS b, EffectiveCost::VARCHAR AS e, CommitmentDiscountType AS t FROM focus WHERE ChargeCategory = 'Purchase'`,
    );
    expect([p.ChargeCategory, num(p.b!), num(p.e!), p.t]).toEqual(['Purchase', '3.25', '0', 'Reservation']);
  });

  it('amortized alone: Σ EffectiveCost = Σ Cost; covered usage is billed through the purchase (0)', async () => {
    const h = home();
    await ingestInto(h, [AMORTIZED]);
    const t = await totals(h);
    expect(t.n).toBe('28');
    expect(num(t.effective)).toBe(AMORTIZED_SUM);
    // 16.296932136636644627 − 0.493152 (reservation) − 0.006000000468 (savings plan)
    expect(num(t.billed)).toBe('15.797780136168644627');
    const covered = await q<{ s: string; b: string }>(
      h,
      `SELECT CommitmentDiscountStatus AS s, CommitmentDiscountType AS t, BilledCost::VARCHAR AS b, EffectiveCost::VARCHAR AS e
         FROM focus WHERE CommitmentDiscountId IS NOT NULL ORDER BY t`,
    );
    expect(covered.map((r) => Object.values(r).map(String).map(num))).toEqual([
      ['Used', 'Reservation', '0', '0.493152'],
      ['Used', 'Savings Plan', '0', '0.006000000468'],
    ]);
  });

  for (const order of [
    ['actual first', [ACTUAL, AMORTIZED]],
    ['amortized first', [AMORTIZED, ACTUAL]],
  ] as const) {
    it(`both (${order[0]}, separate ingests): one row set, Σ BilledCost = actual, Σ EffectiveCost = amortized`, async () => {
      const h = home();
      for (const f of order[1]) await ingestInto(h, [f]);
      const t = await totals(h);
      // 10 lines in both exports joined, the purchase only in actual, 18 lines only in amortized
      expect(t.n).toBe('29');
      expect(num(t.billed)).toBe(ACTUAL_SUM);
      expect(num(t.effective)).toBe(AMORTIZED_SUM);
      const kinds = await one<Record<string, string>>(
        h,
        `SELECT count(*) FILTER (WHERE x_SourceFile LIKE '%actual%')::VARCHAR AS from_actual,
           count(*) FILTER (WHERE ChargeCategory = 'Purchase' AND BilledCost = 3.25 AND EffectiveCost = 0)::VARCHAR AS purchase
         FROM focus`,
      );
      expect(kinds).toEqual({ from_actual: '11', purchase: '1' });
      // row ids are unique, and a joined row's id names both records (a new partner is a new row)
      const ids = await one<{ n: string }>(h, `SELECT count(DISTINCT x_RowId)::VARCHAR AS n FROM focus`);
      expect(ids.n).toBe('29');
      const m = readManifest(h);
      expect(
        m.files
          .filter((f) => f.dataset === 'exports')
          .map((f) => f.path.split('/').pop()!.split('-')[0])
          .sort(),
      ).toEqual(['actual', 'amortized']);
      expect(m.files.filter((f) => f.dataset === 'focus')).toHaveLength(1);
    });
  }

  it('both in one ingest give the same rows as two ingests', async () => {
    const h = home();
    await ingestInto(h, [ACTUAL, AMORTIZED]);
    const t = await totals(h);
    expect([t.n, num(t.billed), num(t.effective)]).toEqual(['29', ACTUAL_SUM, AMORTIZED_SUM]);
  });

  it('a restated actual export replaces the earlier one (cost type is part of the key); the amortized side stays', async () => {
    const h = home();
    await ingestInto(h, [ACTUAL, AMORTIZED]);
    const dir = join(h, '..', `restated-${Date.now()}`);
    const restated = `${dir}-ea_actualcost.csv`;
    // the 2.64 D2 v3 line restated as 2.70
    const text = readFileSync(ACTUAL, 'utf8').replace(',24,0.11,2.64,', ',24,0.1125,2.70,');
    expect(text).not.toBe(readFileSync(ACTUAL, 'utf8'));
    writeFileSync(restated, text);
    await ingestInto(h, [restated]);
    const t = await totals(h);
    expect([t.n, num(t.billed), num(t.effective)]).toEqual(['29', '8.6050077867419368', AMORTIZED_SUM]);
  });

  it('the parts of one partitioned export, given to one ingest, add up; a later ingest replaces them together', async () => {
    const h = home();
    const lines = readFileSync(ACTUAL, 'utf8').split('\n');
    const base = join(h, '..', `parts-${Date.now()}`);
    // header + purchase and the first 4 usage rows, header + the other 6 rows
    writeFileSync(`${base}-part_0_0001.csv`, `${lines.slice(0, 6).join('\n')}\n`);
    writeFileSync(`${base}-part_1_0001.csv`, `${[lines[0], ...lines.slice(6)].join('\n')}`);
    await ingestInto(h, [`${base}-part_0_0001.csv`, `${base}-part_1_0001.csv`]);
    let t = await totals(h);
    expect([t.n, num(t.billed)]).toEqual(['11', ACTUAL_SUM]);
    // the second part has only on-demand lines: it takes the first part's type (actual)
    expect(
      readManifest(h)
        .files.filter((f) => f.dataset === 'exports')
        .map((f) => f.path.split('/').pop()!.split('-')[0]),
    ).toEqual(['actual', 'actual']);
    await ingestInto(h, [ACTUAL]);
    t = await totals(h);
    expect([t.n, num(t.billed)]).toEqual(['11', ACTUAL_SUM]);
  });

  it('forgetting the actual export leaves the amortized one alone (its billed view recomputed)', async () => {
    const h = home();
    await ingestInto(h, [ACTUAL, AMORTIZED]);
    await forget({ home: h, file: ACTUAL });
    const t = await totals(h);
    expect([t.n, num(t.billed), num(t.effective)]).toEqual(['28', '15.797780136168644627', AMORTIZED_SUM]);
    expect(readManifest(h).inputs.map((i) => i.path)).toEqual([AMORTIZED]);
  });

  it('tags without braces become a JSON object; US dates are read as month/day/year', async () => {
    const h = home();
    await ingestInto(h, [ACTUAL]);
    const r = await one<{ tags: string; d: string; p: string }>(
      h,
      `SELECT Tags::VARCHAR AS tags, strftime(ChargePeriodStart, '%Y-%m-%d') AS d, strftime(BillingPeriodEnd, '%Y-%m-%d') AS p
         FROM focus WHERE ResourceId LIKE '%dbstoragewp6hglwvvrad2'`,
    );
    expect(JSON.parse(r.tags)).toEqual({
      CostCenter: '1234',
      env: 'prod',
      org: 'trey',
      application: 'databricks',
      'databricks-environment': 'true',
    });
    expect([r.d, r.p]).toEqual(['2023-09-04', '2023-10-01']);
  });
});

describe('header variants', () => {
  const cases: [file: string, rows: number, billed: string, currency: string][] = [
    ['header_Enterprise.csv', 1, '0', 'CAD'],
    ['header_EnterpriseCamel.csv', 1, '0.012', 'USD'],
    ['header_PayAsYouGo.csv', 1, '0.075', 'USD'],
    ['header_BOM.csv', 1, '0.075', 'USD'],
    ['header_YA.csv', 1, '0.075', 'USD'],
    ['header_values_MissingBrackets.csv', 1, '4', 'USD'],
    ['ea_export_focus_converters.csv', 27, '1.26136926505726', 'CAD'],
    ['localized_bracketed_actualcost.csv', 11, ACTUAL_SUM, 'USD'],
  ];
  for (const [file, rows, billed, currency] of cases) {
    it(`${file} ingests: ${rows} rows, Σ BilledCost ${billed} ${currency}`, async () => {
      const h = home();
      const report = await ingestInto(h, [fixture('azure', file)]);
      expect(report.files.map((f) => [f.sourceId, f.status])).toEqual([['azure-cost', 'ingested']]);
      const t = await one<{ n: string; b: string; c: string }>(
        h,
        `SELECT count(*)::VARCHAR AS n, SUM(BilledCost)::VARCHAR AS b, string_agg(DISTINCT BillingCurrency) AS c FROM focus`,
      );
      expect([t.n, num(t.b), t.c]).toEqual([String(rows), billed, currency]);
    });
  }

  it('the upstream BOM header set as published: its one row is blank but for a date, skipped and counted', async () => {
    const h = home();
    const report = await ingestInto(h, [fixture('azure', 'header_BOM_upstream.csv')]);
    const f = report.files[0]!;
    expect([f.sourceId, f.status, f.rowsIn, f.rowsOut, f.skipped]).toEqual([
      'azure-cost',
      'ingested',
      1,
      0,
      1,
    ]);
    expect(f.notes).toContain('1 blank records (no cost, meter, product, resource or charge type) skipped');
  });

  it('a file without a currency column is taken as USD with a warning', async () => {
    const report = await ingestInto(home(), [fixture('azure', 'header_values_MissingBrackets.csv')]);
    expect(report.files[0]!.warnings).toContain('no currency column: BillingCurrency taken as USD');
  });

  it('scientific notation and M/D/YYYY dates (focus_converters sample)', async () => {
    const h = home();
    await ingestInto(h, [fixture('azure', 'ea_export_focus_converters.csv')]);
    const r = await one<{ b: string; d: string }>(
      h,
      `SELECT BilledCost::VARCHAR AS b, strftime(ChargePeriodStart, '%Y-%m-%d') AS d FROM focus WHERE SkuMeter = 'Class 2 Operations'`,
    );
    expect([num(r.b), r.d]).toEqual(['0.0000564902', '2023-09-02']);
  });

  it('the localized header set maps every bracketed name (German labels, English name in parentheses)', async () => {
    const h = home();
    await ingestInto(h, [fixture('azure', 'localized_bracketed_actualcost.csv'), AMORTIZED]);
    const t = await totals(h);
    // the same export as ea_actualcost_small.csv: it joins with the amortized export like the English one
    expect([t.n, num(t.billed), num(t.effective)]).toEqual(['29', ACTUAL_SUM, AMORTIZED_SUM]);
    const r = await one<{ m: string; u: string }>(
      h,
      `SELECT SkuMeter AS m, PricingUnit AS u FROM focus WHERE ResourceId LIKE '%CR_Dv3_AZ3'`,
    );
    expect(r).toEqual({ m: 'D2 v3/D2s v3', u: '1 Hour' });
  });

  it('German labels without the bracketed name map through the table of known translations', async () => {
    const h = home();
    // header_YA.csv with every `Label (EnglishName)` cut to its label: `Ressourcengruppe`, `ID der Verbrauchseinheit`...
    const [header, ...rows] = readFileSync(fixture('azure', 'header_YA.csv'), 'utf8').split('\n');
    const bare = header!.replace(/ \([A-Za-z0-9]+\)/g, '');
    expect(bare).toContain('Ressourcengruppe,Ressourcenstandort,');
    const file = join(h, '..', `ya-unbracketed-${Date.now()}.csv`);
    writeFileSync(file, [bare, ...rows].join('\n'));
    await ingestInto(h, [file]);
    const r = await one<Record<string, string>>(
      h,
      `SELECT BilledCost::VARCHAR AS b, SkuMeter AS m, SkuId AS id, RegionName AS region,
         ListUnitPrice::VARCHAR AS p FROM focus`,
    );
    expect([num(r.b!), r.m, r.id, r.region]).toEqual([
      '0.075',
      'Included LB Rules and Outbound Rules',
      '27827eb0-7f60-4928-940b-f5fe15e7a4cb',
      'US East',
    ]);
  });
});

describe('MCA billed in another currency than it is priced in', () => {
  it('unit prices are converted by exchangeRatePricingToBilling; the pricing-currency columns keep the USD figures', async () => {
    const h = home();
    const mca = join(h, '..', `mca-eur-${Date.now()}.csv`);
    // EnterpriseCamel's row billed in EUR at 0.9 per USD: 3 × 0.004 USD = 0.012 USD = 0.0108 EUR
    const [header, row] = readFileSync(fixture('azure', 'header_EnterpriseCamel.csv'), 'utf8').split('\n');
    expect(row).toContain(',USD,USD,0.012,0.012,1,');
    writeFileSync(
      mca,
      `${header}\n${row!.replace(',USD,USD,0.012,0.012,1,', ',EUR,USD,0.0108,0.012,0.9,')}\n`,
    );
    await ingestInto(h, [mca]);
    const r = await one<Record<string, string>>(
      h,
      `SELECT BillingCurrency AS bc, PricingCurrency AS pc, BilledCost::VARCHAR AS billed, ListUnitPrice::VARCHAR AS lp,
         ListCost::VARCHAR AS lc, PricingCurrencyListUnitPrice::VARCHAR AS pclp,
         PricingCurrencyEffectiveCost::VARCHAR AS pcec FROM focus`,
    );
    expect(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, num(v)]))).toEqual({
      bc: 'EUR',
      pc: 'USD',
      billed: '0.0108',
      lp: '0.0036',
      lc: '0.0108',
      pclp: '0.004',
      pcec: '0.012', // costInUsd, the pricing currency's own figure
    });
  });
});

describe('input errors', () => {
  it('a cost that is not a number names file, line and column (exit 2)', async () => {
    const h = home();
    const bad = join(h, '..', `bad-${Date.now()}.csv`);
    copyFileSync(ACTUAL, bad);
    writeFileSync(bad, readFileSync(bad, 'utf8').replace(',0.0004,0.1,0.00004,0.1,', ',0.0004,0.1,abc,0.1,'));
    await expect(ingestInto(h, [bad])).rejects.toMatchObject({
      exitCode: 2,
      location: { record: 3, column: 'Cost' },
    });
  });
});
