// Long-context and service-tier prices applied per request (fixtures/prices/tiers/ORIGIN.md has every expected
// estimate with its formula): the threshold counts input incl. cache, exactly-at-threshold stays base, a rate card row
// with a context threshold wins over the book's tier, bucket rows use the base tier unless the source names the
// context window, and the TypeScript lookup agrees with the SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usagePricedSql } from '../../src/normalize/enrich.js';
import { loadPriceBook } from '../../src/prices/book.js';
import { normalizeDecimal } from '../../src/prices/decimal.js';
import { installPriceBook, priceUsageSql, REQUEST_CONTEXT_SQL } from '../../src/prices/sql.js';
import { Db } from '../../src/store/duckdb.js';
import { fixture, ingestInto, q, scratchHomes } from '../helpers/home.js';

const DIR = fixture('prices', 'tiers');
const scratch = scratchHomes(afterAll);

// biome-ignore format: a table
const BOOK: Record<string, string> = {
  'gemini-250k': '0.64', // the issue's example: was 0.3225 at the base tier
  'gemini-200k-exact': '0.26',
  'sonnet4-210k': '1.2825', // was 0.645 (half) at the base tier
  'sonnet4-cache-counts': '0.1995',
  'sonnet4-short': '0.045',
  'sonnet4-batch-250k': '0.76125',
  'bedrock-us-sonnet45-250k': '1.67475',
  'gpt56-priority-300k': '3.0045',
  'gpt56-flex-short': '0.004',
  'o3-flex': '0.005',
};
const WITH_CARD = { ...BOOK, 'sonnet4-210k': '1.15425', 'sonnet4-cache-counts': '0.19125' };

async function estimates(home: string): Promise<Record<string, string>> {
  const rows = await q<{ id: string; c: string }>(
    home,
    'SELECT request_id AS id, cost_estimate::VARCHAR AS c FROM usage WHERE unpriced IS NULL',
  );
  return Object.fromEntries(rows.map((r) => [r.id, normalizeDecimal(r.c)]));
}

async function perTeam(home: string): Promise<Record<string, string>> {
  const rows = await q<{ t: string; c: string }>(
    home,
    `SELECT tags->>'team' AS t, SUM(cost_estimate)::VARCHAR AS c FROM usage GROUP BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.t, r.c]));
}

describe('long-context and service-tier prices per request', () => {
  let book: string;
  let card: string;
  beforeAll(async () => {
    book = scratch();
    card = scratch();
    await ingestInto(book, [`${DIR}/gateway.csv`]);
    await ingestInto(card, [`${DIR}/gateway.csv`], { rateCard: `${DIR}/rate-card.yaml` });
  });

  it('prices each request at the tier its input incl. cache reaches (book)', async () => {
    expect(await estimates(book)).toEqual(BOOK);
    // the per-team estimate (the token-cost allocation basis at model+day levels) carries the tiers
    expect(await perTeam(book)).toEqual({
      research: '7.623000000000000000',
      support: '0.253500000000000000',
    });
  });

  it("applies a rate card row's context threshold over the book's long-context price", async () => {
    expect(await estimates(card)).toEqual(WITH_CARD);
    expect(await perTeam(card)).toEqual({
      research: '7.494750000000000000',
      support: '0.245250000000000000',
    });
  });
});

describe('tier selection in SQL and TypeScript', () => {
  let db: Db;
  const bookData = loadPriceBook();
  beforeAll(async () => {
    db = await Db.open();
    await installPriceBook(db, bookData);
  });
  afterAll(() => db?.close());

  // provider, model, service tier, uncached input, cache read, cache write 5m, output, grain, tags
  const ROWS = `SELECT * FROM (VALUES
      ('a', 'anthropic', 'claude-sonnet-4-20250514', NULL, 150000, 40000, 20000, 1000, 'request', NULL),
      ('b', 'anthropic', 'claude-sonnet-4-20250514', NULL, 300000, 0, 0, 1000, 'bucket', '{"context_window":"200k-1M"}'),
      ('c', 'anthropic', 'claude-sonnet-4-20250514', NULL, 300000, 0, 0, 1000, 'bucket', '{"context_window":"0-200k"}'),
      ('d', 'anthropic', 'claude-sonnet-4-20250514', NULL, 300000, 0, 0, 1000, 'bucket', NULL),
      ('e', 'openai', 'gpt-5.6', 'flex', 1000, 500, 271000, 10, 'request', NULL)
    ) AS t(request_id, provider, model_raw, service_tier, "input", cache_read, cache_write_5m, output, grain, tags)`;
  const typed = `SELECT request_id, provider, model_raw, service_tier, TIMESTAMPTZ '2026-08-01 00:00:00+00' AS "timestamp",
      "input"::BIGINT AS "input", cache_read::BIGINT AS cache_read, cache_write_5m::BIGINT AS cache_write_5m,
      0::BIGINT AS cache_write_1h, 0::BIGINT AS cache_write, output::BIGINT AS output, NULL::BIGINT AS images,
      NULL::DECIMAL(38,18) AS audio_seconds, NULL::BIGINT AS characters, NULL::BIGINT AS tool_calls,
      NULL::DECIMAL(38,18) AS other_quantity, grain, tags::JSON AS tags FROM (${ROWS})`;

  it('prices bucket rows at the base tier unless the source names a 200k+ context window', async () => {
    const rows = await db.all<{ request_id: string; c: string }>(
      `SELECT request_id, cost_estimate::VARCHAR AS c FROM (${usagePricedSql(typed)}) ORDER BY 1`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.request_id, r.c]))).toEqual({
      // 210000 incl. cache: 150000 x 6 + 40000 x 0.6 + 20000 x 7.5 + 1000 x 22.5 (per 1M)
      a: '1.096500000000000000',
      // Anthropic's usage report says 200k-1M: 300000 x 6 + 1000 x 22.5
      b: '1.822500000000000000',
      // a bucket sums many requests: base tier. 300000 x 3 + 1000 x 15
      c: '0.915000000000000000',
      d: '0.915000000000000000',
      // 272500 > 272000 but flex has no long-context price: the standard >272k prices (LiteLLM's order)
      // 1000 x 10 + 500 x 1 + 271000 x 12.5 + 10 x 45
      e: '3.398450000000000000',
    });
  });

  it('without a context expression every row is priced at the base tier (aggregates)', async () => {
    const r = await db.one<{ c: string }>(
      `SELECT cost_estimate::VARCHAR AS c FROM (${priceUsageSql(`(${typed})`)}) WHERE request_id = 'a'`,
    );
    // 150000 x 3 + 40000 x 0.3 + 20000 x 3.75 + 1000 x 15
    expect(r?.c).toBe('0.552000000000000000');
    const t = await db.one<{ c: string }>(
      `SELECT cost_estimate::VARCHAR AS c FROM (${priceUsageSql(`(${typed})`, { context: REQUEST_CONTEXT_SQL })}) WHERE request_id = 'a'`,
    );
    expect(t?.c).toBe('1.096500000000000000');
  });

  it('agrees with the TypeScript lookup at, below and above each threshold', () => {
    const at = new Date('2026-08-01T00:00:00Z');
    const p = (
      model: string,
      unit: 'input' | 'output' | 'cache_write',
      ctx: number,
      tier: string | null = null,
    ) => bookData.lookup(null, model, unit, at, tier, ctx)?.price ?? null;
    expect(p('gemini-2.5-pro', 'input', 200000)).toBe('0.00000125');
    expect(p('gemini-2.5-pro', 'input', 200001)).toBe('0.0000025');
    expect(p('claude-sonnet-4-20250514', 'output', 210000, 'batch')).toBe('0.00001125');
    expect(p('gpt-5.6', 'cache_write', 272001, 'priority')).toBe('0.0000125');
    expect(p('gpt-5.6', 'output', 272001, 'priority')).toBe('0.000045');
    expect(p('gpt-5.6', 'output', 272000, 'priority')).toBe('0.00006');
  });
});
