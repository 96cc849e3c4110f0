// Prepaid bundles (docs/data-model.md#token-lifecycle): the commitments source's Purchase and Contract Commitment
// rows, burn rows on the covered provider's cost report, and the same rows whichever side is ingested first.
// commitments-lifecycle.test.ts covers a bundle running out, replacement, forget, allocations and bad files.
import { afterAll, describe, expect, it } from 'vitest';
import { commitmentBalances } from '../../src/analysis/commitments.js';
import { fixture, ingestInto, one, q, scratchHomes } from '../helpers/home.js';

const BUNDLES = fixture('commitments/bundles.csv');
const ANTHROPIC = fixture('anthropic/cost_report.json');
const OPENAI = fixture('commitments/openai_costs_exhausted.json');
const home = scratchHomes(afterAll);

type Row = Record<string, string | null>;
const SUMS = `SUM(BilledCost)::VARCHAR AS billed, SUM(EffectiveCost)::VARCHAR AS effective`;

describe('a bundle of 1,000,000 credits for $1,000, valid in August 2025, and the Anthropic cost report', () => {
  it('is a Purchase row: billed the amount paid, effective 0, priced per credit exactly, reconciled', async () => {
    const h = home();
    const report = await ingestInto(h, [BUNDLES], { account: 'org-1' });
    expect(report.files[0]!.reconciliation[0]).toMatchObject({
      source: '1200.000000000000000000',
      stored: '1200.000000000000000000',
    });
    const p = await one<Row>(
      h,
      `SELECT ChargeCategory, ChargeFrequency, BilledCost::VARCHAR AS bc, EffectiveCost::VARCHAR AS ec,
        ListUnitPrice::VARCHAR AS lup, ContractedUnitPrice::VARCHAR AS cup, PricingQuantity::VARCHAR AS pq,
        PricingUnit, PricingCurrency, ChargePeriodStart::VARCHAR AS s, ChargePeriodEnd::VARCHAR AS e, ResourceId,
        x_CostSource, ContractApplied::VARCHAR AS ca
       FROM focus WHERE ResourceId = 'anthropic-2025-08'`,
    );
    expect(p).toMatchObject({
      ChargeCategory: 'Purchase',
      ChargeFrequency: 'One-Time',
      bc: '1000.000000000000000000',
      ec: '0.000000000000000000',
      // $1,000 / 1,000,000 credits
      lup: '0.001000000000000000',
      cup: '0.001000000000000000',
      pq: '1000000.000000000000000000',
      PricingUnit: 'Credit',
      PricingCurrency: 'USD',
      s: '2025-08-01 00:00:00+00',
      e: '2025-09-01 00:00:00+00',
      x_CostSource: 'purchase',
    });
    expect(JSON.parse(p.ca!).Elements[0]).toMatchObject({
      ContractId: 'anthropic-2025-08',
      ContractCommitmentId: 'anthropic-2025-08',
      ContractCommitmentAppliedUnit: 'Credit',
    });
    // $200 / 250,000 credits
    const o = await one<Row>(
      h,
      `SELECT ListUnitPrice::VARCHAR AS lup FROM focus WHERE ResourceId = 'openai-2025-q3'`,
    );
    expect(o.lup).toBe('0.000800000000000000');
    const purchases = await one<Row>(h, `SELECT ${SUMS} FROM focus WHERE ChargeCategory = 'Purchase'`);
    expect(purchases.billed).toBe('1200.000000000000000000'); // 1000.00 + 200
  });

  it('is a Contract Commitment row in commitments/', async () => {
    const h = home();
    await ingestInto(h, [BUNDLES], { account: 'org-1' });
    const rows = await q<Row>(
      h,
      `SELECT ContractId, ContractCommitmentId, ContractCommitmentCategory, ContractCommitmentCost::VARCHAR AS cost,
        ContractCommitmentQuantity::VARCHAR AS qty, ContractCommitmentUnit, BillingCurrency,
        ContractCommitmentPeriodStart::VARCHAR AS s, ContractPeriodEnd::VARCHAR AS e, x_ServiceProviderName
       FROM commitments ORDER BY ContractId`,
    );
    expect(rows).toEqual([
      {
        ContractId: 'anthropic-2025-08',
        ContractCommitmentId: 'anthropic-2025-08',
        ContractCommitmentCategory: 'Usage',
        cost: '1000.000000000000000000',
        qty: '1000000.000000000000000000',
        ContractCommitmentUnit: 'Credit',
        BillingCurrency: 'USD',
        s: '2025-08-01 00:00:00+00',
        e: '2025-09-01 00:00:00+00',
        x_ServiceProviderName: 'Anthropic',
      },
      expect.objectContaining({ ContractId: 'openai-2025-q3', qty: '250000.000000000000000000' }),
    ]);
  });

  it('burns the cost report: billed 0, effective unchanged, 1237.8912 credits, balance exact', async () => {
    const before = home();
    await ingestInto(before, [ANTHROPIC], { account: 'org-1' });
    const h = home();
    await ingestInto(h, [BUNDLES, ANTHROPIC], { account: 'org-1' });
    const burn = await one<Row>(
      h,
      `SELECT BilledCost::VARCHAR AS bc, EffectiveCost::VARCHAR AS ec, PricingCurrency,
        PricingCurrencyEffectiveCost::VARCHAR AS units, ContractApplied::VARCHAR AS ca
       FROM focus WHERE x_SourceId = 'anthropic-cost'`,
    );
    // 123.78912 cents = $1.2378912; at $0.001 a credit: 1.2378912 x 1,000,000 / 1,000 = 1237.8912 credits
    expect(burn).toMatchObject({
      bc: '0.000000000000000000',
      ec: '1.237891200000000000',
      PricingCurrency: 'Credit',
      units: '1237.891200000000000000',
    });
    expect(JSON.parse(burn.ca!).Elements).toEqual([
      {
        ContractId: 'anthropic-2025-08',
        ContractCommitmentId: 'anthropic-2025-08',
        ContractCommitmentAppliedCost: 1.2378912,
        ContractCommitmentAppliedQuantity: 1237.8912,
        ContractCommitmentAppliedUnit: 'Credit',
      },
    ]);
    // never double counted: the provider's effective cost is unchanged, its billed cost drops by what was prepaid
    const sql = `SELECT ${SUMS} FROM focus WHERE x_SourceId = 'anthropic-cost'`;
    const [b, a] = [await one<Row>(before, sql), await one<Row>(h, sql)];
    expect(a.effective).toBe(b.effective);
    expect(b.billed).toBe('1.237891200000000000');
    expect(a.billed).toBe('0.000000000000000000');
    const [bal] = (await commitmentBalances(h)).filter((c) => c.id === 'anthropic-2025-08');
    // 1,000,000 - 1237.8912
    expect(bal).toMatchObject({
      burnedUnits: '1237.891200000000000000',
      balance: '998762.108800000000000000',
    });
  });

  it('gives the same rows whichever side is ingested first, or both at once', async () => {
    const state = async (steps: string[][]) => {
      const h = home();
      for (const s of steps) await ingestInto(h, s, { account: 'org-1' });
      const focus = await q(h, `SELECT * EXCLUDE (x_SourceFile) FROM focus ORDER BY x_RowId`);
      const commitments = await q(h, `SELECT * EXCLUDE (x_SourceFile) FROM commitments ORDER BY x_RowId`);
      return { focus, commitments, balances: await commitmentBalances(h) };
    };
    const bundleFirst = await state([[BUNDLES], [ANTHROPIC, OPENAI]]);
    const reportsFirst = await state([[OPENAI], [ANTHROPIC], [BUNDLES]]);
    const together = await state([[ANTHROPIC, BUNDLES, OPENAI]]);
    expect(reportsFirst).toEqual(bundleFirst);
    expect(together).toEqual(bundleFirst);
    expect(bundleFirst.focus.filter((r) => r.ContractApplied !== null)).toHaveLength(2 + 1 + 3);
  });
});
