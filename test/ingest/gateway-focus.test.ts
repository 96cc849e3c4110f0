// LiteLLM SpendLogs (CSV and JSON) and generic FOCUS input: token rules, tags, hashing, content never stored.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, ingestInto, one, q, tmpHome } from '../helpers/home.js';

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe('litellm', () => {
  const { home, cleanup } = tmpHome();
  beforeAll(async () => {
    await ingestInto(home, [fixture('litellm')]);
  });
  afterAll(cleanup);

  it('ingests both the CSV export and the /spend/logs JSON at request grain', async () => {
    const rows = await q<Record<string, string>>(
      home,
      "SELECT source_file LIKE '%.csv' AS csv, count(*)::VARCHAR n, SUM(source_cost)::VARCHAR sc FROM usage GROUP BY 1 ORDER BY 1",
    );
    expect(rows).toEqual([
      { csv: false, n: '3', sc: '0.016097000000000000' },
      { csv: true, n: '5', sc: '0.016098000000000000' },
    ]);
  });

  it('splits prompt_tokens into uncached, cache read and cache write (OpenAI shape)', async () => {
    const rows = await q<Record<string, string>>(
      home,
      `SELECT request_id, input::VARCHAR i, cache_read::VARCHAR cr, cache_write_5m::VARCHAR w5, cache_write::VARCHAR w, output::VARCHAR o
         FROM usage WHERE source_file LIKE '%.csv' ORDER BY request_id`,
    );
    expect(rows).toEqual([
      { request_id: 'chatcmpl-9f1c2d3e-0001', i: '20', cr: '0', w5: '0', w: '0', o: '80' },
      // prompt 1200 with 200 cached
      { request_id: 'chatcmpl-BxQ2mini0002', i: '1000', cr: '200', w5: '0', w: '0', o: '300' },
      { request_id: 'chatcmpl-fail0004', i: '0', cr: '0', w5: '0', w: '0', o: '0' },
      { request_id: 'emb-0005', i: '50', cr: '0', w5: '0', w: '0', o: '0' },
      // prompt 3200 = 1700 uncached + 1000 cache read + 500 5-minute cache write
      { request_id: 'msg_01Sonnet0003', i: '1700', cr: '1000', w5: '500', w: '0', o: '400' },
    ]);
  });

  it('keeps cache writes the TTL split does not cover as cache_write (unknown TTL), never dropping them', async () => {
    const h = tmpHome();
    try {
      const dir = join(h.home, 'in');
      mkdirSync(dir);
      const [header, ...rows] = readFileSync(fixture('litellm/spendlogs.csv'), 'utf8').trimEnd().split('\n');
      // the Sonnet row: 500 cache-creation tokens with a 5m split of 300 and no 1h figure
      const row = rows.find((r) => r.startsWith('msg_01Sonnet0003'))!;
      const edited = row.replace('""ephemeral_5m_input_tokens"": 500', '""ephemeral_5m_input_tokens"": 300');
      expect(edited).not.toBe(row);
      writeFileSync(join(dir, 'split.csv'), `${header}\n${edited}\n`);
      await ingestInto(h.home, [join(dir, 'split.csv')]);
      const r = await one<Record<string, string>>(
        h.home,
        'SELECT input::VARCHAR i, cache_read::VARCHAR cr, cache_write_5m::VARCHAR w5, cache_write_1h::VARCHAR w1, cache_write::VARCHAR w FROM usage',
      );
      // prompt 3200 = 1700 uncached + 1000 cache read + 300 (5m) + 200 of unknown TTL
      expect(r).toEqual({ i: '1700', cr: '1000', w5: '300', w1: '0', w: '200' });
    } finally {
      h.cleanup();
    }
  });

  it('builds tags by the conventions: metadata > key:value tags > derived', async () => {
    const r = await one<{ tags: string }>(
      home,
      "SELECT tags FROM usage WHERE request_id = 'chatcmpl-BxQ2mini0002'",
    );
    expect(JSON.parse(r.tags)).toEqual({
      team: 'search',
      customer: 'acme-corp',
      user: 'alice',
      key_alias: 'search-svc',
      beta: true,
      feature: 'search',
      customer_email: 'a@example.com',
    });
    const s = await one<{ tags: string }>(
      home,
      "SELECT tags FROM usage WHERE request_id = 'msg_01Sonnet0003'",
    );
    // nested values and content keys (`messages`) never become tags
    expect(JSON.parse(s.tags)).toEqual({
      team: 'search',
      customer: 'acme-corp',
      user: 'alice',
      agent: 'agent-7',
      feature: 'summarize',
      env: 'prod',
    });
  });

  it('resolves models through aliases, estimates cost and hashes keys', async () => {
    const r = await one<Record<string, string>>(
      home,
      "SELECT provider, model, model_raw, cost_estimate::VARCHAR c, api_key_hash, latency_ms::VARCHAR l, trace_id FROM usage WHERE request_id = 'msg_01Sonnet0003'",
    );
    // 1700×3 + 1000×0.30 + 500×3.75 + 400×15 per 1M
    expect(r).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet-4-20250514',
      model_raw: 'anthropic/claude-sonnet-4-20250514',
      c: '0.013275000000000000',
      l: '7000',
      trace_id: 'trace-aaa',
    });
    expect(r.api_key_hash).toMatch(/^[0-9a-f]{64}$/);
    const groq = await one<Record<string, string | null>>(
      home,
      "SELECT cost_estimate, unpriced FROM usage WHERE request_id = 'chatcmpl-9f1c2d3e-0001'",
    );
    expect(groq).toEqual({ cost_estimate: null, unpriced: 'input,output' });
  });

  it('never stores prompt or completion text, nor the raw API key', () => {
    for (const f of allFiles(home)) {
      const bytes = readFileSync(f).toString('latin1');
      expect(bytes).not.toContain('SECRET-PROMPT-TEXT');
      expect(bytes).not.toContain('SECRET-COMPLETION-TEXT');
      expect(bytes).not.toContain('9a1b2c3d4e5f');
    }
  });
});

describe('focus input', () => {
  const { home, cleanup } = tmpHome();
  beforeAll(async () => {
    await ingestInto(home, [fixture('focus')]);
  });
  afterAll(cleanup);

  it('carries the FOCUS 1.0 sample over with exact sums and real NULLs', async () => {
    const r = await one<Record<string, string>>(
      home,
      `SELECT count(*)::VARCHAR n, SUM(BilledCost)::VARCHAR b, count(AvailabilityZone)::VARCHAR az, count(*) FILTER (WHERE ServiceProviderName = ProviderName)::VARCHAR spn
         FROM focus WHERE x_SourceFile LIKE '%focus10%'`,
    );
    expect(r).toEqual({ n: '40', b: '0.371089404800000000', az: '3', spn: '40' });
  });

  it('upgrades 1.2 examples (BOM, M/D/YY dates) and keeps their virtual-currency columns', async () => {
    const rows = await q<Record<string, string>>(
      home,
      `SELECT strftime(ChargePeriodStart, '%Y-%m-%d') d, PricingCurrency, PricingCurrencyEffectiveCost::VARCHAR pcec, BilledCost::VARCHAR b
         FROM focus WHERE x_SourceFile LIKE '%virtual_currency_a2%' ORDER BY 1, 3`,
    );
    expect(rows.map((r) => [r.d, r.PricingCurrency, r.pcec, r.b])).toEqual(
      [
        ['2025-04-01', 'Token', '10.000000000000000000', '0.000000000000000000'],
        ['2025-04-01', 'Token', '245.000000000000000000', '0.000000000000000000'],
        ['2025-04-01', 'Token', '360.000000000000000000', '0.000000000000000000'],
      ].sort(),
    );
  });

  it('marks carried-over rows as x_CostSource = focus', async () => {
    const r = await one<{ n: string }>(
      home,
      "SELECT count(*)::VARCHAR n FROM focus WHERE x_CostSource <> 'focus'",
    );
    expect(r.n).toBe('0');
  });
});
