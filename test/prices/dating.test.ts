// Prices dated right, and the unpriced warning says why (fixtures/prices/dating/ORIGIN.md): gemini-2.5-pro priced from
// its GA (2025-06-17), with cache reads unpriced until the cached-input price is known (2025-11-26); mistral-large-2407
// at its launch price (3 / 9) from 2024-07-24 until the 2024-09-17 cut (2 / 6).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestReport } from '../../src/ingest/ingest.js';
import { fixture, ingestInto, q, scratchHomes } from '../helpers/home.js';

const scratch = scratchHomes(afterAll);

describe('dated prices and unpriced reasons', () => {
  let home: string;
  let report: IngestReport;
  beforeAll(async () => {
    home = scratch();
    report = await ingestInto(home, [fixture('prices', 'dating', 'gateway.csv')]);
  });

  it('prices each request at the price valid at its time', async () => {
    const rows = await q<{ id: string; c: string | null; u: string | null }>(
      home,
      'SELECT request_id AS id, cost_estimate::VARCHAR AS c, unpriced AS u FROM usage ORDER BY 1',
    );
    expect(Object.fromEntries(rows.map((r) => [r.id, [r.c, r.u]]))).toEqual({
      'gemini-before-ga': [null, 'input,output'],
      'gemini-after-ga': ['0.002250000000000000', null],
      'gemini-after-ga-cached': [null, 'cache_read'],
      'gemini-cached-priced': ['0.002312500000000000', null],
      'mistral-large-before-launch': [null, 'input,output'],
      'mistral-large-launch-price': ['0.003900000000000000', null],
      'mistral-large-after-cut': ['0.002600000000000000', null],
      'unknown-model': [null, 'input,output'],
    });
  });

  it('says "no price valid at <time>" for a known model, not "no price-book entry"', () => {
    expect(report.files[0]!.warnings).toEqual([
      '1 usage rows unpriced (a token class without a price): gemini-2.5-pro (no cache_read price)',
      '1 usage rows unpriced (no price-book entry): my-finetune',
      '2 usage rows unpriced (model known, no price valid at the request time): gemini-2.5-pro (no price valid at 2025-05-01T09:00:00Z), mistral-large-2407 (no price valid at 2024-07-10T09:00:00Z)',
    ]);
  });
});
