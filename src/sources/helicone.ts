// Helicone request logs (samples/helicone/FORMAT.md): the `@helicone/export` CLI's CSV, its JSONL (one
// HeliconeRequest per line), or the `POST /v1/request/query-clickhouse` response `{data: HeliconeRequest[]}` (or a
// bare list). One usage row per request. Helicone's `cost` is its own estimate (kept as source_cost, never money of
// record). Request and response bodies (`request_body`, `response_body`, `llmSchema`) are never read.
//
// Token rule: Helicone stores the token columns as disjoint buckets and prices each on its own (packages/cost
// `costOfPrompt`: prompt + cache write + cache read + prompt audio, completion + completion audio); its OpenAI body
// processor already subtracts cached and audio tokens from `prompt_tokens`, and Anthropic's `input_tokens` is
// uncached natively. So cached tokens are split out once, by Helicone: input = prompt_tokens + prompt_audio_tokens,
// cache_read = prompt_cache_read_tokens, cache_write = prompt_cache_write_tokens (no TTL in the export),
// output = completion_tokens + completion_audio_tokens. The CSV carries prompt and completion tokens only.

import type { InputColumn, RowCheck, Sniff, SourceDefinition } from '../normalize/contract.js';
import { str } from '../normalize/ops.js';
import { derivedTags, mergeTags, metadataTags } from '../normalize/usage-ops.js';
import { normalizeProviderSql } from '../prices/names.js';
import { lit } from '../store/duckdb.js';
import { modelFamilyProviderSql } from './langfuse.js';

const COUNT = 'BIGINT';
/** The export CLI's CSV columns (required ones marked) and the further HeliconeRequest fields read from JSON. */
const COLUMNS: Record<string, InputColumn> = {
  response_id: { type: 'VARCHAR', required: true },
  response_created_at: { type: 'VARCHAR' },
  response_status: { type: 'VARCHAR' },
  request_created_at: { type: 'VARCHAR', required: true },
  request_properties: { type: 'VARCHAR' },
  request_user_id: { type: 'VARCHAR' },
  model: { type: 'VARCHAR', required: true },
  prompt_tokens: { type: COUNT, required: true },
  completion_tokens: { type: COUNT, required: true },
  latency: { type: 'VARCHAR' },
  // money as text: read_csv would type it DOUBLE (TRAPS.md)
  cost: { type: 'VARCHAR' },
  request_id: { type: 'VARCHAR' },
  properties: { type: 'VARCHAR' },
  provider: { type: 'VARCHAR' },
  request_model: { type: 'VARCHAR' },
  response_model: { type: 'VARCHAR' },
  model_override: { type: 'VARCHAR' },
  prompt_cache_read_tokens: { type: COUNT },
  prompt_cache_write_tokens: { type: COUNT },
  prompt_audio_tokens: { type: COUNT },
  completion_audio_tokens: { type: COUNT },
  delay_ms: { type: 'VARCHAR' },
  costUSD: { type: 'VARCHAR' },
  cache_reference_id: { type: 'VARCHAR' },
};
const OBJECTS = new Set(['request_properties', 'properties']);
const TOKENS = [
  'prompt_tokens',
  'completion_tokens',
  'prompt_cache_read_tokens',
  'prompt_cache_write_tokens',
  'prompt_audio_tokens',
  'completion_audio_tokens',
];

const tok = (c: string) => `COALESCE(CAST(TRY_CAST(${str(c)} AS DECIMAL(38,6)) AS BIGINT), 0)`;
const promptSide = `(${tok('prompt_tokens')} + ${tok('prompt_audio_tokens')})`;
const output = `(${tok('completion_tokens')} + ${tok('completion_audio_tokens')})`;
const sourceCost = `TRY_CAST(COALESCE(${str('cost')}, ${str('costUSD')}) AS DECIMAL(38,18))`;

// The CLI JSON-encodes object cells and then escapes quotes twice, so a CSV cell reads `{""Env"":""prod""}`.
const propsText = `COALESCE(${str('request_properties')}, ${str('properties')})`;
const props = `COALESCE(TRY_CAST(${propsText} AS JSON), TRY_CAST(replace(${propsText}, '""', '"') AS JSON))`;
const keyPath = (k: string) => `'$."' || replace(${k}, '"', '\\"') || '"'`;
/** Session headers Helicone keeps among the properties; they become `session`, `session_name`, `session_path`. */
const SESSION = ['helicone-session-id', 'helicone-session-name', 'helicone-session-path'];
const session = (i: number) => `_session[${i + 1}]`;

// Helicone's provider names (legacy upper-case enum and gateway names) that the shared spellings do not cover
const heliconeProvider = `CASE lower(${str('provider')}) WHEN 'google-ai-studio' THEN 'google' WHEN 'aws' THEN 'aws-bedrock'
  WHEN 'custom' THEN NULL ELSE ${str('provider')} END`;
const model = `COALESCE(${str('model')}, ${str('model_override')}, ${str('response_model')}, ${str('request_model')})`;
const status = `TRY_CAST(${str('response_status')} AS INTEGER)`;

const countCheck = (c: string): RowCheck => {
  const n = `TRY_CAST(${str(c)} AS DECIMAL(38,6))`;
  return {
    column: c,
    bad: `${str(c)} IS NOT NULL AND (${n} IS NULL OR ${n} < 0 OR ${n} <> floor(${n}))`,
    problem: 'not a non-negative whole number',
  };
};
const moneyCheck = (c: string): RowCheck => ({
  column: c,
  bad: `${str(c)} IS NOT NULL AND TRY_CAST(${str(c)} AS DECIMAL(38,18)) IS NULL`,
  problem: 'not a number',
});

const SIGNATURE = [
  'response_id',
  'response_created_at',
  'response_status',
  'request_created_at',
  'request_properties',
  'request_user_id',
];

/** JSON shapes: the API envelope `{data: [...]}`, a bare list, or one request per document (JSONL). */
function recordPath(sniff: Sniff): string[] {
  const head = sniff.head.trimStart();
  if (head.startsWith('[')) return ['*'];
  return /^\{\s*"(data|error)"\s*:/.test(head) ? ['data', '*'] : [];
}

export const helicone: SourceDefinition = {
  id: 'helicone',
  title: 'Helicone request export (export CLI CSV/JSONL, or /v1/request/query-clickhouse JSON)',
  family: 'gateway',
  dataset: 'usage',
  formats: ['csv', 'json'],
  detects:
    'CSV with response_id, request_created_at, response_created_at, request_properties; or JSON/JSONL HeliconeRequest rows',
  // by Helicone's own column names, so a file missing a required column is still recognized (and named)
  detect: (s) => {
    if (s.format === 'csv') {
      const h = new Set(s.header.map((x) => x.toLowerCase()));
      const n = SIGNATURE.filter((c) => h.has(c)).length;
      return n >= 4 ? 1 : n === 3 && h.has('prompt_tokens') ? 0.6 : 0;
    }
    return s.format === 'json' &&
      s.head.includes('"request_created_at"') &&
      (s.head.includes('"request_id"') || s.head.includes('"response_id"'))
      ? 1
      : 0;
  },
  reader: (s) =>
    s.format === 'csv'
      ? { kind: 'csv', columns: COLUMNS }
      : {
          kind: 'json',
          records: {
            path: recordPath(s),
            fields: Object.fromEntries(Object.keys(COLUMNS).map((c) => [c, OBJECTS.has(c) ? `${c}{}` : c])),
          },
          columns: Object.fromEntries(
            Object.entries(COLUMNS).map(([c, v]) => [c, { ...v, type: 'VARCHAR' }]),
          ),
        },
  let: {
    _session: `list_transform([${SESSION.map(lit).join(', ')}], s -> json_extract_string(${props},
      ${keyPath(`list_filter(json_keys(${props}), k -> lower(k) = s)[1]`)}))`,
    _props: `CASE WHEN json_type(${props}) = 'OBJECT' THEN CAST(map_from_entries(list_transform(
        list_filter(json_keys(${props}), k -> lower(k) NOT IN (${SESSION.map(lit).join(', ')})),
        k -> struct_pack(k := k, v := json_extract(${props}, ${keyPath('k')})))) AS JSON) END`,
  },
  checks: [
    {
      column: 'request_id',
      bad: `COALESCE(${str('request_id')}, ${str('response_id')}) IS NULL`,
      problem: 'required value is missing (request_id or response_id)',
    },
    {
      column: 'request_created_at',
      bad: `TRY_CAST(${str('request_created_at')} AS TIMESTAMPTZ) IS NULL`,
      problem: 'not a date/time',
    },
    { column: 'model', bad: `${model} IS NULL`, problem: 'required value is missing' },
    ...TOKENS.map(countCheck),
    moneyCheck('cost'),
    moneyCheck('costUSD'),
  ],
  recordKey: 'response_id',
  map: {
    grain: `'request'`,
    // the CSV export has no request_id column; its response_id is the request's row id
    request_id: `COALESCE(${str('request_id')}, ${str('response_id')})`,
    trace_id: session(0),
    timestamp: `TRY_CAST(${str('request_created_at')} AS TIMESTAMPTZ)`,
    provider: normalizeProviderSql(
      `COALESCE(${heliconeProvider}, NULLIF(regexp_extract(lower(${model}), '^([a-z_-]+)/', 1), ''), ${modelFamilyProviderSql(model)})`,
    ),
    model_raw: model,
    input: promptSide,
    cache_read: tok('prompt_cache_read_tokens'),
    cache_write: tok('prompt_cache_write_tokens'),
    output,
    request_count: '1',
    request_type: `'interactive'`,
    status: `CASE WHEN ${status} BETWEEN 200 AND 299 THEN 'success' WHEN ${status} IS NOT NULL THEN 'failure' END`,
    latency_ms: `CAST(round(TRY_CAST(COALESCE(${str('delay_ms')}, ${str('latency')}) AS DOUBLE)) AS BIGINT)`,
    source_cost: sourceCost,
    tags: mergeTags([
      derivedTags({
        user: str('request_user_id'),
        session: session(0),
        session_name: session(1),
        session_path: session(2),
      }),
      metadataTags('_props'),
    ]),
  },
  reconcile: [
    {
      measure: 'prompt tokens (prompt + cache read + cache write + prompt audio)',
      source: `${promptSide} + ${tok('prompt_cache_read_tokens')} + ${tok('prompt_cache_write_tokens')}`,
      stored: '"input" + cache_read + cache_write',
    },
    { measure: 'completion tokens (completion + completion audio)', source: output, stored: '"output"' },
    {
      measure: 'Helicone cost (source_cost)',
      source: `COALESCE(${sourceCost}, 0)`,
      stored: 'COALESCE(source_cost, 0)',
    },
  ],
  replace: { kind: 'rows', key: ['request_id'] },
};
