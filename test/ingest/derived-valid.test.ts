// Everything aicost derives passes FOCUS 1.3 validation; carried-over input findings are reported as such.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { attachViews } from '../../src/analysis/views.js';
import { validateRelation } from '../../src/focus/validate.js';
import { withDb } from '../../src/store/duckdb.js';
import { fixture, ingestInto, tmpHome } from '../helpers/home.js';

const { home, cleanup } = tmpHome();
beforeAll(async () => {
  await ingestInto(
    home,
    ['openai', 'anthropic', 'litellm', 'focus'].map((d) => fixture(d)),
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
