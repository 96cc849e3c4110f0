import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPriceBook } from '../../src/prices/book.js';
import { normalizeDecimal } from '../../src/prices/decimal.js';
import { normalizeProvider, normalizeProviderSql } from '../../src/prices/names.js';
import { installPriceBook, priceUsageSql } from '../../src/prices/sql.js';
import { Db } from '../../src/store/duckdb.js';

let db: Db;

const USAGE_DDL = `CREATE TEMP TABLE usage_in (
  request_id VARCHAR, provider VARCHAR, model_raw VARCHAR, timestamp TIMESTAMPTZ, service_tier VARCHAR,
  input BIGINT, cache_read BIGINT, cache_write_5m BIGINT, cache_write_1h BIGINT, cache_write BIGINT, output BIGINT,
  images BIGINT, audio_seconds DECIMAL(38,18), characters BIGINT, tool_calls BIGINT)`;

// request_id, provider, model_raw, timestamp, service_tier, input, cache_read, cache_write_5m, cache_write_1h,
// cache_write, output, images, audio_seconds, characters, tool_calls
// biome-ignore format: one usage row per line reads as a table
const ROWS: (string | number | null)[][] = [
  // 1,000 input x 3e-6 + 2,000 cache read x 3e-7 + 100 5m-write x 3.75e-6 + 50 1h-write x 6e-6 + 500 output x 1.5e-5
  ['sonnet', 'anthropic', 'claude-sonnet-4-20250514', '2025-08-01 10:00:00+00', null, 1000, 2000, 100, 50, null, 500, null, null, null, null],
  // gpt-4o-mini bills cache writes as input (no surcharge): 3000 x 1.5e-7 + 1800 x 7.5e-8 + 200 x 1.5e-7 + 100 x 6e-7
  ['mini-cw', 'openai', 'gpt-4o-mini', '2024-11-01 00:00:00+00', 'default', 3000, 1800, null, null, 200, 100, null, null, null, null],
  ['mini', 'openai', 'openai/gpt-4o-mini-2024-07-18', '2024-11-01 00:00:00+00', 'default', 3000, 1800, null, null, 0, 100, null, null, null, null],
  // gpt-5-pro has no cached-input price: the row is unpriced, not cheaper.
  ['pro-cr', 'openai', 'gpt-5-pro', '2025-11-01 00:00:00+00', null, 1000, 500, null, null, null, 100, null, null, null, null],
  ['unknown', 'openai', 'my-finetune', '2024-11-01 00:00:00+00', null, 10, null, null, null, null, 5, null, null, null, null],
  ['batch', 'openai', 'gpt-4o-mini', '2025-01-01 00:00:00+00', 'batch', 1000000, null, null, null, null, 1000000, null, null, null, null],
  ['o3-old', 'openai', 'o3', '2025-05-01 00:00:00+00', null, 1000, null, null, null, null, 1000, null, null, null, null],
  ['o3-new', 'openai', 'o3', '2025-06-10 00:00:00+00', null, 1000, null, null, null, null, 1000, null, null, null, null],
  ['bedrock-us', 'bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', '2025-10-01 00:00:00+00', null, 1000, null, null, null, 10, 100, null, null, null, null],
  ['whisper', 'openai', 'whisper-1', '2024-11-01 00:00:00+00', null, null, null, null, null, null, null, null, '10.5', null, null],
  ['no-provider', null, 'gpt-4o', '2024-11-01 00:00:00+00', null, 1000, null, null, null, null, null, null, null, null, null],
  ['empty', 'groq', 'llama3-8b-8192', '2024-11-01 00:00:00+00', null, 0, null, null, null, null, null, null, null, null, null],
];

beforeAll(async () => {
  db = await Db.open();
  await installPriceBook(db, loadPriceBook());
  await db.run(USAGE_DDL);
  const placeholders = ROWS[0]!.map(() => '?').join(', ');
  for (const row of ROWS) await db.run(`INSERT INTO usage_in VALUES (${placeholders})`, row);
});
afterAll(() => db?.close());

interface Priced {
  request_id: string;
  model: string;
  cost_estimate: string | null;
  unpriced: string | null;
}

async function priced(): Promise<Record<string, Priced>> {
  const rows = await db.all<Priced>(
    `SELECT request_id, model, cost_estimate::VARCHAR AS cost_estimate, unpriced FROM (${priceUsageSql('usage_in')})`,
  );
  return Object.fromEntries(rows.map((r) => [r.request_id, r]));
}

describe('priceUsageSql', () => {
  it('prices each class at request time with exact decimals', async () => {
    const r = await priced();
    expect(r.sonnet).toEqual({
      request_id: 'sonnet',
      model: 'claude-sonnet-4-20250514',
      cost_estimate: '0.011775000000000000',
      unpriced: null,
    });
    expect(r.mini).toMatchObject({
      model: 'gpt-4o-mini-2024-07-18',
      cost_estimate: '0.000645000000000000',
      unpriced: null,
    });
    expect(r.batch).toMatchObject({ cost_estimate: '0.375000000000000000', unpriced: null });
    expect(r['o3-old']).toMatchObject({ model: 'o3-2025-04-16', cost_estimate: '0.050000000000000000' });
    expect(r['o3-new']).toMatchObject({ model: 'o3-2025-04-16', cost_estimate: '0.010000000000000000' });
    expect(r.whisper).toMatchObject({ cost_estimate: '0.001050000000000000', unpriced: null });
  });

  it('never prices unknown tokens at 0', async () => {
    const r = await priced();
    // mini-cw was unpriced ('cache_write') under the old blanket "no OpenAI cache-write price" rule: wrong for
    // gpt-4o-mini, whose cache writes OpenAI bills as input (per-model rule, prices/book.yaml)
    expect(r['mini-cw']).toMatchObject({
      model: 'gpt-4o-mini-2024-07-18',
      cost_estimate: '0.000675000000000000',
      unpriced: null,
    });
    expect(r['pro-cr']).toMatchObject({
      model: 'gpt-5-pro-2025-10-06',
      cost_estimate: null,
      unpriced: 'cache_read',
    });
    expect(r.unknown).toMatchObject({ model: 'my-finetune', cost_estimate: null, unpriced: 'input,output' });
    // Nothing consumed: nothing to price.
    expect(r.empty).toMatchObject({
      model: 'llama3-8b-8192',
      cost_estimate: '0.000000000000000000',
      unpriced: null,
    });
  });

  it('uses Bedrock profile prices and resolves provider-less ids', async () => {
    const r = await priced();
    // us. profile: 1,000 x 3.3e-6 + 10 cache_write (5m price 4.125e-6) + 100 x 1.65e-5
    expect(r['bedrock-us']).toMatchObject({
      model: 'claude-sonnet-4-5-20250929',
      cost_estimate: '0.004991250000000000',
    });
    expect(r['no-provider']).toMatchObject({
      model: 'gpt-4o-2024-08-06',
      cost_estimate: '0.002500000000000000',
    });
  });

  it('keeps every input column and adds model, cost_estimate, unpriced', async () => {
    const cols = await db.describe(`(${priceUsageSql('usage_in')})`);
    expect(cols.map((c) => c.name)).toEqual([
      'request_id',
      'provider',
      'model_raw',
      'timestamp',
      'service_tier',
      'input',
      'cache_read',
      'cache_write_5m',
      'cache_write_1h',
      'cache_write',
      'output',
      'images',
      'audio_seconds',
      'characters',
      'tool_calls',
      'model',
      'cost_estimate',
      'unpriced',
    ]);
    expect(cols.find((c) => c.name === 'cost_estimate')?.type).toBe('DECIMAL(38,18)');
  });

  it('agrees with the TypeScript lookup', async () => {
    const book = loadPriceBook();
    const rows = await db.all<{ input: string | null; output: string | null }>(
      `SELECT input::VARCHAR AS input, output::VARCHAR AS output FROM price_lookup
       WHERE provider = 'openai' AND alias = 'gpt-4o' AND tier = 'priority'
         AND TIMESTAMPTZ '2025-01-01 00:00:00+00' >= valid_from AND TIMESTAMPTZ '2025-01-01 00:00:00+00' < valid_to`,
    );
    expect(rows).toHaveLength(1);
    const ts = new Date('2025-01-01T00:00:00Z');
    expect(normalizeDecimal(rows[0]!.input!)).toBe(
      book.lookup('openai', 'gpt-4o', 'input', ts, 'priority')!.price,
    );
    expect(rows[0]!.output).toBe('0.000017000000000000');
  });

  it('installs model_alias and price_wide', async () => {
    const alias = await db.all(
      `SELECT provider, model FROM model_alias WHERE alias = 'us.anthropic.claude-sonnet-4-20250514-v1:0' ORDER BY provider NULLS LAST`,
    );
    expect(alias).toEqual([
      { provider: 'aws-bedrock', model: 'claude-sonnet-4-20250514' },
      { provider: null, model: 'claude-sonnet-4-20250514' },
    ]);
    const wide = await db.all<Record<string, string | null>>(
      `SELECT valid_from::VARCHAR AS valid_from, input::VARCHAR AS input, cache_write::VARCHAR AS cache_write,
              cache_write_5m::VARCHAR AS cache_write_5m, output::VARCHAR AS output
       FROM price_wide WHERE provider = 'openai' AND model = 'gpt-4o-mini-2024-07-18' AND service_tier IS NULL`,
    );
    expect(wide).toEqual([
      {
        valid_from: '2024-07-18',
        input: '0.000000150000000000',
        // was null: cache writes are billed as input on this model (see 'never prices unknown tokens at 0')
        cache_write: '0.000000150000000000',
        cache_write_5m: '0.000000150000000000',
        output: '0.000000600000000000',
      },
    ]);
  });
});

describe('normalizeProvider', () => {
  const raws = [
    'OpenAI',
    'anthropic',
    'gemini',
    'vertex_ai',
    'Bedrock',
    'aws.bedrock',
    'azure',
    'az.ai.openai',
    'mistralai',
    'Self-Hosted',
    ' ',
    null,
  ];

  it('maps gateway spellings to aicost ids', () => {
    expect(raws.map(normalizeProvider)).toEqual([
      'openai',
      'anthropic',
      'google',
      'google',
      'aws-bedrock',
      'aws-bedrock',
      'azure-openai',
      'azure-openai',
      'mistral',
      'self-hosted',
      null,
      null,
    ]);
  });

  it('has a SQL form that agrees', async () => {
    const values = raws.map((r, i) => `(${i}, ${r === null ? 'NULL::VARCHAR' : `'${r}'`})`).join(', ');
    const rows = await db.all<{ p: string | null }>(
      `SELECT ${normalizeProviderSql('raw')} AS p FROM (VALUES ${values}) AS t(i, raw) ORDER BY i`,
    );
    expect(rows.map((r) => r.p)).toEqual(raws.map(normalizeProvider));
  });
});
