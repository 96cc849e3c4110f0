// Commitment balances (docs/data-model.md#token-lifecycle): derived from the stored rows, for bundles of the
// commitments source and for the FOCUS spec's virtual-currency examples, with the daily series a forecast reads.
import { afterAll, describe, expect, it } from 'vitest';
import { type CommitmentBalance, commitmentBalances } from '../../src/analysis/commitments.js';
import { fixture, ingestInto, tmpHome } from '../helpers/home.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups) c();
});
async function balances(files: string[], asOf?: string): Promise<CommitmentBalance[]> {
  const { home, cleanup } = tmpHome();
  cleanups.push(cleanup);
  await ingestInto(home, files, { account: 'org-1' });
  return commitmentBalances(home, asOf);
}
const d18 = (n: string) => `${n}.000000000000000000`;

describe('a bundle burning at a steady rate', () => {
  // 1,000,000 credits for $1,000; 20 days of $20 (2000 cents) from 2025-08-01: 20,000 credits a day
  const files = [
    fixture('commitments/bundles.csv'),
    fixture('commitments/anthropic_cost_report_steady.json'),
  ];
  const anthropic = (bs: CommitmentBalance[]) => bs.find((b) => b.id === 'anthropic-2025-08')!;

  it('as far as the data reaches: 20 days, 400,000 burned, 600,000 left, 20,000 a day', async () => {
    const b = anthropic(await balances(files));
    expect(b).toMatchObject({
      origin: 'purchase',
      provider: 'Anthropic',
      unit: 'Credit',
      purchasedUnits: d18('1000000'),
      burnedUnits: d18('400000'),
      balance: d18('600000'),
      validFrom: '2025-08-01T00:00:00Z',
      validTo: '2025-09-01T00:00:00Z',
      // the last bucket, 2025-08-20, ends 2025-08-21
      asOf: '2025-08-21T00:00:00Z',
      status: 'active',
      historyDays: 20,
      burnRate7d: d18('20000'),
      // 30 days asked, 20 of history: 400,000 / 20
      burnRate30d: d18('20000'),
    });
    expect(b.series).toHaveLength(20);
    expect(b.series[0]).toEqual({ day: '2025-08-01', units: d18('20000') });
    expect(b.series.every((s) => s.units === d18('20000'))).toBe(true);
  });

  it('as of a given time: only the burn before it, the days after it count as history without burn', async () => {
    // before 2025-08-11: 10 days x 20,000
    const b = anthropic(await balances(files, '2025-08-11T00:00:00Z'));
    expect(b).toMatchObject({ burnedUnits: d18('200000'), balance: d18('800000'), historyDays: 10 });
    // on 2025-08-31: 31 days of history, the last 11 without burn; 7-day rate 0, 30-day rate 380,000 / 30
    const late = anthropic(await balances(files, '2025-08-31T12:00:00Z'));
    expect(late.historyDays).toBe(31);
    expect(late.burnRate7d).toBe(d18('0'));
    expect(late.burnRate30d).toBe('12666.666666666666666667');
    expect(late.series.at(-1)).toEqual({ day: '2025-08-31', units: d18('0') });
    // after the validity: expired with its balance
    const after = anthropic(await balances(files, '2025-10-01'));
    expect(after).toMatchObject({ status: 'expired', historyDays: 31, balance: d18('600000') });
  });
});

describe('the FOCUS spec virtual-currency examples (fixtures/focus/spec12_virtual_currency_*.csv)', () => {
  const spec = (...names: string[]) => names.map((n) => fixture(`focus/spec12_virtual_currency_${n}.csv`));
  const summary = (bs: CommitmentBalance[]) =>
    bs.map((b) => ({ id: b.id, purchased: b.purchasedUnits, burned: b.burnedUnits, balance: b.balance }));

  it('a1: a purchase of 100,000 tokens (BilledCost 200,000 at 2 USD a token), nothing burned yet', async () => {
    const bs = await balances(spec('a1'));
    expect(summary(bs)).toEqual([
      { id: 'abcde', purchased: d18('100000'), burned: d18('0'), balance: d18('100000') },
    ]);
    expect(bs[0]).toMatchObject({
      origin: 'focus',
      unit: 'Token',
      provider: 'ACMECORP',
      billingAccountId: '12345',
    });
  });

  it('a2: burn rows alone name no purchase, so there is no balance', async () => {
    expect(await balances(spec('a2'))).toEqual([]);
  });

  it('a1 + a2: 245 + 10 + 360 = 615 tokens burned on 2025-04-01, 99,385 left', async () => {
    const bs = await balances(spec('a1', 'a2'));
    expect(summary(bs)).toEqual([
      { id: 'abcde', purchased: d18('100000'), burned: d18('615'), balance: d18('99385') },
    ]);
    expect(bs[0]!.series).toEqual([{ day: '2025-04-01', units: d18('615') }]);
  });

  it('b1 + b2: the discounted purchase (100,000 tokens for 100,000 USD) burns the same 615 tokens', async () => {
    const bs = await balances(spec('b1', 'b2'));
    expect(summary(bs)).toEqual([
      { id: 'abcde', purchased: d18('100000'), burned: d18('615'), balance: d18('99385') },
    ]);
    expect(bs[0]!.amountPaid).toBe(d18('100000'));
  });

  it('b1 + b3: the modified burn rate makes the workflow 2 tokens a unit: 245 + 10 + 240 = 495, 99,505 left', async () => {
    const bs = await balances(spec('b1', 'b3'));
    expect(summary(bs)).toEqual([
      { id: 'abcde', purchased: d18('100000'), burned: d18('495'), balance: d18('99505') },
    ]);
  });

  it('c: the top-up of 25,000 tokens; the overage purchase pays for past usage and has no balance', async () => {
    // adefy: 1,500 tokens for 2025-04-01..10-01, billed in the 2025-10 period after that window closed
    const bs = await balances(spec('c'));
    expect(summary(bs)).toEqual([
      { id: 'hjklz', purchased: d18('25000'), burned: d18('0'), balance: d18('25000') },
    ]);
    expect(bs[0]).toMatchObject({ validFrom: '2025-10-01T00:00:00Z', validTo: '2026-04-01T00:00:00Z' });
  });
});
