// Cost-report quantities: paired with the provider's usage report, else estimated from the price book; the
// result does not depend on ingest order.
import { describe, expect, it } from 'vitest';
import { fixture, ingestInto, q, tmpHome } from '../helpers/home.js';

const COLS = `x_Model, x_TokenClass, ConsumedQuantity::VARCHAR cq, PricingQuantity::VARCHAR pq, PricingUnit, ListUnitPrice::VARCHAR lup,
  ListCost::VARCHAR lc, BilledCost::VARCHAR bc, x_QuantityEstimated, x_PriceDerived`;

async function state(paths: string[][]) {
  const h = tmpHome();
  try {
    for (const p of paths) await ingestInto(h.home, p);
    return await q<Record<string, unknown>>(
      h.home,
      `SELECT ${COLS} FROM focus WHERE x_SourceId = 'anthropic-cost'`,
    );
  } finally {
    h.cleanup();
  }
}

describe('pairing cost reports with usage reports', () => {
  it('without usage, estimates the quantity from the price book', async () => {
    const [r] = await state([[fixture('anthropic/cost_report.json')]]);
    // 1.2378912 USD at 3 USD per 1M uncached input tokens = 412630.4 tokens
    expect(r).toMatchObject({
      cq: '412630.400000000000000000',
      pq: '0.412630400000000000',
      PricingUnit: '1000000 Tokens',
      lup: '3.000000000000000000',
      x_QuantityEstimated: true,
      x_PriceDerived: false,
    });
  });

  it('with the usage report, takes the paired quantity and derives the unit price', async () => {
    const [r] = await state([
      [fixture('anthropic/cost_report.json'), fixture('anthropic/usage_report_messages.json')],
    ]);
    // 1500 uncached input tokens that day, model and workspace
    expect(r).toMatchObject({
      cq: '1500.000000000000000000',
      pq: '0.001500000000000000',
      lup: '825.260800000000000000',
      lc: '1.237891200000000000',
      bc: '1.237891200000000000',
      x_QuantityEstimated: false,
      x_PriceDerived: true,
    });
  });

  it('gives the same rows whichever side is ingested first', async () => {
    const costFirst = await state([
      [fixture('anthropic/cost_report.json')],
      [fixture('anthropic/usage_report_messages.json')],
    ]);
    const usageFirst = await state([
      [fixture('anthropic/usage_report_messages.json')],
      [fixture('anthropic/cost_report.json')],
    ]);
    expect(costFirst).toEqual(usageFirst);
    expect(costFirst[0]!.cq).toBe('1500.000000000000000000');
  });
});
