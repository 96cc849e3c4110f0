// Property: for random pools and usage, every origin row's allocated rows sum to it exactly in every cost column and
// quantity, and the ratios sum to 1 (fast-check over the allocation SQL itself).
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCandidates, chooseLevels } from '../../src/analysis/allocate/match.js';
import type { MethodId } from '../../src/analysis/allocate/methods.js';
import {
  COST_COLUMNS,
  computeShares,
  createAllocatedRows,
  QUANTITY_COLUMNS,
} from '../../src/analysis/allocate/split.js';
import { focusTableDdl } from '../../src/focus/schema.js';
import { Db, lit } from '../../src/store/duckdb.js';
import { USAGE_COLUMNS } from '../../src/usage/schema.js';

let db: Db;
beforeAll(async () => {
  db = await Db.open();
});
afterAll(() => db.close());

const money = fc
  .tuple(
    fc.integer({ min: 0, max: 99999 }),
    fc.integer({ min: 0, max: 999999999 }),
    fc.integer({ min: 0, max: 999999999 }),
  )
  .map(([i, a, b]) => `${i}.${String(a).padStart(9, '0')}${String(b).padStart(9, '0')}`);
const model = fc.constantFrom('m-a', 'm-b', 'm-c');
const cls = fc.constantFrom('input', 'output', 'cache_read', null);
const day = fc.constantFrom('2025-08-01', '2025-08-02', '2025-08-03');
const pool = fc.record({
  model,
  cls,
  day,
  billed: money,
  effective: money,
  qty: fc.integer({ min: 0, max: 10_000_000 }),
});
const usage = fc.record({
  model,
  day,
  input: fc.integer({ min: 0, max: 100000 }),
  output: fc.integer({ min: 0, max: 100000 }),
  cache_read: fc.integer({ min: 0, max: 100000 }),
  feature: fc.constantFrom('a', 'b', 'c', null),
  est: fc.option(money, { nil: null }),
});

type Pool = {
  model: string;
  cls: string | null;
  day: string;
  billed: string;
  effective: string;
  qty: number;
};
type Usage = {
  model: string;
  day: string;
  input: number;
  output: number;
  cache_read: number;
  feature: string | null;
  est: string | null;
};

async function load(pools: Pool[], uses: Usage[]) {
  await db.run('DROP TABLE IF EXISTS focus');
  await db.run('DROP TABLE IF EXISTS usage');
  await db.run(focusTableDdl('focus'));
  await db.run(`CREATE TABLE usage (${USAGE_COLUMNS.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
  for (const [i, p] of pools.entries()) {
    await db.run(
      `INSERT INTO focus (x_RowId, ServiceProviderName, x_Model, x_TokenClass, ChargePeriodStart, ChargePeriodEnd, BillingPeriodStart,
         ChargeCategory, x_CostSource, BilledCost, EffectiveCost, ListCost, ContractedCost, PricingCurrencyEffectiveCost, ConsumedQuantity, PricingQuantity, x_SourceId)
       VALUES (${lit(`o${i}`)}, 'OpenAI', ${lit(p.model)}, ${p.cls ? lit(p.cls) : 'NULL'}, ${lit(p.day)}::TIMESTAMPTZ, ${lit(p.day)}::TIMESTAMPTZ + INTERVAL 1 DAY,
         '2025-08-01'::TIMESTAMPTZ, 'Usage', 'cost-report', ${p.billed}, ${p.effective}, ${p.billed}, ${p.billed}, ${p.effective}, ${p.qty}, ${p.qty} / 1000000, 'openai-costs')`,
    );
  }
  for (const [i, u] of uses.entries()) {
    await db.run(
      `INSERT INTO usage (grain, request_id, "timestamp", "date", provider, model, input, cache_read, cache_write_5m, cache_write_1h, cache_write, output,
         request_count, cost_estimate, tags, source_id)
       VALUES ('request', ${lit(`r${i}`)}, ${lit(u.day)}::TIMESTAMPTZ, ${lit(u.day)}::DATE, 'openai', ${lit(u.model)}, ${u.input}, ${u.cache_read}, 0, 0, 0, ${u.output},
         1, ${u.est ?? 'NULL'}, ${u.feature ? lit(JSON.stringify({ feature: u.feature })) : 'NULL'}, 'litellm')`,
    );
  }
}

it('conserves every origin row exactly, for random pools, usage and methods', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(pool, { minLength: 1, maxLength: 6 }),
      fc.array(usage, { maxLength: 12 }),
      fc.constantFrom<MethodId>('x-token-cost-v1', 'x-tokens-v1', 'x-even-v1'),
      async (pools, uses, method) => {
        await load(pools, uses);
        await buildCandidates(db, ['feature'], method, { from: null, to: null }, { outputWeight: 1 });
        await chooseLevels(db, method);
        await computeShares(db, ['feature'], method);
        await createAllocatedRows(db, ['feature'], method, 'run-test');
        const metrics = [...COST_COLUMNS, ...QUANTITY_COLUMNS];
        const bad = await db.all(
          `SELECT a.x_OriginRowId FROM alloc_rows a JOIN focus o ON o.x_RowId = a.x_OriginRowId GROUP BY 1
           HAVING ${metrics.map((m) => `SUM(a."${m}") IS DISTINCT FROM any_value(o."${m}")`).join(' OR ')}`,
        );
        expect(bad).toEqual([]);
        const ratios = await db.all(`SELECT rid FROM shares GROUP BY rid HAVING SUM(ratio) <> 1`);
        expect(ratios).toEqual([]);
        const covered = await db.one<{ n: string }>(
          `SELECT count(*)::VARCHAR n FROM focus WHERE x_RowId NOT IN (SELECT x_OriginRowId FROM alloc_rows)`,
        );
        expect(covered?.n).toBe('0');
      },
    ),
    { numRuns: 40 },
  );
});
