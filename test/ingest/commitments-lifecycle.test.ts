// Prepaid bundles over time (docs/data-model.md#token-lifecycle): a bundle that runs out mid-row, a bundle replaced
// across billing periods, forget, the allocations a burn makes stale, bad bundle files, and validate on the result.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allocate } from '../../src/analysis/allocate/run.js';
import { commitmentBalances } from '../../src/analysis/commitments.js';
import type { InputError } from '../../src/errors.js';
import { forget } from '../../src/ingest/forget.js';
import { fixture, ingestInto, one, q, scratchHomes } from '../helpers/home.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'aicost.js');
const BUNDLES = fixture('commitments/bundles.csv');
const ANTHROPIC = fixture('anthropic/cost_report.json');
const OPENAI = fixture('commitments/openai_costs_exhausted.json');
const home = scratchHomes(afterAll);

type Row = Record<string, string | null>;
const SUMS = `SUM(BilledCost)::VARCHAR AS billed, SUM(EffectiveCost)::VARCHAR AS effective`;

describe('a bundle that runs out', () => {
  // openai-2025-q3: 250,000 credits for $200 ($0.0008 a credit); $90 a day = 112,500 credits
  it('burns up to the balance: the row that outruns it is billed the rest, later usage is billed', async () => {
    const h = home();
    await ingestInto(h, [BUNDLES, OPENAI], { account: 'org-1' });
    const later = join(h, 'sep-04.json');
    writeFileSync(later, JSON.stringify(dayPage(1756944000, 90)));
    await ingestInto(h, [later], { account: 'org-1' });
    const rows = await q<Row>(
      h,
      `SELECT ChargePeriodStart::DATE::VARCHAR AS d, BilledCost::VARCHAR AS bc, PricingCurrency AS pc,
        PricingCurrencyEffectiveCost::VARCHAR AS units,
        json_extract_string(ContractApplied, '$.Elements[0].ContractCommitmentAppliedCost') AS paid
       FROM focus WHERE x_SourceId = 'openai-costs' ORDER BY 1`,
    );
    expect(rows).toEqual([
      {
        d: '2025-09-01',
        bc: '0.000000000000000000',
        pc: 'Credit',
        units: '112500.000000000000000000',
        paid: '90.0',
      },
      {
        d: '2025-09-02',
        bc: '0.000000000000000000',
        pc: 'Credit',
        units: '112500.000000000000000000',
        paid: '90.0',
      },
      // 250,000 - 225,000 = 25,000 credits left = $20; $90 - $20 = $70 billed
      {
        d: '2025-09-03',
        bc: '70.000000000000000000',
        pc: 'Credit',
        units: '25000.000000000000000000',
        paid: '20.0',
      },
      { d: '2025-09-04', bc: '90.000000000000000000', pc: 'USD', units: '90.000000000000000000', paid: null },
    ]);
    const [b] = (await commitmentBalances(h)).filter((c) => c.id === 'openai-2025-q3');
    expect(b).toMatchObject({ burnedUnits: '250000.000000000000000000', balance: '0.000000000000000000' });
    expect(b!.status).toBe('exhausted');
  });
});

describe('replacement and forget', () => {
  it('a later file with the same bundle id replaces it, even in another billing period; burn follows', async () => {
    const h = home();
    await ingestInto(h, [BUNDLES, ANTHROPIC], { account: 'org-1' });
    const moved = join(h, 'moved.csv');
    writeFileSync(
      moved,
      'bundle_id,provider,purchased_units,unit,amount_paid,currency,valid_from,valid_to\n' +
        'anthropic-2025-08,anthropic,1000000,Credit,1000.00,USD,2025-06-01,2025-07-01\n',
    );
    const r = await ingestInto(h, [moved], { account: 'org-1' });
    expect(r.files[0]!.replaced).toBe(1);
    const p = await q<Row>(
      h,
      `SELECT ChargePeriodStart::VARCHAR AS s FROM focus WHERE ResourceId = 'anthropic-2025-08'`,
    );
    expect(p).toEqual([{ s: '2025-06-01 00:00:00+00' }]);
    // August usage is no longer covered: billed again, in dollars
    const c = await one<Row>(
      h,
      `SELECT BilledCost::VARCHAR AS bc, PricingCurrency AS pc, ContractApplied FROM focus WHERE x_SourceId = 'anthropic-cost'`,
    );
    expect(c).toEqual({ bc: '1.237891200000000000', pc: 'USD', ContractApplied: null });
  });

  it('allocations of rows a bundle starts to pay for are dropped: their split no longer adds up', async () => {
    const h = home();
    await ingestInto(h, [fixture('allocation')], { account: 'org-1' });
    await allocate({
      home: h,
      keys: ['feature'],
      method: 'x-token-cost-v1',
      period: { from: null, to: null },
    });
    expect(Number((await one<Row>(h, 'SELECT count(*)::VARCHAR AS n FROM allocated')).n)).toBeGreaterThan(0);
    await ingestInto(h, [BUNDLES], { account: 'org-1' });
    expect(await q(h, 'SELECT * FROM allocated')).toEqual([]);
    // the attributed view still holds every charge once: the purchases billed, the burned rows at their cost
    const a = await one<Row>(h, `SELECT ${SUMS} FROM attributed`);
    expect(a).toEqual({ billed: '1200.000000000000000000', effective: '0.275147500000000000' });
  });

  it('forgetting the bundles restores the cost report and empties commitments/', async () => {
    const h = home();
    await ingestInto(h, [BUNDLES, ANTHROPIC], { account: 'org-1' });
    await forget({ home: h, source: 'commitments' });
    const c = await one<Row>(h, `SELECT ${SUMS}, any_value(PricingCurrency) AS pc FROM focus`);
    expect(c).toEqual({ billed: '1.237891200000000000', effective: '1.237891200000000000', pc: 'USD' });
    expect(await q(h, 'SELECT * FROM commitments')).toEqual([]);
  });
});

describe('aicost validate (the built CLI: npm run build first)', () => {
  it('--view commitments and --view focus pass on the derived rows', async () => {
    const h = home();
    await ingestInto(h, [BUNDLES, ANTHROPIC, OPENAI], { account: 'org-1' });
    for (const view of ['commitments', 'focus']) {
      const r = spawnSync(
        process.execPath,
        [BIN, '--data', h, 'validate', '--view', view, '--format', 'json'],
        {
          encoding: 'utf8',
        },
      );
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout) as { rows: number; totals: { fail: number; warning: number } };
      expect(report.totals).toMatchObject({ fail: 0, warning: 0 });
      expect(report.rows).toBe(view === 'commitments' ? 2 : 2 + 1 + 3);
    }
  });
});

describe('bad bundle files', () => {
  const bad = async (line: string) => {
    const h = home();
    const f = join(h, 'bad.csv');
    writeFileSync(
      f,
      `bundle_id,provider,purchased_units,unit,amount_paid,currency,valid_from,valid_to\n${line}\n`,
    );
    return ingestInto(h, [f]).then(
      () => 'ingested',
      (e: InputError) => `${e.location.column}: ${e.message}`,
    );
  };
  it('are input errors naming the column', async () => {
    expect(await bad('b1,openai,100,Credit,10,USD,2025-08-01,2025-07-01')).toMatch(
      /valid_to.*not after valid_from/,
    );
    expect(await bad('b1,openai,0,Credit,10,USD,2025-08-01,2025-09-01')).toMatch(/purchased_units/);
    expect(await bad('b1,openai,100,Credit,0,USD,2025-08-01,2025-09-01')).toMatch(/amount_paid/);
    expect(await bad('b1,openai,100,Credit,10,dollars,2025-08-01,2025-09-01')).toMatch(/currency/);
    expect(
      await bad(
        'b1,openai,100,Credit,10,USD,2025-08-01,2025-09-01\nb1,openai,5,Credit,1,USD,2025-08-01,2025-09-01',
      ),
    ).toMatch(/bundle_id.*more than once/);
  });
});

/** One OpenAI costs bucket of `usd` dollars for gpt-4o input, starting at `start` (unix seconds). */
function dayPage(start: number, usd: number) {
  return {
    object: 'page',
    data: [
      {
        object: 'bucket',
        start_time: start,
        end_time: start + 86400,
        results: [
          {
            object: 'organization.costs.result',
            amount: { value: usd, currency: 'usd' },
            line_item: 'gpt-4o-2024-08-06, input',
            project_id: 'proj_abc',
            api_key_id: null,
            quantity: usd * 400000,
            quantity_unit: 'tokens',
          },
        ],
      },
    ],
    has_more: false,
  };
}
