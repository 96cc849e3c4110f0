// LiteLLM proxy spend logs: the `LiteLLM_SpendLogs` table as Postgres `COPY ... CSV HEADER` writes it, or the
// `/spend/logs` JSON response (a list of the same rows). One row per proxied request (samples/litellm/FORMAT.md).
// `spend` is LiteLLM's own estimate (kept as source_cost, never money of record). `prompt_tokens` follows the OpenAI
// shape: cached (`usage_object.prompt_tokens_details.cached_tokens`) and cache-write tokens are inside it.

import type { InputColumn, SourceDefinition } from '../normalize/contract.js';
import { str } from '../normalize/ops.js';
import { derivedTags, hashKey, mergeTags, metadataTags, stringListTags } from '../normalize/usage-ops.js';
import { normalizeProviderSql } from '../prices/names.js';
import { lit } from '../store/duckdb.js';

const COLUMNS: Record<string, InputColumn> = {
  request_id: { type: 'VARCHAR', required: true },
  call_type: { type: 'VARCHAR' },
  api_key: { type: 'VARCHAR' },
  // money as text: read_csv would type it DOUBLE (TRAPS.md)
  spend: { type: 'VARCHAR' },
  total_tokens: { type: 'BIGINT' },
  prompt_tokens: { type: 'BIGINT', required: true },
  completion_tokens: { type: 'BIGINT', required: true },
  startTime: { type: 'TIMESTAMP', required: true },
  endTime: { type: 'TIMESTAMP' },
  request_duration_ms: { type: 'BIGINT' },
  model: { type: 'VARCHAR', required: true },
  model_group: { type: 'VARCHAR' },
  custom_llm_provider: { type: 'VARCHAR' },
  user: { type: 'VARCHAR' },
  metadata: { type: 'VARCHAR' },
  request_tags: { type: 'VARCHAR' },
  team_id: { type: 'VARCHAR' },
  end_user: { type: 'VARCHAR' },
  session_id: { type: 'VARCHAR' },
  status: { type: 'VARCHAR' },
  agent_id: { type: 'VARCHAR' },
};

// One JSON parse of `metadata` per row, read by index below.
const META_PATHS = [
  '$.usage_object.prompt_tokens_details.cached_tokens',
  '$.usage_object.cache_read_input_tokens',
  '$.usage_object.cache_creation_input_tokens',
  '$.usage_object.cache_creation.ephemeral_5m_input_tokens',
  '$.usage_object.cache_creation.ephemeral_1h_input_tokens',
  '$.spend_logs_metadata',
  '$.user_api_key_team_alias',
  '$.user_api_key_team_id',
  '$.user_api_key_alias',
  '$.status',
];
// `__meta` (the list) lives only while the `let` columns below are computed from it; they are typed and cheap to
// read again in checks, mapping and reconciliation.
const meta = (i: number) => `__meta[${i + 1}]`;
const metaInt = (i: number) => `TRY_CAST(${meta(i)} AS BIGINT)`;
const metaStr = (i: number) => `NULLIF(${meta(i)} ->> '$', '')`;
const tok = (c: string) => `TRY_CAST(${`"${c}"`} AS BIGINT)`;

const LETS: Record<string, string> = {
  __meta: `json_extract(TRY_CAST("metadata" AS JSON), ${lit(`[${META_PATHS.map((p) => `"${p}"`).join(',')}]`)}::VARCHAR[])`,
  _cache_read: `COALESCE(${metaInt(0)}, ${metaInt(1)}, 0)`,
  _cw5: metaInt(3),
  _cw1: metaInt(4),
  _cw_total: `COALESCE(${metaInt(2)}, COALESCE(${metaInt(3)}, 0) + COALESCE(${metaInt(4)}, 0), 0)`,
  _spend_meta: `CAST(${meta(5)} AS VARCHAR)`,
  _team_alias: metaStr(6),
  _team_meta_id: metaStr(7),
  _key_alias: metaStr(8),
  _meta_status: metaStr(9),
};
const cacheRead = '_cache_read';
const cw5 = '_cw5';
const cw1 = '_cw1';
const cwTotal = '_cw_total';
const ttlKnown = `(${cw5} IS NOT NULL OR ${cw1} IS NOT NULL)`;
// Older LiteLLM versions did not fold Anthropic cache tokens into prompt_tokens: subtract only when they fit.
const folded = `(${tok('prompt_tokens')} >= ${cacheRead} + ${cwTotal})`;

const intCheck = (c: string) => ({
  column: c,
  bad: `"${c}" IS NOT NULL AND (TRY_CAST("${c}" AS BIGINT) IS NULL OR TRY_CAST("${c}" AS BIGINT) < 0)`,
  problem: 'not a non-negative whole number',
});

export const litellm: SourceDefinition = {
  id: 'litellm',
  title: 'LiteLLM proxy SpendLogs (CSV export or /spend/logs JSON)',
  family: 'gateway',
  dataset: 'usage',
  formats: ['csv', 'json'],
  detects: 'CSV with request_id, call_type, spend, prompt_tokens, startTime; or a JSON list of such rows',
  detect: (s) => {
    if (s.format === 'csv') {
      const h = new Set(s.header.map((x) => x.toLowerCase()));
      return h.has('request_id') && h.has('spend') && (h.has('starttime') || h.has('call_type')) ? 1 : 0;
    }
    return s.format === 'json' &&
      s.head.includes('"request_id"') &&
      s.head.includes('"spend"') &&
      s.head.includes('"startTime"')
      ? 1
      : 0;
  },
  reader: (s) =>
    s.format === 'csv'
      ? { kind: 'csv', columns: COLUMNS }
      : {
          kind: 'json',
          records: {
            path: ['*'],
            fields: Object.fromEntries(
              Object.keys(COLUMNS).map((c) => [c, c === 'metadata' || c === 'request_tags' ? `${c}{}` : c]),
            ),
          },
          columns: Object.fromEntries(
            Object.entries(COLUMNS).map(([c, v]) => [c, { ...v, type: 'VARCHAR' }]),
          ),
        },
  checks: [
    { column: 'request_id', bad: `${str('request_id')} IS NULL`, problem: 'required value is missing' },
    { column: 'startTime', bad: `TRY_CAST("startTime" AS TIMESTAMPTZ) IS NULL`, problem: 'not a date/time' },
    intCheck('prompt_tokens'),
    intCheck('completion_tokens'),
    {
      column: 'spend',
      bad: `${str('spend')} IS NOT NULL AND TRY_CAST(${str('spend')} AS DECIMAL(38,18)) IS NULL`,
      problem: 'not a number',
    },
  ],
  recordKey: 'request_id',
  let: {
    ...LETS,
  },
  map: {
    grain: `'request'`,
    request_id: str('request_id'),
    trace_id: str('session_id'),
    timestamp: `TRY_CAST("startTime" AS TIMESTAMPTZ)`,
    provider: normalizeProviderSql(
      `COALESCE(${str('custom_llm_provider')}, regexp_extract(${str('model')}, '^([a-z_]+)/', 1))`,
    ),
    model_raw: `COALESCE(${str('model')}, ${str('model_group')})`,
    operation: str('call_type'),
    input: `CASE WHEN ${folded} THEN ${tok('prompt_tokens')} - ${cacheRead} - ${cwTotal} ELSE ${tok('prompt_tokens')} END`,
    cache_read: cacheRead,
    cache_write_5m: `CASE WHEN ${ttlKnown} THEN COALESCE(${cw5}, 0) ELSE 0 END`,
    cache_write_1h: `CASE WHEN ${ttlKnown} THEN COALESCE(${cw1}, 0) ELSE 0 END`,
    cache_write: `CASE WHEN ${ttlKnown} THEN 0 ELSE ${cwTotal} END`,
    output: tok('completion_tokens'),
    api_key_hash: hashKey('api_key'),
    request_count: '1',
    request_type: `CASE WHEN ${str('call_type')} ILIKE '%batch%' THEN 'batch' ELSE 'interactive' END`,
    status: `COALESCE(${str('status')}, _meta_status)`,
    latency_ms: `COALESCE(TRY_CAST("request_duration_ms" AS BIGINT), CAST(epoch_ms(TRY_CAST("endTime" AS TIMESTAMPTZ)) - epoch_ms(TRY_CAST("startTime" AS TIMESTAMPTZ)) AS BIGINT))`,
    source_cost: `TRY_CAST(${str('spend')} AS DECIMAL(38,18))`,
    tags: mergeTags([
      derivedTags({
        team: `COALESCE(_team_alias, ${str('team_id')}, _team_meta_id)`,
        customer: str('end_user'),
        user: str('user'),
        key_alias: '_key_alias',
        agent: str('agent_id'),
      }),
      stringListTags('"request_tags"'),
      metadataTags('_spend_meta'),
    ]),
  },
  reconcile: [
    {
      measure: 'input tokens incl. cache (prompt_tokens, plus unfolded cache tokens)',
      source: `CASE WHEN ${folded} THEN ${tok('prompt_tokens')} ELSE ${tok('prompt_tokens')} + ${cacheRead} + ${cwTotal} END`,
      stored: '"input" + cache_read + cache_write + cache_write_5m + cache_write_1h',
    },
    { measure: 'completion tokens', source: `COALESCE(${tok('completion_tokens')}, 0)`, stored: '"output"' },
    {
      measure: 'spend (source_cost)',
      source: `COALESCE(TRY_CAST(${str('spend')} AS DECIMAL(38,18)), 0)`,
      stored: 'COALESCE(source_cost, 0)',
    },
  ],
  replace: { kind: 'rows', key: ['trace_id', 'request_id'] },
};
