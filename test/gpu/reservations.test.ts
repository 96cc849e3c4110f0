// gpu-reservations (docs/gpu.md#gpu-reservations-csv): one FOCUS Purchase row per reservation in focus/ (the term's
// cost, EffectiveCost 0, GPU-hours, commitment-discount and capacity-reservation ids) and its term in commitments/.
// Expected figures by hand from fixtures/gpu/reservations.csv (ORIGIN.md).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { commitmentBalances } from '../../src/analysis/commitments.js';
import { validate } from '../../src/analysis/validate.js';
import { InputError } from '../../src/errors.js';
import { fixture, ingestInto, one, q, scratchHomes } from '../helpers/home.js';

const homes = scratchHomes(afterAll);
const home = homes();
type Row = Record<string, string | null>;

beforeAll(async () => {
  await ingestInto(home, [fixture('gpu', 'reservations.csv')], { account: 'acct-gpu' });
});

it('one Purchase row per reservation: term cost = upfront + hourly rate × hours, priced per GPU-hour', async () => {
  const rows = await q<Row>(
    home,
    `SELECT ResourceId, ChargeCategory, ChargeFrequency, BilledCost::VARCHAR AS billed, EffectiveCost::VARCHAR AS eff,
       PricingQuantity::VARCHAR AS qty, PricingUnit, ListUnitPrice::VARCHAR AS price, CommitmentDiscountId,
       CommitmentDiscountCategory, CommitmentDiscountQuantity::VARCHAR AS cdq, CommitmentDiscountUnit, CommitmentDiscountStatus,
       CapacityReservationId, ServiceProviderName, ServiceCategory, x_CostSource, json_extract_string(Tags, '$.gpu_model') AS gpu
     FROM focus ORDER BY ResourceId`,
  );
  expect(rows).toEqual([
    {
      // 500.00 + 1.25 × 744 h (August) = 1430.00 for 744 GPU-hours: 1.922043010752688172 (half up at 18 places)
      ResourceId: 'res-a100-m',
      ChargeCategory: 'Purchase',
      ChargeFrequency: 'Recurring',
      billed: '1430.000000000000000000',
      eff: '0.000000000000000000',
      qty: '744.000000000000000000',
      PricingUnit: 'GPU-Hours',
      price: '1.922043010752688172',
      CommitmentDiscountId: 'res-a100-m',
      CommitmentDiscountCategory: 'Usage',
      cdq: '744.000000000000000000',
      CommitmentDiscountUnit: 'GPU-Hours',
      CommitmentDiscountStatus: null,
      CapacityReservationId: 'res-a100-m',
      ServiceProviderName: 'Google Cloud',
      ServiceCategory: 'Compute',
      x_CostSource: 'purchase',
      gpu: 'NVIDIA A100-SXM4-40GB',
    },
    {
      // 0 + 12.00 × 4 h = 48.00 for 2 GPUs × 4 h = 8 GPU-hours: 6.00 per GPU-hour
      ResourceId: 'res-h100-a',
      ChargeCategory: 'Purchase',
      ChargeFrequency: 'Recurring',
      billed: '48.000000000000000000',
      eff: '0.000000000000000000',
      qty: '8.000000000000000000',
      PricingUnit: 'GPU-Hours',
      price: '6.000000000000000000',
      CommitmentDiscountId: 'res-h100-a',
      CommitmentDiscountCategory: 'Usage',
      cdq: '8.000000000000000000',
      CommitmentDiscountUnit: 'GPU-Hours',
      CommitmentDiscountStatus: null,
      CapacityReservationId: 'res-h100-a',
      ServiceProviderName: 'lambda',
      ServiceCategory: 'Compute',
      x_CostSource: 'purchase',
      gpu: 'NVIDIA H100 80GB HBM3',
    },
  ]);
});

it('the terms are Contract Commitment rows in commitments/', async () => {
  const rows = await q<Row>(
    home,
    `SELECT ContractCommitmentId AS id, ContractCommitmentCategory AS cat, ContractCommitmentCost::VARCHAR AS cost,
       ContractCommitmentQuantity::VARCHAR AS qty, ContractCommitmentUnit AS unit, ContractCommitmentType AS type,
       strftime(ContractCommitmentPeriodEnd, '%Y-%m-%dT%H:%M:%SZ') AS ends, x_SourceId
     FROM commitments ORDER BY id`,
  );
  expect(rows).toEqual([
    {
      id: 'res-a100-m',
      cat: 'Usage',
      cost: '1430.000000000000000000',
      qty: '744.000000000000000000',
      unit: 'GPU-Hours',
      type: 'GPU Reservation',
      ends: '2025-09-01T00:00:00Z',
      x_SourceId: 'gpu-reservations',
    },
    {
      id: 'res-h100-a',
      cat: 'Usage',
      cost: '48.000000000000000000',
      qty: '8.000000000000000000',
      unit: 'GPU-Hours',
      type: 'GPU Reservation',
      ends: '2025-08-05T04:00:00Z',
      x_SourceId: 'gpu-reservations',
    },
  ]);
});

it('reconciles: Σ BilledCost = Σ (upfront + hourly_rate × hours) = 1478.00', async () => {
  const h = homes();
  const r = await ingestInto(h, [fixture('gpu', 'reservations.csv')], { account: 'acct-gpu' });
  expect(r.files[0]!.reconciliation[0]).toEqual({
    measure: 'BilledCost = source cost field',
    source: '1478.000000000000000000',
    stored: '1478.000000000000000000',
  });
});

it('the derived rows pass FOCUS 1.3 validation (focus and commitments views)', async () => {
  for (const view of ['focus', 'commitments']) {
    const report = await validate({ view, home });
    expect(report.results.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual([]);
    expect(report.exitCode).toBe(0);
  }
});

it('GPU reservations are capacity, not a prepaid balance that usage burns down', async () => {
  const balances = await commitmentBalances(home);
  expect(balances.map((c) => c.id)).toEqual([]);
});

it('a term that is not whole hours, or a repeated id, is an input error; nothing is stored', async () => {
  const h = homes();
  const bad = join(h, 'bad.csv');
  const head =
    'reservation_id,provider,instance_type,gpu_model,gpu_count,start,end,upfront,hourly_rate,currency';
  writeFileSync(
    bad,
    `${head}\nr1,aws,p5.48xlarge,H100,8,2025-08-01T00:00:00Z,2025-08-01T00:30:00Z,0,98.32,USD\n`,
  );
  const e = await ingestInto(h, [bad]).catch((x) => x);
  expect(e).toBeInstanceOf(InputError);
  expect(e.location).toMatchObject({ record: 2, column: 'end' });
  writeFileSync(
    bad,
    `${head}\nr1,aws,p5.48xlarge,H100,8,2025-08-01T00:00:00Z,2025-08-02T00:00:00Z,0,98.32,USD\nr1,aws,p5.48xlarge,H100,8,2025-08-01T00:00:00Z,2025-08-02T00:00:00Z,0,98.32,USD\n`,
  );
  const d = await ingestInto(h, [bad]).catch((x) => x);
  expect(d).toBeInstanceOf(InputError);
  expect(d.location).toMatchObject({ column: 'reservation_id' });
  expect(await one<Row>(h, 'SELECT count(*)::VARCHAR AS n FROM focus')).toEqual({ n: '0' });
});
