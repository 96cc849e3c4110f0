// Property: for random GPU cluster charges, utilization samples and self-hosted usage, x-gpu-time-v1 conserves every
// charge exactly in every cost column and quantity, the ratios sum to 1, and every charge is allocated (fast-check
// over the allocation SQL itself, as test/analysis/allocate-property.test.ts does for invoice lines).
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCandidates, chooseLevels } from '../../src/analysis/allocate/match.js';
import {
  COST_COLUMNS,
  computeShares,
  createAllocatedRows,
  QUANTITY_COLUMNS,
} from '../../src/analysis/allocate/split.js';
import type { GpuCluster } from '../../src/config.js';
import { focusTableDdl } from '../../src/focus/schema.js';
import { Db, lit } from '../../src/store/duckdb.js';
import { TELEMETRY_COLUMNS } from '../../src/telemetry/schema.js';
import { USAGE_COLUMNS } from '../../src/usage/schema.js';

let db: Db;
beforeAll(async () => {
  db = await Db.open();
});
afterAll(() => db.close());

const cluster: GpuCluster = {
  name: 'pool',
  charges: { tags: { cluster: 'pool' } },
  telemetry: { gpu_uuids: ['G1', 'G2'] },
  models: ['m-self'],
  compare_to: [],
};
const money = fc
  .tuple(fc.integer({ min: 0, max: 99999 }), fc.integer({ min: 0, max: 999999999 }))
  .map(([i, a]) => `${i}.${String(a).padStart(9, '0')}`);
const hour = (h: number, m = 0) =>
  `'2025-08-05T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00Z'::TIMESTAMPTZ`;
const charge = fc.record({
  start: fc.integer({ min: 0, max: 5 }),
  hours: fc.integer({ min: 1, max: 4 }),
  purchase: fc.boolean(),
  billed: money,
  effective: money,
  qty: fc.integer({ min: 0, max: 1000 }),
  ours: fc.boolean(),
});
const sample = fc.record({
  gpu: fc.constantFrom('G1', 'G2', 'G3'),
  hour: fc.integer({ min: 0, max: 9 }),
  pct: fc.integer({ min: 0, max: 100 }),
});
const use = fc.record({
  hour: fc.integer({ min: 0, max: 9 }),
  minute: fc.integer({ min: 0, max: 59 }),
  model: fc.constantFrom('m-self', 'm-other'),
  input: fc.integer({ min: 0, max: 100000 }),
  output: fc.integer({ min: 0, max: 100000 }),
  team: fc.constantFrom('a', 'b', null),
});

type Of<A> = A extends fc.Arbitrary<infer T> ? T : never;

async function load(
  charges: Of<typeof charge>[],
  samples: Of<typeof sample>[],
  uses: Of<typeof use>[],
): Promise<void> {
  for (const t of ['focus', 'usage', 'telemetry']) await db.run(`DROP TABLE IF EXISTS ${t}`);
  await db.run(focusTableDdl('focus'));
  await db.run(`CREATE TABLE usage (${USAGE_COLUMNS.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
  await db.run(
    `CREATE TABLE telemetry (${TELEMETRY_COLUMNS.map((c) => `"${c.name}" ${c.type}`).join(', ')})`,
  );
  for (const [i, c] of charges.entries())
    await db.run(
      `INSERT INTO focus (x_RowId, ResourceId, Tags, ChargePeriodStart, ChargePeriodEnd, BillingPeriodStart, ChargeCategory,
         BilledCost, EffectiveCost, ListCost, ContractedCost, PricingCurrencyEffectiveCost, ConsumedQuantity, PricingQuantity, x_SourceId)
       VALUES (${lit(`c${i}`)}, ${lit(`r${i}`)}, ${lit(JSON.stringify({ cluster: c.ours ? 'pool' : 'other' }))}, ${hour(c.start)},
         ${hour(c.start + c.hours)}, '2025-08-01'::TIMESTAMPTZ, ${lit(c.purchase ? 'Purchase' : 'Usage')}, ${c.billed}, ${c.effective},
         ${c.billed}, ${c.billed}, ${c.effective}, ${c.qty}, ${c.qty}, 'focus')`,
    );
  for (const s of samples)
    await db.run(
      `INSERT INTO telemetry (gpu_uuid, "timestamp", utilization, source_id) VALUES (${lit(s.gpu)}, ${hour(s.hour)}, ${s.pct} / 100, 'nvidia-smi')`,
    );
  for (const [i, u] of uses.entries())
    await db.run(
      `INSERT INTO usage (grain, request_id, "timestamp", "date", provider, model, model_raw, input, cache_read, cache_write_5m,
         cache_write_1h, cache_write, output, request_count, tags, source_id)
       VALUES ('request', ${lit(`q${i}`)}, ${hour(u.hour, u.minute)}, '2025-08-05', 'vllm', ${lit(u.model)}, ${lit(u.model)}, ${u.input}, 0, 0, 0, 0,
         ${u.output}, 1, ${u.team ? lit(JSON.stringify({ team: u.team })) : 'NULL'}, 'gateway-csv')`,
    );
}

it('conserves every GPU charge exactly, for random charges, samples, usage and idle policies', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(charge, { minLength: 1, maxLength: 5 }),
      fc.array(sample, { maxLength: 12 }),
      fc.array(use, { maxLength: 10 }),
      fc.constantFrom<'separate' | 'spread'>('separate', 'spread'),
      fc.constantFrom(1, 4),
      async (charges, samples, uses, idle, outputWeight) => {
        await load(charges, samples, uses);
        const method = 'x-gpu-time-v1';
        const period = { from: null, to: null };
        await buildCandidates(db, ['team'], method, period, {
          outputWeight,
          gpu: { clusters: [cluster], idle },
        });
        await chooseLevels(db, method);
        await computeShares(db, ['team'], method);
        await createAllocatedRows(db, ['team'], method, 'run-test');
        const metrics = [...COST_COLUMNS, ...QUANTITY_COLUMNS];
        const bad = await db.all(
          `SELECT a.x_OriginRowId FROM alloc_rows a JOIN focus o ON o.x_RowId = a.x_OriginRowId GROUP BY 1
           HAVING ${metrics.map((m) => `SUM(a."${m}") IS DISTINCT FROM any_value(o."${m}")`).join(' OR ')}`,
        );
        expect(bad).toEqual([]);
        expect(await db.all('SELECT rid FROM shares GROUP BY rid HAVING SUM(ratio) <> 1')).toEqual([]);
        // exactly the cluster's charges are pools, each allocated (to targets, (idle), or unallocated)
        const pools = await db.all<{ id: string }>(
          `SELECT DISTINCT x_OriginRowId AS id FROM alloc_rows ORDER BY 1`,
        );
        const ours = charges.flatMap((c, i) => (c.ours ? [`c${i}`] : [])).sort();
        expect(pools.map((p) => p.id)).toEqual(ours);
        if (idle === 'spread')
          expect(await db.all(`SELECT 1 FROM alloc_rows WHERE AllocatedResourceId = '(idle)'`)).toEqual([]);
      },
    ),
    { numRuns: 30 },
  );
});
