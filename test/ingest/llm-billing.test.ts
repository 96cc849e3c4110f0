// OpenAI and Anthropic billing sources on the real documented samples: exact totals, token classes, row shapes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, ingestInto, one, q, tmpHome } from '../helpers/home.js';

describe('openai-costs and anthropic-cost', () => {
  const { home, cleanup } = tmpHome();
  beforeAll(async () => {
    await ingestInto(home, [
      fixture('openai/costs_ungrouped.json'),
      fixture('openai/costs_by_line_item.json'),
      fixture('anthropic/cost_report.json'),
    ]);
  });
  afterAll(cleanup);

  it('sums the OpenAI dollar amounts exactly', async () => {
    const r = await one<{ s: string; n: string }>(
      home,
      "SELECT SUM(BilledCost)::VARCHAR s, count(*)::VARCHAR n FROM focus WHERE x_SourceId = 'openai-costs'",
    );
    // 0.06 + (0.0003 + 0.00018 + 0.000015 + 0.06 + 1.23456789012345 + 0.5)
    expect(r.s).toBe('1.855062890123450000');
    expect(r.n).toBe('7');
  });

  it('reads the Anthropic amount as cents: "123.78912" is 1.2378912 USD', async () => {
    const r = await one<{ s: string }>(
      home,
      "SELECT SUM(BilledCost)::VARCHAR s FROM focus WHERE x_SourceId = 'anthropic-cost'",
    );
    expect(r.s).toBe('1.237891200000000000');
  });

  it('maps "<model>, <class>" line items to token-class rows with quantities', async () => {
    const rows = await q<Record<string, string>>(
      home,
      `SELECT x_Model, x_TokenClass, ConsumedQuantity::VARCHAR cq, ConsumedUnit, PricingQuantity::VARCHAR pq, PricingUnit,
              ListUnitPrice::VARCHAR lup, SkuMeter FROM focus WHERE x_SourceId = 'openai-costs' AND x_TokenClass IS NOT NULL ORDER BY BilledCost`,
    );
    expect(rows.map((r) => [r.x_Model, r.x_TokenClass, r.cq, r.PricingUnit])).toEqual([
      ['gpt-4o-mini-2024-07-18', 'cache_read', '200.000000000000000000', '1000000 Tokens'],
      ['gpt-4o-mini-2024-07-18', 'output', '300.000000000000000000', '1000000 Tokens'],
      ['gpt-4o-mini-2024-07-18', 'input', '2000.000000000000000000', '1000000 Tokens'],
      ['gpt-4o-2024-08-06', 'output', '123457.000000000000000000', '1000000 Tokens'],
    ]);
    // 0.0003 USD for 2000 tokens = 0.15 USD per 1M (derived from the bill)
    expect(rows[2]!.lup).toBe('0.150000000000000000');
    expect(rows[2]!.pq).toBe('0.002000000000000000');
  });

  it('makes unitemized lines one conformant row (bare input_tokens, ungrouped buckets)', async () => {
    const rows = await q<Record<string, string | boolean | null>>(
      home,
      `SELECT SkuId, SkuPriceId, SkuMeter, PricingUnit, PricingQuantity::VARCHAR pq, ListUnitPrice::VARCHAR lup, BilledCost::VARCHAR b, x_PriceDerived
         FROM focus WHERE SkuMeter = 'Unitemized' AND x_SourceId = 'openai-costs' ORDER BY BilledCost`,
    );
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r.SkuId).toBe('openai:unitemized');
      expect(r.SkuPriceId).toBe('openai:unitemized');
      expect(r.PricingUnit).toBe('Units');
      expect(r.pq).toBe('1.000000000000000000');
      expect(r.lup).toBe(r.b);
      expect(r.x_PriceDerived).toBe(true);
    }
  });

  it('fills the 1.3 entity columns, currency and periods', async () => {
    const r = await one<Record<string, string>>(
      home,
      `SELECT ServiceProviderName, HostProviderName, InvoiceIssuerName, ProviderName, PublisherName, BillingCurrency, PricingCurrency,
              PricingCurrencyEffectiveCost::VARCHAR pcec, EffectiveCost::VARCHAR ec, strftime(ChargePeriodStart, '%Y-%m-%dT%H:%M:%SZ') cps,
              strftime(BillingPeriodStart, '%Y-%m-%d') bps, strftime(BillingPeriodEnd, '%Y-%m-%d') bpe, x_ModelRaw, x_TokenClass, x_ProjectId
         FROM focus WHERE x_SourceId = 'anthropic-cost'`,
    );
    expect(r).toMatchObject({
      ServiceProviderName: 'Anthropic',
      HostProviderName: 'Anthropic',
      InvoiceIssuerName: 'Anthropic',
      ProviderName: 'Anthropic',
      PublisherName: 'Anthropic',
      BillingCurrency: 'USD',
      PricingCurrency: 'USD',
      cps: '2025-08-01T00:00:00Z',
      bps: '2025-08-01',
      bpe: '2025-09-01',
      x_ModelRaw: 'claude-sonnet-4-20250514',
      x_TokenClass: 'input',
      x_ProjectId: 'wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ',
    });
    expect(r.pcec).toBe(r.ec);
  });

  it('gives every row a stable x_RowId and its lineage', async () => {
    const rows = await q<{ x_RowId: string; x_SourceFile: string; x_SourceRecord: string }>(
      home,
      'SELECT x_RowId, x_SourceFile, x_SourceRecord FROM focus',
    );
    expect(new Set(rows.map((r) => r.x_RowId)).size).toBe(rows.length);
    expect(rows.every((r) => /^[0-9a-f]{32}$/.test(r.x_RowId))).toBe(true);
    expect(rows.some((r) => r.x_SourceRecord === 'data[0].results[4]')).toBe(true);
  });
});

describe('openai-usage (every endpoint) and anthropic-usage', () => {
  const { home, cleanup } = tmpHome();
  beforeAll(async () => {
    await ingestInto(home, [fixture('openai'), fixture('anthropic/usage_report_messages.json')]);
  });
  afterAll(cleanup);

  it('splits OpenAI input into uncached, cached and cache-write exactly once', async () => {
    const r = await one<Record<string, string>>(
      home,
      "SELECT input::VARCHAR i, cache_read::VARCHAR cr, cache_write::VARCHAR cw, output::VARCHAR o, request_count::VARCHAR n FROM usage WHERE operation = 'completions'",
    );
    // input_tokens 1000 = 500 uncached + 400 cached + 100 cache write
    expect(r).toEqual({ i: '500', cr: '400', cw: '100', o: '500', n: '5' });
  });

  it('reads every usage endpoint into its unit column', async () => {
    const rows = await q<Record<string, string | null>>(
      home,
      `SELECT operation, input::VARCHAR i, images::VARCHAR im, audio_seconds::VARCHAR a, characters::VARCHAR ch, tool_calls::VARCHAR t,
              other_quantity::VARCHAR oq, other_unit FROM usage WHERE source_id = 'openai-usage' ORDER BY operation`,
    );
    const by = Object.fromEntries(rows.map((r) => [r.operation, r]));
    expect(Object.keys(by)).toEqual([
      'audio_speeches',
      'audio_transcriptions',
      'code_interpreter_sessions',
      'completions',
      'embeddings',
      'file_searches',
      'images',
      'moderations',
      'vector_stores',
      'web_searches',
    ]);
    expect(by.audio_speeches!.ch).toBe('45');
    expect(by.audio_transcriptions!.a).toBe('20.000000000000000000');
    expect(by.code_interpreter_sessions!.t).toBe('1');
    expect(by.embeddings!.i).toBe('16');
    expect(by.moderations!.i).toBe('16');
    expect(by.images!.im).toBe('2');
    expect(by.file_searches!.t).toBe('2');
    expect(by.web_searches!.t).toBe('2');
    expect(by.vector_stores!.oq).toBe('1024.000000000000000000');
    expect(by.vector_stores!.other_unit).toBe('bytes');
    // storage bytes have no price in the book: unpriced, never priced at 0
    const vs = await one<Record<string, string | null>>(
      home,
      "SELECT cost_estimate, unpriced FROM usage WHERE operation = 'vector_stores'",
    );
    expect(vs).toEqual({ cost_estimate: null, unpriced: 'other_quantity' });
  });

  it('keeps Anthropic token classes separate (no double counting)', async () => {
    const r = await one<Record<string, string>>(
      home,
      `SELECT input::VARCHAR i, cache_read::VARCHAR cr, cache_write_5m::VARCHAR w5, cache_write_1h::VARCHAR w1, output::VARCHAR o,
              tool_calls::VARCHAR t, model, workspace_id, grain, api_key_hash FROM usage WHERE source_id = 'anthropic-usage'`,
    );
    expect(r).toMatchObject({
      i: '1500',
      cr: '200',
      w5: '500',
      w1: '1000',
      o: '500',
      t: '10',
      grain: 'bucket',
      model: 'claude-sonnet-4-20250514',
    });
    expect(r.api_key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.api_key_hash).not.toContain('apikey_01Rj2N8SVvo6BePZj99NhmiT');
  });

  it('prices known models and leaves unknown ones unpriced (never 0)', async () => {
    const r = await one<Record<string, string | null>>(
      home,
      "SELECT cost_estimate::VARCHAR c, unpriced FROM usage WHERE source_id = 'anthropic-usage'",
    );
    // web search requests are not priced by the book: the row is unpriced as a whole
    expect(r.unpriced).toContain('tool_calls');
    expect(r.c).toBeNull();
    const c = await one<Record<string, string | null>>(
      home,
      "SELECT cost_estimate, unpriced FROM usage WHERE operation = 'completions'",
    );
    expect(c.cost_estimate).toBeNull();
    expect(c.unpriced).toContain('input');
  });
});
