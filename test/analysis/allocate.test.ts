// Allocation end to end on fixtures built from the real formats (LiteLLM + OpenAI costs + Anthropic cost report, same
// day): hand-computed per-feature totals, exact conservation, views, idempotency, replacement and stale allocations.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocate } from '../../src/analysis/allocate/run.js';
import { attachViews } from '../../src/analysis/views.js';
import { validateRelation } from '../../src/focus/validate.js';
import { forget } from '../../src/ingest/forget.js';
import { withDb } from '../../src/store/duckdb.js';
import { readManifest } from '../../src/store/manifest.js';
import { fixture, ingestInto, one, q, tmpHome } from '../helpers/home.js';

const byFeature = (
  home: string,
  method: Parameters<typeof allocate>[0]['method'] = 'x-token-cost-v1',
  extra = {},
) => allocate({ home, keys: ['feature'], method, period: { from: null, to: null }, ...extra });

async function costByTarget(home: string): Promise<Record<string, string>> {
  const rows = await q<{ t: string | null; c: string }>(
    home,
    'SELECT AllocatedResourceId AS t, SUM(EffectiveCost)::VARCHAR AS c FROM allocated GROUP BY 1',
  );
  return Object.fromEntries(rows.map((r) => [r.t ?? 'NULL', r.c]));
}

describe('aicost allocate --by feature', () => {
  const { home, cleanup } = tmpHome();
  beforeAll(async () => {
    await ingestInto(home, [fixture('allocation')]);
  });
  afterAll(cleanup);

  it('splits each invoice line by token share within model, class and day (hand-computed)', async () => {
    const r = await byFeature(home);
    expect(await costByTarget(home)).toEqual({
      // search: 1300/3000 of input 0.00045 + 200/500 of cached 0.0000375 + 150/600 of output 0.00036
      search: '0.000300000000000000',
      // chat: 1400/3000·0.00045 + 300/500·0.0000375 + 350/600·0.00036 + 1000/3000·0.009 + 500/1000·0.015
      chat: '0.010942500000000000',
      '(untagged)': '0.000105000000000000',
      // summarize: 2000/3000·0.009 + 0.0003 + 500/1000·0.015
      summarize: '0.013800000000000000',
      // the gpt-4.1 line of 2025-08-03 had no traffic at all
      NULL: '0.250000000000000000',
    });
    expect(r.pool.EffectiveCost).toBe('0.275147500000000000');
    expect(r.allocated.EffectiveCost).toBe(r.pool.EffectiveCost);
    expect(r.coverage.find((c) => c.level === 'model+class+day')?.rows).toBe(6);
    expect(r.coverage.find((c) => c.level === 'unmatched')?.rows).toBe(1);
    const lines = Object.fromEntries(r.showback.map((l) => [l.target ?? l.kind, l]));
    expect(lines.search!.tokens.input).toBe('1300');
    expect(lines.search!.requests).toBe('2');
    expect(lines.unallocated!.effectiveCost).toBe('0.250000000000000000');
  });

  it('SUM(BilledCost) FROM allocated equals the pool exactly; every origin row is conserved in every metric', async () => {
    const t = await one<Record<string, string>>(
      home,
      `SELECT (SELECT SUM(BilledCost) FROM allocated)::VARCHAR a, (SELECT SUM(BilledCost) FROM focus)::VARCHAR f,
              (SELECT SUM(BilledCost) FROM attributed)::VARCHAR t`,
    );
    expect(t.a).toBe('0.275147500000000000');
    expect(t.t).toBe(t.f);
    const broken = await q(
      home,
      `SELECT a.x_OriginRowId FROM allocated a JOIN focus o ON o.x_RowId = a.x_OriginRowId GROUP BY 1
       HAVING SUM(a.BilledCost) <> any_value(o.BilledCost) OR SUM(a.EffectiveCost) <> any_value(o.EffectiveCost)
           OR SUM(a.ListCost) <> any_value(o.ListCost) OR SUM(a.ContractedCost) <> any_value(o.ContractedCost)
           OR SUM(a.PricingCurrencyEffectiveCost) <> any_value(o.PricingCurrencyEffectiveCost)
           OR SUM(a.ConsumedQuantity) IS DISTINCT FROM any_value(o.ConsumedQuantity)
           OR SUM(a.PricingQuantity) IS DISTINCT FROM any_value(o.PricingQuantity)
           -- the ratio's text, not a JSON parse (which goes through DOUBLE)
           OR SUM(CAST(regexp_extract(a.AllocatedMethodDetails, '"AllocatedRatio":([0-9.]+)', 1) AS DECIMAL(38,18))) <> 1`,
    );
    expect(broken).toEqual([]);
  });

  it('writes conformant FOCUS 1.3 allocated rows that replace their origin rows', async () => {
    const r = await one<Record<string, string | null>>(
      home,
      `SELECT AllocatedMethodId, AllocatedResourceId, AllocatedResourceName, AllocatedTags, AllocatedMethodDetails, x_MatchLevel, SkuPriceId, ListUnitPrice::VARCHAR lup
         FROM allocated WHERE AllocatedResourceId = 'summarize' AND x_TokenClass = 'output'`,
    );
    expect(r).toMatchObject({
      AllocatedMethodId: 'x-token-cost-v1',
      AllocatedResourceName: 'summarize',
      AllocatedTags: '{"feature":"summarize"}',
      x_MatchLevel: 'model+class+day',
    });
    expect(JSON.parse(r.AllocatedMethodDetails!)).toEqual({
      Elements: [{ AllocatedRatio: 0.5, UsageUnit: 'Tokens', UsageQuantity: 500 }],
    });
    const report = await withDb({}, async (db) => {
      await attachViews(db, home);
      return Promise.all([
        validateRelation(db, 'allocated', { version: '1.3' }),
        validateRelation(db, 'attributed', { version: '1.3' }),
      ]);
    });
    for (const rep of report) expect(rep.totals.derivedViolations).toBe(0);
  });

  it('usage_attributed: per-request cost adds up per trace, user and customer to the allocated cost', async () => {
    const traces = await q<{ trace_id: string; c: string }>(
      home,
      'SELECT trace_id, SUM(attributed_effective_cost)::VARCHAR c FROM usage_attributed WHERE trace_id IS NOT NULL GROUP BY 1 ORDER BY 1',
    );
    // the agent trace t-agent-1: summarize 0.0138 + chat's Sonnet share 0.0105
    expect(traces).toEqual([
      { trace_id: 't-agent-1', c: '0.024300000000000000' },
      { trace_id: 't-search-1', c: '0.000195000000000000' },
    ]);
    const total = await one<{ u: string; a: string }>(
      home,
      `SELECT (SELECT SUM(attributed_effective_cost) FROM usage_attributed)::VARCHAR u,
              (SELECT SUM(EffectiveCost) FROM allocated WHERE AllocatedResourceId IS NOT NULL)::VARCHAR a`,
    );
    expect(total.u).toBe(total.a);
    const customers = await q<{ c: string; v: string }>(
      home,
      "SELECT tags->>'customer' c, SUM(attributed_effective_cost)::VARCHAR v FROM usage_attributed GROUP BY 1 ORDER BY 1",
    );
    expect(customers).toEqual([
      { c: 'acme', v: '0.014437500000000000' },
      { c: 'globex', v: '0.010605000000000000' },
      { c: null, v: '0.000105000000000000' },
    ]);
  });

  it('re-running is idempotent; a run by another key replaces the earlier allocation of the same origins', async () => {
    const before = readManifest(home);
    const again = await byFeature(home);
    expect(again.unchanged).toBe(true);
    expect(readManifest(home)).toEqual(before);
    await allocate({
      home,
      keys: ['team', 'customer'],
      method: 'x-token-cost-v1',
      period: { from: null, to: null },
    });
    const per = await q(
      home,
      'SELECT x_OriginRowId, count(DISTINCT x_AllocationRunId) n FROM allocated GROUP BY 1 HAVING n > 1',
    );
    expect(per).toEqual([]);
    const targets = Object.keys(await costByTarget(home)).sort();
    expect(targets).toEqual([
      'NULL',
      'team=platform|customer=(untagged)',
      'team=platform|customer=acme',
      'team=platform|customer=globex',
    ]);
    expect(readManifest(home).allocations).toHaveLength(1);
  });
});

describe('allocation methods', () => {
  it('x-even-v1 splits per request; x-fixed-v1 by a weights file; both conserve', async () => {
    const h = tmpHome();
    try {
      await ingestInto(h.home, [fixture('allocation')]);
      await byFeature(h.home, 'x-even-v1');
      const even = await costByTarget(h.home);
      // gpt-4o-mini lines: 4 requests (search 2, chat 1, untagged 1); Sonnet lines: 2 requests (summarize, chat)
      // search = 2/4·(0.00045 + 0.0000375 + 0.00036); summarize = 1/2·(0.009 + 0.0003 + 0.015)
      expect(even.search).toBe('0.000423750000000000');
      expect(even.summarize).toBe('0.012150000000000000');
      const weights = join(h.home, 'weights.yaml');
      writeFileSync(weights, 'search: 3\nchat: 1\n');
      await byFeature(h.home, 'x-fixed-v1', { weightsFile: weights });
      const fixed = await costByTarget(h.home);
      // gpt-4o-mini lines 0.0008475 split 3:1 between search and chat ((untagged) has no weight)
      expect(fixed.search).toBe('0.000635625000000000');
      const sum = await one<{ s: string }>(h.home, 'SELECT SUM(EffectiveCost)::VARCHAR s FROM allocated');
      expect(sum.s).toBe('0.275147500000000000');
    } finally {
      h.cleanup();
    }
  });
});

describe('stale allocations', () => {
  it('forgetting or restating origin rows drops their allocations in the same swap', async () => {
    const h = tmpHome();
    try {
      await ingestInto(h.home, [fixture('allocation')]);
      await byFeature(h.home);
      await forget({ home: h.home, source: 'anthropic-cost' });
      const r = await one<{ a: string; f: string; n: string }>(
        h.home,
        `SELECT (SELECT SUM(BilledCost) FROM attributed)::VARCHAR a, (SELECT SUM(BilledCost) FROM focus)::VARCHAR f,
                (SELECT count(*) FROM allocated WHERE x_SourceId = 'anthropic-cost')::VARCHAR n`,
      );
      expect(r).toEqual({ a: '0.250847500000000000', f: '0.250847500000000000', n: '0' });
    } finally {
      h.cleanup();
    }
  });
});
