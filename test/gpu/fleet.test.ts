// The fixture fleet (fixtures/gpu/ORIGIN.md): a 2 × H100 capacity block (48.00 for 00:00-04:00 UTC), the cluster's
// weights volume from a cloud FOCUS export (12.00, tag cluster=llama-pool), nvidia-smi samples of both GPUs (mean 40 %)
// and a gateway log of the self-hosted llama model (1.2M tokens in the block). Every expected figure is computed by
// hand in the comments; allocation conserves each GPU charge exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocate } from '../../src/analysis/allocate/run.js';
import { detectAnomalies } from '../../src/analysis/anomalies/index.js';
import { gpuSummary } from '../../src/analysis/gpu/summary.js';
import { validate } from '../../src/analysis/validate.js';
import { loadConfig } from '../../src/config.js';
import { InputError } from '../../src/errors.js';
import { fixture, ingestInto, one, q, scratchHomes } from '../helpers/home.js';

const homes = scratchHomes(afterAll);
const config = loadConfig(fixture('gpu', 'aicost.config.yaml'));
const clusters = config.gpu!.clusters;
type Row = Record<string, string | null>;

async function fleet(): Promise<string> {
  const h = homes();
  await ingestInto(h, [fixture('gpu')], { timezone: config.gpu?.timezone, account: 'acct-gpu' });
  return h;
}

let home: string;
beforeAll(async () => {
  home = await fleet();
});

describe('aicost gpu', () => {
  it('reserved GPU-hours, utilization, idle cost and cost per 1M tokens, by hand', async () => {
    const r = await gpuSummary({ home, clusters, period: { from: null, to: null } });
    expect(r.schema).toBe('aicost.gpu/1');
    expect(r.clusters).toHaveLength(1);
    expect(r.clusters[0]).toEqual({
      cluster: 'llama-pool',
      from: '2025-08-05T00:00:00Z',
      to: '2025-08-05T04:00:00Z',
      currency: 'USD',
      charges: 2,
      // 48.00 (the block's BilledCost: no usage row amortizes it) + 12.00 (the volume's EffectiveCost)
      cost: '60.000000000000000000',
      // 2 GPUs × 4 h from the reservation row
      reservedGpuHours: '8.000000000000000000',
      gpuHoursBasis: 'reservations',
      // (0.9 + 0.8 + 0.1 + 0 + 0.7 + 0.6 + 0.1 + 0) / 8 samples; the L4 and the DCGM 10:00 samples are outside
      utilization: '0.400000000000000000',
      utilizationBasis: 'samples',
      samples: 8,
      busyCost: '24.000000000000000000',
      // 60.00 × (1 − 0.4)
      idleCost: '36.000000000000000000',
      idleGpuHours: '4.800000000000000000',
      // sh-0001..3: (400k + 150k) + (200k + 50k) + (300k + 100k); sh-0004 is gpt-4o-mini, sh-0005 after 04:00
      tokens: '1200000',
      tokensByClass: {
        input: '900000',
        cache_read: '0',
        cache_write_5m: '0',
        cache_write_1h: '0',
        cache_write: '0',
        output: '300000',
      },
      requests: '3',
      // 60.00 ÷ 1.2M × 1M
      costPer1MTokens: '50.000000000000000000',
      comparisons: [
        {
          model: 'gpt-4o-mini',
          // 900,000 × 0.15/1M + 300,000 × 0.60/1M = 0.135 + 0.18
          apiCost: '0.315000000000000000',
          apiCostPer1MTokens: '0.262500000000000000',
          unpricedClasses: [],
        },
      ],
    });
  });

  it('a period clips the span; a day without charges reports none', async () => {
    const r = await gpuSummary({ home, clusters, period: { from: '2025-08-05', to: '2025-08-06' } });
    expect(r.clusters[0]).toMatchObject({ cost: '60.000000000000000000', idleCost: '36.000000000000000000' });
    const none = await gpuSummary({ home, clusters, period: { from: '2025-08-07', to: '2025-08-08' } });
    expect(none.clusters[0]).toMatchObject({
      charges: 0,
      cost: '0.000000000000000000',
      utilization: null,
      tokens: '0',
    });
  });

  it('OpenCost GPU-hours give the busy share when a cluster has no samples', async () => {
    const oc = [{ ...clusters[0]!, name: 'k8s', telemetry: { cluster: 'cluster-gpu' } }];
    const h = homes();
    await ingestInto(h, [fixture('gpu', 'opencost-gpu.json'), fixture('gpu', 'reservations.csv')]);
    const r = await gpuSummary({ home: h, clusters: oc, period: { from: null, to: null } });
    // no samples in 00:00-04:00 on the 5th and no OpenCost window then: unknown
    expect(r.clusters[0]).toMatchObject({ utilization: null, idleCost: null });
    const wide = [{ ...oc[0]!, charges: { resource_ids: ['res-a100-m'] } }];
    const w = await gpuSummary({ home: h, clusters: wide, period: { from: null, to: null } });
    // August-long reservation; OpenCost on the 6th: 30 allocated of 48 GPU-hours → 0.625; idle 1430 × 0.375
    expect(w.clusters[0]).toMatchObject({
      utilization: '0.625000000000000000',
      utilizationBasis: 'opencost',
      idleCost: '536.250000000000000000',
    });
  });
});

it('aicost validate passes on the fleet: focus/ (reservations and cloud rows) and commitments/', async () => {
  for (const view of ['focus', 'commitments']) {
    const report = await validate({ view, home });
    expect(report.results.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual([]);
    expect(report.exitCode).toBe(0);
  }
});

describe('allocate --method x-gpu-time-v1', () => {
  const money = `SELECT AllocatedResourceId AS who, SUM(BilledCost)::VARCHAR AS billed, SUM(EffectiveCost)::VARCHAR AS eff
    FROM allocated GROUP BY 1 ORDER BY 1`;
  const round = (rows: Row[]) =>
    rows.map((r) => [r.who, Number(r.billed).toFixed(2), Number(r.eff).toFixed(2)]);

  it('splits busy time by tokens and keeps idle time as (idle); conserves every charge exactly', async () => {
    const h = await fleet();
    const r = await allocate({
      home: h,
      keys: ['team'],
      method: 'x-gpu-time-v1',
      period: { from: null, to: null },
      gpuClusters: clusters,
    });
    expect(r.originRows).toBe(2);
    expect(r.pool).toEqual(r.allocated);
    // busy 0.4 of 8 GPU-hours = 3.2: search 800k of 1.2M tokens → 2.1333 GPU-h, chat → 1.0667; idle 4.8 of 8
    // block 48.00: search 12.80, chat 6.40, idle 28.80; volume 12.00: search 3.20, chat 1.60, idle 7.20
    expect(round(await q<Row>(h, money))).toEqual([
      ['(idle)', '36.00', '7.20'],
      ['chat', '8.00', '1.60'],
      ['search', '16.00', '3.20'],
    ]);
    const cons = await q<Row>(
      h,
      `SELECT a.x_OriginRowId, SUM(a.BilledCost) = any_value(f.BilledCost) AND SUM(a.EffectiveCost) = any_value(f.EffectiveCost)
         AND SUM(a.ListCost) = any_value(f.ListCost) AND SUM(a.ContractedCost) = any_value(f.ContractedCost)
         AND SUM(a.PricingQuantity) IS NOT DISTINCT FROM any_value(f.PricingQuantity) AS exact,
         -- the ratio's own digits (json_extract_string would read the number through a DOUBLE)
         SUM(CAST(regexp_extract(CAST(a.AllocatedMethodDetails AS VARCHAR), '"AllocatedRatio":([0-9.]+)', 1) AS DECIMAL(38,18)))::VARCHAR AS ratios,
         string_agg(DISTINCT json_extract_string(a.AllocatedMethodDetails, '$.Elements[0].UsageUnit'), ',') AS unit
       FROM allocated a JOIN focus f ON f.x_RowId = a.x_OriginRowId GROUP BY 1`,
    );
    expect(cons.map((c) => [c.exact, c.ratios, c.unit])).toEqual([
      [true, '1.000000000000000000', 'GPU-Hours'],
      [true, '1.000000000000000000', 'GPU-Hours'],
    ]);
    const idleHours = await one<Row>(
      h,
      `SELECT SUM(CAST(json_extract_string(AllocatedMethodDetails, '$.Elements[0].UsageQuantity') AS DECIMAL(38,6)))::VARCHAR AS gh
       FROM allocated WHERE AllocatedResourceId = '(idle)' AND x_OriginRowId = (SELECT x_RowId FROM focus WHERE ResourceId = 'res-h100-a')`,
    );
    expect(Number(idleHours.gh)).toBeCloseTo(4.8, 9);
    // attributed = focus rows not allocated + allocated rows: Σ unchanged to the last decimal
    expect(
      await one<Row>(
        h,
        'SELECT (SELECT SUM(BilledCost) FROM attributed) = (SELECT SUM(BilledCost) FROM focus) AS same',
      ),
    ).toEqual({ same: true });
    // per request (usage_attributed): each target's share by the request's own tokens. search 16.00 billed / 3.20
    // effective: sh-0001 550k of 800k tokens → 11.00 / 2.20, sh-0002 250k → 5.00 / 1.00; chat sh-0003 → 8.00 / 1.60.
    // sh-0004 is OpenAI traffic and sh-0005 falls after the block: no GPU share.
    const perRequest = await q<Row>(
      h,
      `SELECT request_id AS id, round(attributed_billed_cost, 9)::VARCHAR AS billed,
         round(attributed_effective_cost, 9)::VARCHAR AS eff, attribution FROM usage_attributed ORDER BY 1`,
    );
    expect(perRequest.map((r) => [r.id, r.billed, r.eff, r.attribution])).toEqual([
      ['sh-0001', '11.000000000', '2.200000000', 'invoiced'],
      ['sh-0002', '5.000000000', '1.000000000', 'invoiced'],
      ['sh-0003', '8.000000000', '1.600000000', 'invoiced'],
      ['sh-0004', null, null, 'estimated'],
      ['sh-0005', null, null, 'estimated'],
    ]);
  });

  it('--idle spread shares idle time by the same tokens; the derived rows validate', async () => {
    const h = await fleet();
    await allocate({
      home: h,
      keys: ['team'],
      method: 'x-gpu-time-v1',
      period: { from: null, to: null },
      gpuClusters: clusters,
      idle: 'spread',
    });
    // 60.00 × 2/3 and × 1/3; the volume's 12.00 EffectiveCost the same way
    expect(round(await q<Row>(h, money))).toEqual([
      ['chat', '20.00', '4.00'],
      ['search', '40.00', '8.00'],
    ]);
    const report = await validate({ view: 'allocated', home: h });
    expect(report.totals.derivedViolations).toBe(0);
  });

  it('without configured clusters it is an input error before anything is written', async () => {
    const e = await allocate({
      home,
      keys: ['team'],
      method: 'x-gpu-time-v1',
      period: { from: null, to: null },
    }).catch((x) => x);
    expect(e).toBeInstanceOf(InputError);
  });
});

describe('anomalies', () => {
  it('each H100 under 20 % from 02:00 to 04:00 UTC is a gpu-utilization finding', async () => {
    const r = await detectAnomalies(home);
    const gpu = r.anomalies.filter((a) => a.kind === 'gpu-utilization');
    // samples 02:00 (10 %) and 03:00 (0 %), each standing for the 1 h sampling interval: 2 h at a mean of 5 %,
    // 2 × (1 − 0.05) = 1.9 idle GPU-hours; the 10:00 DCGM sample of GPU 2 (0 %) is a run of 1 h only
    expect(
      gpu.map((a) => [
        a.key,
        a.day,
        a.actual,
        a.impact,
        a.currency,
        (a.detail as { from: string }).from,
        (a.detail as { to: string }).to,
      ]),
    ).toEqual([
      [
        'GPU-11111111-aaaa-bbbb-cccc-000000000001',
        '2025-08-05',
        '0.050000000000000000',
        '1.900000',
        null,
        '2025-08-05T02:00:00Z',
        '2025-08-05T04:00:00Z',
      ],
      [
        'GPU-11111111-aaaa-bbbb-cccc-000000000002',
        '2025-08-05',
        '0.050000000000000000',
        '1.900000',
        null,
        '2025-08-05T02:00:00Z',
        '2025-08-05T04:00:00Z',
      ],
    ]);
  });
});
