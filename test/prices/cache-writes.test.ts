// OpenAI-shape cache writes (LiteLLM's usage_object.prompt_tokens_details.cache_write_tokens / cache_creation_tokens,
// inside prompt_tokens) leave input and are priced per model: at the published write price (gpt-5.6), at the input
// price where OpenAI charges no surcharge (gpt-4o-mini). Expected values: fixtures/prices/cache-writes/ORIGIN.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestReport } from '../../src/ingest/ingest.js';
import { fixture, ingestInto, q, scratchHomes } from '../helpers/home.js';

const scratch = scratchHomes(afterAll);
type Row = Record<string, string | null>;

describe('OpenAI-shape cache writes from LiteLLM', () => {
  let home: string;
  let report: IngestReport;
  let rows: Record<string, Row>;
  beforeAll(async () => {
    home = scratch();
    report = await ingestInto(home, [fixture('prices', 'cache-writes', 'spendlogs.csv')]);
    const all = await q<Row>(
      home,
      `SELECT request_id, service_tier, input::VARCHAR i, cache_read::VARCHAR cr, cache_write::VARCHAR w,
        cache_write_5m::VARCHAR w5, output::VARCHAR o, cost_estimate::VARCHAR c, unpriced FROM usage`,
    );
    rows = Object.fromEntries(all.map((r) => [r.request_id!, r]));
  });

  it('takes the writes out of input and prices them at the model write price (was 20 % low)', () => {
    expect(rows['gpt56-openai-shape']).toMatchObject({ i: '3', cr: '0', w: '12314', w5: '0', o: '5' });
    // 3 x 5 + 12314 x 6.25 + 5 x 30 per 1M; with the writes left in input it was 0.061735 (0.8 of this)
    expect(rows['gpt56-openai-shape']!.c).toBe('0.077127500000000000');
  });

  it('prices writes at the input price on a model without a write surcharge (priced, never unpriced)', () => {
    expect(rows['gpt4o-mini-openai-shape']).toMatchObject({ i: '5000', cr: '2000', w: '3000', o: '100' });
    expect(rows['gpt4o-mini-openai-shape']).toMatchObject({ c: '0.001410000000000000', unpriced: null });
  });

  it('counts writes reported in both shapes once, keeping the TTL split', () => {
    expect(rows['sonnet4-both-shapes']).toMatchObject({ i: '300', cr: '1000', w: '0', w5: '4000', o: '200' });
    expect(rows['sonnet4-both-shapes']!.c).toBe('0.019200000000000000');
  });

  it('carries the service tier column and prices the flex tier (cache_creation_tokens spelling)', () => {
    expect(rows['gpt56-flex-column']).toMatchObject({ service_tier: 'flex', i: '500', cr: '1000', w: '500' });
    expect(rows['gpt56-flex-column']!.c).toBe('0.003212500000000000');
  });

  it('reconciles prompt tokens incl. cache exactly and leaves nothing unpriced', async () => {
    const rec = report.files[0]!.reconciliation.find((m) => m.measure.startsWith('input tokens'));
    expect(rec).toMatchObject({ source: '29617', stored: '29617' });
    expect(report.files[0]!.warnings).toEqual([]);
    const [t] = await q<Row>(home, 'SELECT SUM(cost_estimate)::VARCHAR s FROM usage');
    expect(t!.s).toBe('0.100950000000000000');
  });
});
