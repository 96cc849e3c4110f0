// Helicone request logs (docs/vendor-formats.md#helicone): the `@helicone/export` CLI's CSV, its JSONL (one
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

import { defineSource, type InputColumn, type Sniff } from '../normalize/contract.js';
import { checks, coalesce, col, count, decimalOf, isoTime, str, value } from '../normalize/ops.js';
import {
  asJson,
  httpOutcome,
  jsonFieldsIgnoreCase,
  jsonWithoutKeys,
  namedList,
  plus,
  requestProvider,
} from '../normalize/trace-ops.js';
import { derivedTags, mergeTags, metadataTags, STORED_INPUT_TOTAL } from '../normalize/usage-ops.js';
import { vendorProviderSql } from '../prices/names.js';
import { lit, sql } from '../sql.js';

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
  // money as text: read_csv would type it DOUBLE (docs/duckdb-notes.md#money-read-as-double)
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

const promptSide = plus(count('prompt_tokens'), count('prompt_audio_tokens'));
const output = plus(count('completion_tokens'), count('completion_audio_tokens'));
const sourceCost = decimalOf(coalesce(str('cost'), str('costUSD')));

// The CLI JSON-encodes object cells and then escapes quotes twice, so a CSV cell reads `{""Env"":""prod""}`.
const propsText = coalesce(str('request_properties'), str('properties'));
const props = coalesce(asJson(propsText), asJson(sql`replace(${propsText}, '""', '"')`));
/** Session headers Helicone keeps among the properties; they become `session`, `session_name`, `session_path`. */
const SESSION = ['helicone-session-id', 'helicone-session-name', 'helicone-session-path'];
const session = namedList('_session', SESSION);

// Helicone's provider names (legacy upper-case enum and gateway names) that the shared spellings do not cover
const heliconeProvider = vendorProviderSql(str('provider'), {
  'google-ai-studio': 'google',
  aws: 'aws-bedrock',
  custom: null,
});
// the CSV export has no request_id column; its response_id is the request's row id
const requestId = coalesce(str('request_id'), str('response_id'));
const model = coalesce(str('model'), str('model_override'), str('response_model'), str('request_model'));

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

export const helicone = defineSource({
  id: 'helicone',
  title: 'Helicone request export (export CLI CSV/JSONL, or /v1/request/query-clickhouse JSON)',
  family: 'gateway',
  dataset: 'usage',
  detects:
    'CSV with response_id, request_created_at, response_created_at, request_properties; or JSON/JSONL HeliconeRequest rows',
  // by Helicone's own column names, so a file missing a required column is still recognized (and named)
  detect: [
    { format: 'csv', header: { any: SIGNATURE, atLeast: 4 } },
    { format: 'csv', header: { all: ['prompt_tokens'], any: SIGNATURE, atLeast: 3 }, score: 0.6 },
    { format: 'json', json: ['"request_created_at"', '"request_id"'] },
    { format: 'json', json: ['"request_created_at"', '"response_id"'] },
  ],
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
    _session: jsonFieldsIgnoreCase(props, SESSION),
    _props: jsonWithoutKeys(props, SESSION),
  },
  checks: [
    {
      column: 'request_id',
      bad: sql`${requestId} IS NULL`,
      problem: 'required value is missing (request_id or response_id)',
    },
    checks.isoTime('request_created_at'),
    { column: 'model', bad: sql`${model} IS NULL`, problem: 'required value is missing' },
    ...TOKENS.map(checks.count),
    checks.number('cost'),
    checks.number('costUSD'),
  ],
  recordKey: 'response_id',
  map: {
    grain: lit('request'),
    request_id: requestId,
    trace_id: session.at('helicone-session-id'),
    timestamp: isoTime('request_created_at'),
    provider: requestProvider(heliconeProvider, model),
    model_raw: model,
    input: promptSide,
    cache_read: count('prompt_cache_read_tokens'),
    cache_write: count('prompt_cache_write_tokens'),
    output,
    request_count: value(1),
    request_type: lit('interactive'),
    status: httpOutcome(str('response_status')),
    latency_ms: sql`CAST(round(TRY_CAST(${coalesce(str('delay_ms'), str('latency'))} AS DOUBLE)) AS BIGINT)`,
    source_cost: sourceCost,
    tags: mergeTags([
      derivedTags({
        user: str('request_user_id'),
        session: session.at('helicone-session-id'),
        session_name: session.at('helicone-session-name'),
        session_path: session.at('helicone-session-path'),
      }),
      metadataTags(col('_props')),
    ]),
  },
  reconcile: [
    {
      measure: 'prompt tokens (prompt + cache read + cache write + prompt audio)',
      source: plus(promptSide, count('prompt_cache_read_tokens'), count('prompt_cache_write_tokens')),
      stored: STORED_INPUT_TOTAL,
    },
    { measure: 'completion tokens (completion + completion audio)', source: output, stored: col('output') },
    {
      measure: 'Helicone cost (source_cost)',
      source: coalesce(sourceCost, value(0)),
      stored: coalesce(col('source_cost'), value(0)),
    },
  ],
  replace: { kind: 'rows', key: ['request_id'] },
});
