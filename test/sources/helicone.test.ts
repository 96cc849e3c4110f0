// helicone: export CLI CSV (money as text, double-escaped object cells), JSONL and the query-clickhouse JSON;
// exact totals per class, tags from properties, provider spellings, required columns, bodies never stored.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'lossless-json';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { IngestReport } from '../../src/ingest/ingest.js';
import { fixture, ingestInto, one, q, tmpHome } from '../helpers/home.js';

// Until the registry lists the source (src/sources/index.ts), register it in this test file's process.

type Row = Record<string, string | null>;
const API = 'query_clickhouse_response.json';
const JSONL = 'export.jsonl';
const CSV = 'export.csv';

/** Exact decimal text (also `1.6e-7`) as an integer count of 1e-18. */
function scaled(text: string): bigint {
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`not a decimal: ${text}`);
  const exp = Number(m[3] ?? 0) - (m[2]?.length ?? 0) + 18;
  const digits = BigInt(`${m[1] || '0'}${m[2] ?? ''}`);
  return exp >= 0 ? digits * 10n ** BigInt(exp) : digits / 10n ** BigInt(-exp);
}
const fmt18 = (n: bigint) => {
  const s = n.toString().padStart(19, '0');
  return `${s.slice(0, -18)}.${s.slice(-18)}`;
};

/** The file's requests with every value as text (numbers kept exactly as written). */
function requests(file: string): Row[] {
  const text = readFileSync(fixture('helicone', file), 'utf8');
  const num = (n: string) => n;
  if (file.endsWith('.csv')) return Papa.parse<Row>(text.trim(), { header: true }).data;
  if (file.endsWith('.jsonl'))
    return text
      .trim()
      .split('\n')
      .map((l) => parse(l, null, num) as Row);
  return (parse(text, null, num) as { data: Row[] }).data;
}

/** Helicone's token columns are disjoint buckets (its cost formula prices each once): summed per class here. */
function expected(file: string) {
  const rs = requests(file);
  const sum = (cols: string[]) =>
    String(rs.reduce((s, r) => s + cols.reduce((t, c) => t + Number(r[c] || 0), 0), 0));
  const cost = rs.reduce((s, r) => {
    const c = r.cost || r.costUSD;
    return c ? s + scaled(c) : s;
  }, 0n);
  return {
    n: String(rs.length),
    input: sum(['prompt_tokens', 'prompt_audio_tokens']),
    cache_read: sum(['prompt_cache_read_tokens']),
    cache_write: sum(['prompt_cache_write_tokens']),
    output: sum(['completion_tokens', 'completion_audio_tokens']),
    source_cost: fmt18(cost),
  };
}

const TOTALS = `SELECT count(*)::VARCHAR n, SUM("input")::VARCHAR "input", SUM(cache_read)::VARCHAR cache_read,
  SUM(cache_write)::VARCHAR cache_write, SUM("output")::VARCHAR "output",
  COALESCE(SUM(source_cost), 0)::VARCHAR source_cost FROM usage`;
const totalsOf = (home: string, file: string) =>
  one<Row>(home, `${TOTALS} WHERE source_file LIKE '%${file}'`);

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe('helicone', () => {
  const { home, cleanup } = tmpHome();
  let report: IngestReport;
  beforeAll(async () => {
    report = await ingestInto(home, [fixture('helicone')]);
  });
  afterAll(cleanup);

  it('detects the CSV, the JSONL and the API response', () => {
    expect(report.files.map((f) => [basename(f.path), f.sourceId, f.status, f.rowsOut])).toEqual([
      [CSV, 'helicone', 'ingested', 5],
      [JSONL, 'helicone', 'ingested', 3],
      [API, 'helicone', 'ingested', 12],
    ]);
  });

  it('carries token totals per class and Helicone cost over exactly (independent sums)', async () => {
    for (const f of [API, JSONL, CSV]) expect(await totalsOf(home, f), f).toEqual(expected(f));
  });

  it('carries token totals per class and Helicone cost over exactly (literal values)', async () => {
    expect(await totalsOf(home, API)).toEqual({
      n: '12',
      input: '12078',
      cache_read: '2400',
      cache_write: '500',
      output: '2874',
      source_cost: '0.042839789123456700',
    });
    expect(await totalsOf(home, JSONL)).toEqual({
      n: '3',
      input: '5700',
      cache_read: '3000',
      cache_write: '2000',
      output: '430',
      source_cost: '0.018560000000000000',
    });
    // CSV cost cells are text (`1.6e-7`, 16 significant digits): never through a DOUBLE
    expect(await totalsOf(home, CSV)).toEqual({
      n: '5',
      input: '6958',
      cache_read: '0',
      cache_write: '0',
      output: '1410',
      source_cost: '0.028741814321098700',
    });
  });

  it('splits cached tokens out once: Helicone already keeps prompt_tokens uncached', async () => {
    const rows = await q<Row>(
      home,
      `SELECT request_id, input::VARCHAR i, cache_read::VARCHAR cr, cache_write::VARCHAR w, output::VARCHAR o
       FROM usage WHERE request_id IN ('8c1f0e6a-4b2d-4c1e-9f00-000000000001', '8c1f0e6a-4b2d-4c1e-9f00-000000000002',
         '8c1f0e6a-4b2d-4c1e-9f00-000000000003') ORDER BY 1`,
    );
    expect(rows).toEqual([
      // OpenAI: prompt 1000 fresh + 200 cache read (Helicone subtracted them from prompt_tokens)
      { request_id: '8c1f0e6a-4b2d-4c1e-9f00-000000000001', i: '1000', cr: '200', w: '0', o: '300' },
      // audio tokens are input and output tokens of their own bucket
      { request_id: '8c1f0e6a-4b2d-4c1e-9f00-000000000002', i: '540', cr: '0', w: '0', o: '132' },
      // Anthropic: input_tokens, cache read and cache creation reported apart
      { request_id: '8c1f0e6a-4b2d-4c1e-9f00-000000000003', i: '1700', cr: '1000', w: '500', o: '400' },
    ]);
  });

  it('normalizes both provider enums to aicost provider ids', async () => {
    const rows = await q<Row>(
      home,
      `SELECT request_id, provider, model FROM usage WHERE source_file LIKE '%${API}' ORDER BY request_id`,
    );
    const raw = Object.fromEntries(requests(API).map((r) => [r.request_id, r.provider]));
    expect(rows.map((r) => [raw[r.request_id as string], r.provider, r.model])).toEqual([
      ['OPENAI', 'openai', 'gpt-4o-mini-2024-07-18'],
      ['openai', 'openai', 'gpt-4o-2024-08-06'],
      ['ANTHROPIC', 'anthropic', 'claude-3-5-sonnet-20241022'],
      ['anthropic', 'anthropic', 'claude-sonnet-4-20250514'],
      ['AZURE', 'azure-openai', 'gpt-4o-2024-08-06'],
      ['BEDROCK', 'aws-bedrock', 'claude-3-5-sonnet-20241022'],
      ['vertex', 'google', 'gemini-2.5-flash'],
      ['google-ai-studio', 'google', 'gemini-2.0-flash-001'],
      ['GROQ', 'groq', 'llama-3.1-8b-instant'],
      // CUSTOM target: the model's maker
      ['CUSTOM', 'openai', 'gpt-4o-mini-2024-07-18'],
      ['OPENAI', 'openai', 'gpt-4o-mini-2024-07-18'],
      ['OPENAI', 'openai', 'gpt-4o-mini-2024-07-18'],
    ]);
    // the CSV has no provider column: the model's maker, or none
    const csv = await q<Row>(
      home,
      `SELECT model_raw, provider FROM usage WHERE source_file LIKE '%${CSV}' ORDER BY model_raw`,
    );
    expect(csv).toEqual([
      { model_raw: 'claude-3-5-sonnet-20241022', provider: 'anthropic' },
      { model_raw: 'gpt-4o', provider: 'openai' },
      { model_raw: 'gpt-4o-mini', provider: 'openai' },
      { model_raw: 'llama-3.1-8b-instant', provider: null },
      { model_raw: 'text-embedding-3-small', provider: 'openai' },
    ]);
  });

  it('turns custom properties into tags; session headers become session tags and the trace id', async () => {
    const r = await one<Row>(
      home,
      "SELECT tags, trace_id, status, latency_ms::VARCHAR l FROM usage WHERE request_id = '8c1f0e6a-4b2d-4c1e-9f00-000000000001'",
    );
    expect(r).toMatchObject({ trace_id: 'sess-7f3a', status: 'success', l: '1250' });
    expect(JSON.parse(r.tags as string)).toEqual({
      user: 'alice@example.com',
      session: 'sess-7f3a',
      session_name: 'deep-research',
      session_path: '/plan/search',
      Environment: 'prod',
      Feature: 'search',
    });
    // the CSV's object cells are JSON with doubly escaped quotes
    const c = await one<Row>(
      home,
      "SELECT tags, trace_id FROM usage WHERE request_id = '1d2e3f4a-5b6c-4d7e-8f90-000000000016'",
    );
    expect(c.trace_id).toBe('sess-c001');
    expect(JSON.parse(c.tags as string)).toEqual({
      user: 'alice@example.com',
      session: 'sess-c001',
      Environment: 'prod',
      Feature: 'search',
    });
    // property values are strings, numbers included
    const j = await one<Row>(
      home,
      "SELECT tags FROM usage WHERE request_id = '8c1f0e6a-4b2d-4c1e-9f00-000000000014'",
    );
    expect(JSON.parse(j.tags as string)).toEqual({ Environment: 'prod', retry: '2' });
    const failed = await one<Row>(
      home,
      "SELECT status, source_cost::VARCHAR sc FROM usage WHERE request_id = '8c1f0e6a-4b2d-4c1e-9f00-000000000012'",
    );
    expect(failed).toEqual({ status: 'failure', sc: '0.000000000000000000' });
    // no cost (unknown model) stays unknown; costUSD is the legacy alias
    const costs = await q<Row>(
      home,
      `SELECT request_id, source_cost::VARCHAR sc FROM usage
       WHERE request_id IN ('8c1f0e6a-4b2d-4c1e-9f00-000000000009', '8c1f0e6a-4b2d-4c1e-9f00-000000000010') ORDER BY 1`,
    );
    expect(costs.map((x) => x.sc)).toEqual([null, '0.000045000000000000']);
  });

  it('never stores request or response bodies', async () => {
    const secrets = [
      'HELICONE SECRET PROMPT: list every supplier',
      'HELICONE SECRET COMPLETION: the suppliers are',
      'HELICONE CSV SECRET PROMPT: draft the layoff',
      'HELICONE CSV SECRET PROMPT: compare the two merger',
    ];
    for (const s of secrets.slice(0, 2)) expect(readFileSync(fixture('helicone', API), 'utf8')).toContain(s);
    for (const s of secrets.slice(2)) expect(readFileSync(fixture('helicone', CSV), 'utf8')).toContain(s);
    for (const f of allFiles(home)) {
      const bytes = readFileSync(f).toString('utf8');
      for (const s of secrets) expect(bytes.includes(s), `${s} in ${f}`).toBe(false);
    }
    const rows = JSON.stringify(await q(home, 'SELECT * FROM usage'));
    for (const s of secrets) expect(rows.includes(s), s).toBe(false);
  });

  it('re-ingest changes nothing', async () => {
    const before = await one(home, TOTALS);
    const again = await ingestInto(home, [fixture('helicone')]);
    expect(again.files.map((f) => f.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(await one(home, TOTALS)).toEqual(before);
  });
});

describe('helicone: bad input', () => {
  const { home, cleanup } = tmpHome();
  afterAll(cleanup);
  const csv = readFileSync(fixture('helicone', CSV), 'utf8');
  const rows = Papa.parse<string[]>(csv.trim()).data;

  /** The fixture CSV without one column, written as the CLI writes it. */
  function without(column: string): string {
    const i = rows[0]!.indexOf(column);
    expect(i).toBeGreaterThanOrEqual(0);
    const keep = rows.map((r) => r.filter((_, j) => j !== i));
    const path = join(home, `without_${column}.csv`);
    writeFileSync(path, Papa.unparse(keep, { quotes: true }));
    return path;
  }

  for (const column of ['prompt_tokens', 'request_created_at', 'model']) {
    it(`a CSV without ${column} is an input error naming it`, async () => {
      const err = await ingestInto(home, [without(column)]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).message).toBe(`required column "${column}" is missing`);
      expect((err as InputError).location.column).toBe(column);
    });
  }

  it('a cost that is not a number names its column and request', async () => {
    const path = join(home, 'bad_cost.csv');
    writeFileSync(path, csv.replace('"0.0165"', '"0.01x65"'));
    const err = (await ingestInto(home, [path]).catch((e: unknown) => e)) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/not a number/);
    expect(err.location).toMatchObject({ column: 'cost', record: 3 });
  });
});
