// Token-cost allocation at the class levels weighs each consumer's tokens of the line's class by the price its
// requests paid (fixtures/prices/allocation-tier-weights/ORIGIN.md): an OpenAI-style line ("gpt-5.6, input", no
// context window) covering a long-context request (above gpt-5.6's 272k threshold, input at 10 instead of 5 per 1M)
// and a priority request (10 per 1M) is split by price-weighted tokens, not raw tokens. Thresholds come from the
// price book (LiteLLM's gpt-5.6 entry, BerriAI/litellm model_prices_and_context_window.json: 272k), not a fixed 200k.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocate } from '../../src/analysis/allocate/run.js';
import { fixture, ingestInto, q, scratchHomes } from '../helpers/home.js';

const scratch = scratchHomes(afterAll);

describe('class-level allocation weights by tier price', () => {
  let home: string;
  let run: Awaited<ReturnType<typeof allocate>>;
  beforeAll(async () => {
    home = scratch();
    await ingestInto(home, [fixture('prices', 'allocation-tier-weights')], { account: 'acme' });
    run = await allocate({
      home,
      keys: ['team'],
      method: 'x-token-cost-v1',
      period: { from: null, to: null },
    });
  });

  it('splits the input line by price-weighted tokens (long context and priority count double)', async () => {
    const rows = await q<{ li: string; t: string; c: string }>(
      home,
      `SELECT x_Model || '/' || x_TokenClass AS li, AllocatedResourceId AS t, SUM(EffectiveCost)::VARCHAR AS c
       FROM allocated GROUP BY ALL ORDER BY 1, 2`,
    );
    // gpt-5.6 input (2.00): research 250,000 x 10 = 2.5; support 260,000 x 5 + 20,000 x 10 = 1.5 (per 1M):
    // 2.5 / 4.0 = 0.625 -> 1.25, 1.5 / 4.0 = 0.375 -> 0.75 (raw tokens would give research 250/530 = 0.9433...).
    // gpt-5.6 cached input (0.03): research only. acme-llm-1 (unpriced): token share 1,000 : 3,000 of 0.10.
    expect(rows).toEqual([
      { li: 'acme-llm-1/input', t: 'research', c: '0.025000000000000000' },
      { li: 'acme-llm-1/input', t: 'support', c: '0.075000000000000000' },
      { li: 'gpt-5.6/cache_read', t: 'research', c: '0.030000000000000000' },
      // a matched consumer without tokens of the class keeps a zero share row
      { li: 'gpt-5.6/cache_read', t: 'support', c: '0.000000000000000000' },
      { li: 'gpt-5.6/input', t: 'research', c: '1.250000000000000000' },
      { li: 'gpt-5.6/input', t: 'support', c: '0.750000000000000000' },
    ]);
    expect(run.pool.EffectiveCost).toBe('2.130000000000000000');
    expect(run.allocated.EffectiveCost).toBe(run.pool.EffectiveCost);
    expect(run.coverage.find((c) => c.level === 'model+class+day')?.rows).toBe(3);
  });

  it('keeps UsageQuantity in tokens of the class', async () => {
    const rows = await q<{ m: string; d: string }>(
      home,
      `SELECT DISTINCT x_Model AS m, json_extract_string(AllocatedMethodDetails, '$.Elements[0].UsageQuantity') AS d
       FROM allocated WHERE AllocatedResourceId = 'support' AND x_TokenClass = 'input' ORDER BY 1`,
    );
    expect(rows).toEqual([
      { m: 'acme-llm-1', d: '3000.0' },
      { m: 'gpt-5.6', d: '280000.0' },
    ]);
  });

  it('attributes per request by the same price-weighted tokens', async () => {
    const rows = await q<{ id: string; c: number }>(
      home,
      'SELECT request_id AS id, CAST(attributed_effective_cost AS DOUBLE) AS c FROM usage_attributed ORDER BY 1',
    );
    const byId = Object.fromEntries(rows.map((r) => [r.id, r.c]));
    // support's 0.75: mid-1 1.3 / 1.5 of it, prio-1 0.2 / 1.5; research: 1.25 + 0.03
    expect(byId['long-1']).toBeCloseTo(1.28, 12);
    expect(byId['mid-1']).toBeCloseTo(0.65, 12);
    expect(byId['prio-1']).toBeCloseTo(0.1, 12);
    expect(byId['acme-1']).toBeCloseTo(0.025, 12);
    expect(byId['acme-2']).toBeCloseTo(0.075, 12);
  });
});
