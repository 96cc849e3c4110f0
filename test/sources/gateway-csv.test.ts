// gateway-csv: the documented generic CSV (tokens per class, tag.<key> columns, exact cost) and its input errors;
// then a mixed folder of trace, gateway-csv and LiteLLM inputs in one ingest.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestReport } from '../../src/ingest/ingest.js';
import { fixture, ingestInto, one, q, tmpHome } from '../helpers/home.js';

type Row = Record<string, string | null>;

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

const TOTALS = `SELECT count(*)::VARCHAR n, SUM(input)::VARCHAR i, SUM(cache_read)::VARCHAR cr,
  SUM(cache_write_5m)::VARCHAR w5, SUM(cache_write_1h)::VARCHAR w1, SUM(cache_write)::VARCHAR w,
  SUM(output)::VARCHAR o, SUM(source_cost)::VARCHAR sc FROM usage`;

describe('gateway-csv', () => {
  const { home, cleanup } = tmpHome();
  let report: IngestReport;
  beforeAll(async () => {
    report = await ingestInto(home, [fixture('gateway-csv')]);
  });
  afterAll(cleanup);

  it('detects both files and carries every token class and the cost over exactly', async () => {
    expect(report.files.map((f) => [f.sourceId, f.rowsIn, f.rowsOut])).toEqual([
      ['gateway-csv', 5, 5],
      ['gateway-csv', 3, 3],
    ]);
    expect(await one<Row>(home, `${TOTALS} WHERE source_file LIKE '%example.csv'`)).toEqual({
      n: '5',
      i: '5920',
      cr: '1200',
      w5: '500',
      w1: '2000',
      w: '350',
      o: '1280',
      // 25 significant digits: a DOUBLE would have corrupted them (docs/duckdb-notes.md#money-read-as-double)
      sc: '1234567.145876789012345678',
    });
    expect(await one<Row>(home, `${TOTALS} WHERE source_file LIKE '%extra-columns.csv'`)).toEqual({
      n: '3',
      i: '1712',
      cr: '100',
      w5: '0',
      w1: '0',
      w: '0',
      o: '145',
      sc: null,
    });
  });

  it('maps one row: times to UTC, provider spellings, request type, hashed key', async () => {
    const rows = await q<Row>(
      home,
      `SELECT request_id, strftime(timestamp, '%Y-%m-%d %H:%M:%S.%f') ts, provider, model, request_type, status,
         latency_ms::VARCHAR l, project_id, trace_id, parent_id, length(api_key_hash)::VARCHAR h
       FROM usage WHERE source_file LIKE '%example.csv' ORDER BY request_id`,
    );
    expect(rows).toEqual([
      {
        request_id: 'gw-0001',
        ts: '2025-10-06 08:15:00.000000',
        provider: 'openai',
        model: 'gpt-4o-mini-2024-07-18',
        request_type: 'interactive',
        status: 'success',
        l: '812',
        project_id: 'proj-search',
        trace_id: 'tr-100',
        parent_id: null,
        h: '64',
      },
      {
        request_id: 'gw-0002',
        ts: '2025-10-06 08:15:02.250000',
        provider: 'anthropic',
        model: 'claude-sonnet-4-20250514',
        request_type: 'interactive',
        status: 'success',
        l: '7000',
        project_id: 'proj-search',
        trace_id: 'tr-100',
        parent_id: 'gw-0001',
        h: '64',
      },
      // naive time: UTC
      {
        request_id: 'gw-0003',
        ts: '2025-10-06 09:00:00.000000',
        provider: 'anthropic',
        model: 'claude-sonnet-4-20250514',
        request_type: 'batch',
        status: 'success',
        l: null,
        project_id: 'proj-batch',
        trace_id: null,
        parent_id: null,
        h: null,
      },
      // 11:30 at +02:00
      {
        request_id: 'gw-0004',
        ts: '2025-10-06 09:30:00.000000',
        provider: 'mistral',
        model: 'mistral-large-2411',
        request_type: 'background',
        status: 'failure',
        l: '30000',
        project_id: 'proj-batch',
        trace_id: 'tr-101',
        parent_id: null,
        h: '64',
      },
      // no provider column value: taken from the `openai/` route prefix; no request_type: interactive
      {
        request_id: 'gw-0005',
        ts: '2025-10-06 10:45:00.000000',
        provider: 'openai',
        model: 'gpt-4o-2024-08-06',
        request_type: 'interactive',
        status: 'success',
        l: '1500',
        project_id: 'proj-search',
        trace_id: 'tr-102',
        parent_id: null,
        h: '64',
      },
    ]);
    const r = await one<Row>(home, "SELECT source_cost::VARCHAR c FROM usage WHERE request_id = 'gw-0004'");
    expect(r.c).toBe('1234567.123456789012345678');
    for (const f of allFiles(home)) expect(readFileSync(f).toString('latin1')).not.toContain('EXAMPLEKEY');
  });

  it('turns tag.<key> columns into tags: empty values and content keys dropped', async () => {
    const rows = await q<{ request_id: string; tags: string | null }>(
      home,
      'SELECT request_id, tags FROM usage ORDER BY request_id',
    );
    const tags = Object.fromEntries(rows.map((r) => [r.request_id, r.tags && JSON.parse(r.tags)]));
    expect(tags).toEqual({
      'gw-0001': { team: 'search', feature: 'autocomplete', customer: 'acme-corp' },
      'gw-0002': { team: 'search', feature: 'summarize, long', customer: 'acme-corp' },
      'gw-0003': { team: 'platform', feature: 'nightly-digest' },
      'gw-0004': { team: 'platform', customer: 'globex' },
      'gw-0005': { team: 'search', feature: 'autocomplete', customer: 'initech' },
      // tag.prompt carries content: never a tag
      'gw-1001': { env: 'prod', Team: 'Growth' },
      'gw-1002': { env: 'prod', Team: 'Growth' },
      'gw-1003': { env: 'dev' },
    });
    const decoded = JSON.stringify(await q(home, 'SELECT * FROM usage'));
    expect(decoded).not.toContain('haiku about our Q4 roadmap');
  });

  it('lists the columns it does not know', () => {
    expect(report.files[1]!.notes).toContain('ignored columns: region, user_agent, x_gateway_node');
  });
});

describe('gateway-csv: input errors', () => {
  const { home, cleanup } = tmpHome();
  afterAll(cleanup);
  const HEADER = 'timestamp,request_id,model,input_tokens,output_tokens,cache_read_tokens';
  let n = 0;
  function csv(text: string): string {
    const p = join(home, `in-${n++}.csv`);
    writeFileSync(p, `${text}\n`);
    return p;
  }
  const ingestCsv = (p: string) => ingestInto(home, [p], { source: 'gateway-csv' });

  it('names a missing required column', async () => {
    const p = csv('timestamp,request_id,model,input_tokens\n2025-10-06T08:15:00Z,r1,gpt-4o,10');
    await expect(ingestCsv(p)).rejects.toMatchObject({
      name: 'InputError',
      message: 'required column "output_tokens" is missing',
      location: { file: p, column: 'output_tokens' },
    });
  });

  it('names line and column of a negative token count', async () => {
    const p = csv(`${HEADER}\n2025-10-06T08:15:00Z,r1,gpt-4o,10,5,0\n2025-10-06T08:16:00Z,r2,gpt-4o,10,5,-3`);
    await expect(ingestCsv(p)).rejects.toMatchObject({
      name: 'InputError',
      message: 'negative token count (request_id r2)',
      location: { file: p, record: 3, column: 'cache_read_tokens' },
    });
  });

  it('rejects fractional tokens, bad times and missing required values instead of repairing them', async () => {
    const cases: [string, object][] = [
      [
        `${HEADER}\n2025-10-06T08:15:00Z,r1,gpt-4o,9.99,5,`,
        {
          message: 'not a whole number of tokens (request_id r1)',
          location: { record: 2, column: 'input_tokens' },
        },
      ],
      [
        `${HEADER}\n2025-10-06T08:15:00Z,r1,gpt-4o,1,5,\nyesterday,r2,gpt-4o,1,5,`,
        { message: 'not a date/time (request_id r2)', location: { record: 3, column: 'timestamp' } },
      ],
      [
        `${HEADER}\n2025-10-06T08:15:00Z,r1,gpt-4o,10,,`,
        {
          message: 'required value is missing (request_id r1)',
          location: { record: 2, column: 'output_tokens' },
        },
      ],
      [
        `${HEADER}\n2025-10-06T08:15:00Z,r1,gpt-4o,10,x,`,
        { location: { record: 2, column: 'output_tokens' } },
      ],
      [
        `${HEADER}\n2025-10-06T08:15:00Z,,gpt-4o,10,5,`,
        { message: 'required value is missing', location: { column: 'request_id' } },
      ],
    ];
    for (const [text, err] of cases) await expect(ingestCsv(csv(text))).rejects.toMatchObject(err);
  });
});

describe('mixed folder: otel-genai, gateway-csv and litellm in one ingest', () => {
  const { home, cleanup } = tmpHome();
  const paths = [fixture('otel-genai'), fixture('gateway-csv'), fixture('litellm')];
  const BY_SOURCE = `SELECT source_id, COUNT(*)::VARCHAR n, SUM(input)::VARCHAR i, SUM(output)::VARCHAR o
    FROM usage GROUP BY 1 ORDER BY 1`;
  let report: IngestReport;
  beforeAll(async () => {
    report = await ingestInto(home, paths);
  });
  afterAll(cleanup);

  it('detects every file and matches the per-fixture totals', async () => {
    expect(report.files.map((f) => [f.path.split('/').slice(-2).join('/'), f.sourceId, f.status])).toEqual([
      ['otel-genai/agent-trace.json', 'otel-genai', 'ingested'],
      ['otel-genai/calls-new-names.jsonl', 'otel-genai', 'ingested'],
      ['otel-genai/calls-old-names.json', 'otel-genai', 'ingested'],
      ['gateway-csv/example.csv', 'gateway-csv', 'ingested'],
      ['gateway-csv/extra-columns.csv', 'gateway-csv', 'ingested'],
      ['litellm/spend_logs_response.json', 'litellm', 'ingested'],
      ['litellm/spendlogs.csv', 'litellm', 'ingested'],
    ]);
    expect(await q<Row>(home, BY_SOURCE)).toEqual([
      // example.csv 5920 / 1280 + extra-columns.csv 1712 / 145
      { source_id: 'gateway-csv', n: '8', i: '7632', o: '1425' },
      // spendlogs.csv (5 rows) + spend_logs_response.json (3 rows), as the LiteLLM tests
      { source_id: 'litellm', n: '8', i: '5490', o: '1560' },
      // agent trace 2 rows (1500 / 420) + the 6 calls once (2914 / 890): the two call exports replace each other
      { source_id: 'otel-genai', n: '8', i: '4414', o: '1310' },
    ]);
  });

  it('changes nothing when ingested again', async () => {
    const before = await q<Row>(home, 'SELECT * FROM usage ORDER BY source_id, trace_id, request_id');
    const again = await ingestInto(home, paths);
    expect(again.files.every((f) => f.status === 'unchanged')).toBe(true);
    expect(await q<Row>(home, 'SELECT * FROM usage ORDER BY source_id, trace_id, request_id')).toEqual(
      before,
    );
  });
});
