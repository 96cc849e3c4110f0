// gcp-billing: constructed BigQuery billing export rows (fixtures/gcp/ORIGIN.md: built from the documented schema,
// no public rows exist). Expected figures are worked out by hand in ORIGIN.md: net = cost + Σ credits.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, ingestInto, one, q, scratchHomes, tmpHome } from '../helpers/home.js';

const num = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
const JSONL = fixture('gcp', 'billing_export_constructed.jsonl');
const CSV = fixture('gcp', 'billing_export_constructed.csv');

describe('JSON lines (bq extract NEWLINE_DELIMITED_JSON)', () => {
  const { home, cleanup } = tmpHome();
  beforeAll(async () => {
    await ingestInto(home, [JSONL]);
  });
  afterAll(cleanup);

  it('Σ BilledCost = Σ (cost + credits) = 1.382; Σ ContractedCost = Σ cost = 1.972; credits −0.59', async () => {
    const t = await one<Record<string, string>>(
      home,
      `SELECT count(*)::VARCHAR AS n, SUM(BilledCost)::VARCHAR AS billed, SUM(EffectiveCost)::VARCHAR AS effective,
         SUM(ContractedCost)::VARCHAR AS gross, any_value(x_SourceId) AS src FROM focus`,
    );
    expect([t.n, num(t.billed!), num(t.effective!), num(t.gross!), t.src]).toEqual([
      '6',
      '1.382',
      '1.382',
      '1.972',
      'gcp-billing',
    ]);
  });

  it('nested credits are netted per row (GPU: 0.7 − 0.14 SUD − 0.35 CUD = 0.21)', async () => {
    const r = await one<Record<string, string>>(
      home,
      `SELECT BilledCost::VARCHAR AS b, ContractedCost::VARCHAR AS c, ResourceType AS t FROM focus WHERE SkuId = 'A1B2-0000-0005'`,
    );
    expect([num(r.b!), num(r.c!), r.t]).toEqual(['0.21', '0.7', 'compute.googleapis.com/instances']);
  });

  it('invoice month is the billing period: the April 30 hour is on the May invoice', async () => {
    const r = await q<Record<string, string>>(
      home,
      `SELECT strftime(BillingPeriodStart, '%Y-%m') AS period, strftime(min(ChargePeriodStart), '%Y-%m-%d %H') AS first,
         count(*)::VARCHAR AS n FROM focus GROUP BY 1`,
    );
    expect(r).toEqual([{ period: '2024-05', first: '2024-04-30 23', n: '6' }]);
  });

  it('labels (repeated key/value records) become tags; resource labels win over project labels', async () => {
    const r = await one<{ tags: string }>(
      home,
      `SELECT Tags::VARCHAR AS tags FROM focus WHERE x_TokenClass = 'input'`,
    );
    expect(JSON.parse(r.tags)).toEqual({ team: 'search', 'cost-center': 'cc-42', feature: 'answers' });
  });

  it('Vertex AI / Gemini token SKUs are token-class rows priced per 1M tokens', async () => {
    const rows = await q<Record<string, string>>(
      home,
      `SELECT x_ModelRaw AS model, x_TokenClass AS class, x_Modality AS modality, ConsumedQuantity::VARCHAR AS qty,
         ConsumedUnit AS unit, PricingQuantity::VARCHAR AS pq, PricingUnit AS pu, ListUnitPrice::VARCHAR AS price
       FROM focus WHERE x_TokenClass IS NOT NULL ORDER BY model, class`,
    );
    expect(
      rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, num(String(v))]))),
    ).toEqual([
      {
        model: 'gemini-2.5-flash',
        class: 'cache_read',
        modality: 'text',
        qty: '500000',
        unit: 'Tokens',
        pq: '0.5',
        pu: '1000000 Tokens',
        price: '0.075',
      },
      {
        model: 'gemini-2.5-flash',
        class: 'input',
        modality: 'text',
        qty: '1200000',
        unit: 'Tokens',
        pq: '1.2',
        pu: '1000000 Tokens',
        price: '0.3',
      },
      // thinking output is output (reasoning included)
      {
        model: 'gemini-2.5-flash',
        class: 'output',
        modality: 'text',
        qty: '300000',
        unit: 'Tokens',
        pq: '0.3',
        pu: '1000000 Tokens',
        price: '2.5',
      },
      // cache storage is billed per hour: another unit, not tokens
      {
        model: 'gemini-3-flash',
        class: 'other',
        modality: 'text',
        qty: '1',
        unit: 'hour',
        pq: '1',
        pu: 'hour',
        price: '0.0045',
      },
    ]);
  });

  it('tax rows are Tax charges without quantities', async () => {
    const r = await one<Record<string, string | null>>(
      home,
      `SELECT ChargeCategory AS c, BilledCost::VARCHAR AS b, PricingQuantity::VARCHAR AS pq, SkuId AS sku FROM focus WHERE ChargeCategory = 'Tax'`,
    );
    expect([r.c, num(r.b!), r.pq, r.sku]).toEqual(['Tax', '0.12', null, null]);
  });
});

describe('CSV and replacement', () => {
  const home = scratchHomes(afterAll);

  it('the flattened CSV (dotted headers, credits and labels as JSON text) gives the same rows as the JSON', async () => {
    const h = home();
    await ingestInto(h, [CSV]);
    const r = await q<Record<string, string>>(
      h,
      `SELECT x_TokenClass AS class, BilledCost::VARCHAR AS b, Tags::VARCHAR AS tags FROM focus ORDER BY class`,
    );
    expect(r.map((x) => [x.class, num(x.b!), x.tags])).toEqual([
      ['cache_read', '0.0375', null],
      ['input', '0.26', '{"team":"search","feature":"answers"}'],
      ['output', '0.75', '{"team":"search"}'],
    ]);
  });

  it('a later export of the same billing account and invoice month replaces the earlier one', async () => {
    const h = home();
    await ingestInto(h, [JSONL]);
    const report = await ingestInto(h, [CSV]);
    expect(report.files[0]!.replaced).toBe(6);
    const t = await one<{ n: string; b: string }>(
      h,
      `SELECT count(*)::VARCHAR AS n, SUM(BilledCost)::VARCHAR AS b FROM focus`,
    );
    expect([t.n, num(t.b)]).toEqual(['3', '1.0475']);
  });

  it('a credit amount that is not a number is an input error naming the record and column', async () => {
    const h = home();
    const bad = join(h, '..', `gcp-bad-${Date.now()}.jsonl`);
    writeFileSync(bad, readFileSync(JSONL, 'utf8').replace('"amount": -0.14', '"amount": "n/a"'));
    await expect(ingestInto(h, [bad])).rejects.toMatchObject({
      exitCode: 2,
      location: { column: 'credits' },
    });
  });
});
