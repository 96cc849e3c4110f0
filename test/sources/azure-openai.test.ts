// Azure OpenAI token meters as token-class rows, from the cost details export (azure-cost, 1K and 1M blocks) and
// from Microsoft's FOCUS export (azure-focus). Both fixtures are constructed (fixtures/azure/ORIGIN.md) from the
// FinOps-hub example's meter names and daily costs; the token counts are cost ÷ list price per block × block size,
// worked out by hand in ORIGIN.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, ingestInto, q, tmpHome } from '../helpers/home.js';

const num = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);

describe('azure-cost token meters (aoai_token_meters_constructed.csv)', () => {
  const { home, cleanup } = tmpHome();
  beforeAll(async () => {
    await ingestInto(home, [fixture('azure', 'aoai_token_meters_constructed.csv')]);
  });
  afterAll(cleanup);

  it('one row per meter and day; tokens per model and class from the 1K and 1M blocks', async () => {
    const rows = await q<Record<string, string>>(
      home,
      `SELECT x_ModelRaw AS model, x_TokenClass AS class, count(*)::VARCHAR AS n, SUM(ConsumedQuantity)::VARCHAR AS tokens,
         any_value(ConsumedUnit) AS unit, any_value(PricingUnit) AS pricing_unit, SUM(BilledCost)::VARCHAR AS cost
       FROM focus WHERE x_TokenClass IS NOT NULL GROUP BY ALL ORDER BY model, class`,
    );
    expect(rows.map((r) => ({ ...r, tokens: num(r.tokens!), cost: num(r.cost!) }))).toEqual([
      {
        model: 'R1',
        class: 'input',
        n: '1',
        tokens: '376',
        unit: 'Tokens',
        pricing_unit: '1000000 Tokens',
        cost: '0.0005076',
      },
      {
        model: 'R1',
        class: 'output',
        n: '1',
        tokens: '4096',
        unit: 'Tokens',
        pricing_unit: '1000000 Tokens',
        cost: '0.0221184',
      },
      {
        model: 'gpt 4o 0513',
        class: 'input',
        n: '6',
        tokens: '4344943',
        unit: 'Tokens',
        pricing_unit: '1000 Tokens',
        cost: '21.724715',
      },
      {
        model: 'gpt 4o 0513',
        class: 'output',
        n: '6',
        tokens: '381167',
        unit: 'Tokens',
        pricing_unit: '1000 Tokens',
        cost: '5.717505',
      },
      {
        model: 'gpt 4o 1120',
        class: 'cache_read',
        n: '1',
        tokens: '10000',
        unit: 'Tokens',
        pricing_unit: '1000000 Tokens',
        cost: '0.0125',
      },
      {
        model: 'gpt-4o-mini-0718',
        class: 'input',
        n: '1',
        tokens: '13823',
        unit: 'Tokens',
        pricing_unit: '1000000 Tokens',
        cost: '0.00207345',
      },
      {
        model: 'gpt-4o-mini-0718',
        class: 'output',
        n: '1',
        tokens: '2274',
        unit: 'Tokens',
        pricing_unit: '1000000 Tokens',
        cost: '0.0013644',
      },
    ]);
  });

  it('non-token meters of the same resource stay ordinary rows; Σ BilledCost = Σ Cost over both months', async () => {
    const rows = await q<Record<string, string>>(
      home,
      `SELECT strftime(BillingPeriodStart, '%Y-%m') AS period, count(*)::VARCHAR AS n,
         count(x_TokenClass)::VARCHAR AS token_rows, SUM(BilledCost)::VARCHAR AS billed
       FROM focus GROUP BY 1 ORDER BY 1`,
    );
    // March: 9 rows (8 token + 1 Standard Text Records); April: 10 rows (9 + 1); together 27.48340885
    expect(rows.map((r) => ({ ...r, billed: num(r.billed!) }))).toEqual([
      { period: '2025-03', n: '9', token_rows: '8', billed: '22.550825' },
      { period: '2025-04', n: '10', token_rows: '9', billed: '4.93258385' },
    ]);
    const other = await q<Record<string, string>>(
      home,
      `SELECT DISTINCT ServiceName AS s, ServiceSubcategory AS sub FROM focus ORDER BY 1`,
    );
    expect(other).toEqual([
      { s: 'Azure OpenAI', sub: 'Generative AI' },
      { s: 'Cognitive Services', sub: 'Other (AI and Machine Learning)' },
    ]);
  });
});

describe('azure-focus (focuscost_1.0_constructed.csv: the FocusCost 1.0 columns exactly)', () => {
  const { home, cleanup } = tmpHome();
  beforeAll(async () => {
    await ingestInto(home, [fixture('azure', 'focuscost_1.0_constructed.csv')]);
  });
  afterAll(cleanup);

  it('is read as azure-focus; Σ BilledCost 3.16188845 and Σ EffectiveCost 3.65504045 carried over', async () => {
    const [t] = await q<Record<string, string>>(
      home,
      `SELECT any_value(x_SourceId) AS src, any_value(x_CostSource) AS cs, count(*)::VARCHAR AS n,
         SUM(BilledCost)::VARCHAR AS billed, SUM(EffectiveCost)::VARCHAR AS effective FROM focus`,
    );
    expect([t!.src, t!.cs, t!.n, num(t!.billed!), num(t!.effective!)]).toEqual([
      'azure-focus',
      'focus',
      '5',
      '3.16188845',
      '3.65504045',
    ]);
  });

  it('token meters: tokens from ConsumedQuantity, or PricingQuantity × x_PricingBlockSize when absent', async () => {
    const rows = await q<Record<string, string>>(
      home,
      `SELECT x_ModelRaw AS model, x_TokenClass AS class, ConsumedQuantity::VARCHAR AS tokens, ConsumedUnit AS unit
       FROM focus WHERE x_TokenClass IS NOT NULL ORDER BY model, class`,
    );
    expect(rows.map((r) => ({ ...r, tokens: num(r.tokens!) }))).toEqual([
      { model: 'gpt 4o 0513', class: 'input', tokens: '467572', unit: 'Tokens' },
      { model: 'gpt 4o 0513', class: 'output', tokens: '54722', unit: 'Tokens' },
      // 0.013823 blocks of 1M: no ConsumedQuantity in the row
      { model: 'gpt-4o-mini-0718', class: 'input', tokens: '13823', unit: 'Tokens' },
    ]);
  });

  it('a later export of the same billing account and period replaces the stored rows', async () => {
    const restated = join(home, '..', `focuscost-restated-${Date.now()}.csv`);
    // the VM line restated: EffectiveCost 0.493152 -> 0.5
    writeFileSync(
      restated,
      readFileSync(fixture('azure', 'focuscost_1.0_constructed.csv'), 'utf8').replace(',0.493152,', ',0.5,'),
    );
    const r = await ingestInto(home, [restated]);
    expect([r.files[0]!.status, r.files[0]!.replaced]).toEqual(['ingested', 5]);
    const [t] = await q<Record<string, string>>(
      home,
      `SELECT count(*)::VARCHAR AS n, SUM(EffectiveCost)::VARCHAR AS effective FROM focus`,
    );
    expect([t!.n, num(t!.effective!)]).toEqual(['5', '3.66188845']);
  });
});

describe('azure-focus (focuscost_1.2-preview_constructed.csv: the FocusCost 1.2-preview columns exactly)', () => {
  const { home, cleanup } = tmpHome();
  afterAll(cleanup);

  it('is read as azure-focus (FOCUS 1.2 upgraded), with the same totals and token rows as the 1.0 export', async () => {
    const report = await ingestInto(home, [fixture('azure', 'focuscost_1.2-preview_constructed.csv')]);
    expect(report.files[0]!.sourceId).toBe('azure-focus');
    expect(report.files[0]!.notes).toContain('FOCUS 1.2 input upgraded to 1.3');
    const [t] = await q<Record<string, string>>(
      home,
      `SELECT count(*)::VARCHAR AS n, SUM(BilledCost)::VARCHAR AS billed, SUM(EffectiveCost)::VARCHAR AS effective,
         SUM(ConsumedQuantity) FILTER (WHERE x_TokenClass = 'input')::VARCHAR AS input_tokens,
         string_agg(DISTINCT ServiceSubcategory, ',' ORDER BY ServiceSubcategory) AS subs FROM focus`,
    );
    expect([t!.n, num(t!.billed!), num(t!.effective!), num(t!.input_tokens!), t!.subs]).toEqual([
      '5',
      '3.16188845',
      '3.65504045',
      '481395', // 467572 + 13823
      'Generative AI,Natural Language Processing,Virtual Machines',
    ]);
  });
});
