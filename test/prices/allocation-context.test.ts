// Token-cost allocation respects the context window of an invoice line (fixtures/prices/allocation-context/ORIGIN.md):
// Anthropic itemizes long-context input (200k-1M, twice the price) on its own line, which must go to the long
// requests only, not be spread over every input token of the model and day.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocate } from '../../src/analysis/allocate/run.js';
import { fixture, ingestInto, q, scratchHomes } from '../helpers/home.js';

const scratch = scratchHomes(afterAll);

describe('allocation by context window', () => {
  let home: string;
  let run: Awaited<ReturnType<typeof allocate>>;
  beforeAll(async () => {
    home = scratch();
    await ingestInto(home, [fixture('prices', 'allocation-context')], { account: 'acme' });
    run = await allocate({
      home,
      keys: ['team'],
      method: 'x-token-cost-v1',
      period: { from: null, to: null },
    });
  });

  it('gives the long-context line to long requests and splits the short line by token share', async () => {
    const rows = await q<{ t: string; c: string }>(
      home,
      'SELECT AllocatedResourceId AS t, SUM(EffectiveCost)::VARCHAR AS c FROM allocated GROUP BY 1 ORDER BY 1',
    );
    // research: 1.26 (long line, all of it) + 4000/10000 x 0.03; support: 6000/10000 x 0.03
    expect(rows).toEqual([
      { t: 'research', c: '1.272000000000000000' },
      { t: 'support', c: '0.018000000000000000' },
    ]);
    expect(run.pool.EffectiveCost).toBe('1.290000000000000000');
    expect(run.allocated.EffectiveCost).toBe(run.pool.EffectiveCost);
    expect(run.coverage.find((c) => c.level === 'model+class+day')?.rows).toBe(2);
  });

  it('attributes per request the same way (usage_attributed reads the band from the factors)', async () => {
    const rows = await q<{ id: string; c: number }>(
      home,
      'SELECT request_id AS id, CAST(attributed_effective_cost AS DOUBLE) AS c FROM usage_attributed ORDER BY 1',
    );
    const byId = Object.fromEntries(rows.map((r) => [r.id, r.c]));
    // shares are double precision (docs/allocation.md#per-request-cost)
    expect(byId['long-1']).toBeCloseTo(1.26, 12);
    expect(byId['short-1']).toBeCloseTo(0.018, 12);
    expect(byId['short-2']).toBeCloseTo(0.012, 12);
  });
});
