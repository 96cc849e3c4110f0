// Everything aicost derives passes FOCUS 1.3 validation; carried-over input findings are reported as such. The home
// holds prepaid bundles too (fixtures/commitments): their Purchase rows, the burn rows they make of the OpenAI and
// Anthropic cost reports (one of them burned up to an exhausted balance) and their Contract Commitment rows.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { validate } from '../../src/analysis/validate.js';
import { attachViews } from '../../src/analysis/views.js';
import { validateRelation } from '../../src/focus/validate.js';
import { withDb } from '../../src/store/duckdb.js';
import { fixture, ingestInto, one, tmpHome } from '../helpers/home.js';

const { home, cleanup } = tmpHome();
beforeAll(async () => {
  await ingestInto(
    home,
    ['openai', 'anthropic', 'litellm', 'focus', 'commitments'].map((d) => fixture(d)),
    { account: 'org-1' },
  );
});
afterAll(cleanup);

it('validate --view focus: no derived row breaks a MUST rule; the FOCUS 1.0 sample findings are carried over', async () => {
  const report = await withDb({}, async (db) => {
    await attachViews(db, home);
    return validateRelation(db, 'focus', { version: '1.3' });
  });
  const failures = report.results.filter((r) => r.status === 'fail');
  expect(failures.filter((r) => r.derived > 0).map((r) => r.id)).toEqual([]);
  expect(report.totals.derivedViolations).toBe(0);
  expect(report.totals.carriedViolations).toBeGreaterThan(0);
  expect(report.exitCode).toBe(0);
});

it('the validated rows include purchase, burn and partly burned rows', async () => {
  const n = await one<Record<string, string>>(
    home,
    `SELECT count(*) FILTER (WHERE x_CostSource = 'purchase')::VARCHAR AS purchases,
       count(*) FILTER (WHERE x_CostSource = 'cost-report' AND ContractApplied IS NOT NULL)::VARCHAR AS burns,
       count(*) FILTER (WHERE ContractApplied IS NOT NULL AND BilledCost > 0 AND x_CostSource = 'cost-report')::VARCHAR AS partial
     FROM focus`,
  );
  expect(Number(n.purchases)).toBe(2);
  expect(Number(n.burns)).toBeGreaterThan(20);
  expect(Number(n.partial)).toBeGreaterThan(0);
});

it('validate --view commitments: the Contract Commitment rows break no rule', async () => {
  const report = await validate({ view: 'commitments', home });
  // the two prepaid bundles, and the two commitment discounts of the FOCUS samples (derived from their rows)
  expect(report.rows).toBe(4);
  const bySource = await one<Record<string, string>>(
    home,
    `SELECT count(*) FILTER (WHERE x_SourceId = 'commitments')::VARCHAR AS bundles,
       count(*) FILTER (WHERE x_SourceId = 'focus' AND ContractCommitmentType = 'Savings Plan')::VARCHAR AS plans
     FROM commitments`,
  );
  expect(bySource).toEqual({ bundles: '2', plans: '1' });
  expect(report.results.filter((r) => r.status === 'fail' || r.status === 'warning')).toEqual([]);
  expect(report.results.filter((r) => r.status === 'pass').length).toBeGreaterThan(50);
  // the dataset's own rules, and only the attributes it must conform to
  expect(report.results.every((r) => /^(CCT-|ColumnHandling-|NullHandling-)/.test(r.id))).toBe(true);
  expect(report.exitCode).toBe(0);
});
