// LiteLLM proxy spend logs: the `LiteLLM_SpendLogs` table as Postgres `COPY ... CSV HEADER` writes it, or the
// `/spend/logs` JSON response (a list of the same rows). One row per proxied request (fixtures/litellm/ORIGIN.md).
// `spend` is LiteLLM's own estimate (kept as source_cost, never money of record). `prompt_tokens` follows the OpenAI
// shape: cached (`usage_object.prompt_tokens_details.cached_tokens`) and cache-write tokens are inside it. Cache
// writes arrive Anthropic-style (`usage_object.cache_creation_input_tokens`, with the 5m/1h split) or OpenAI-style
// (`usage_object.prompt_tokens_details.cache_write_tokens`, or `cache_creation_tokens`); either is class
// cache_write, taken out of input. The service tier (priced per tier) is read where the row carries one.

import { defineSource, type InputColumn } from '../normalize/contract.js';
import { checks, coalesce, isoTime, str } from '../normalize/ops.js';
import {
  derivedTags,
  hashKey,
  inputInclCache,
  mergeTags,
  metadataTags,
  modelPrefix,
  pairTags,
  STORED_INPUT_TOTAL,
  tagPairs,
  uncachedInput,
} from '../normalize/usage-ops.js';
import { normalizeProviderSql } from '../prices/names.js';
import { ident, lit, sql } from '../sql.js';

const COLUMNS: Record<string, InputColumn> = {
  request_id: { type: 'VARCHAR', required: true },
  call_type: { type: 'VARCHAR' },
  api_key: { type: 'VARCHAR' },
  // money declared DECIMAL, never left to auto-detection (which types it DOUBLE: docs/duckdb-notes.md); parsed once
  spend: { type: 'DECIMAL(38,18)' },
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
  // not a SpendLogs column today: accepted when an export adds it (the metadata keys below are read too)
  service_tier: { type: 'VARCHAR' },
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
  '$.usage_object.prompt_tokens_details.cache_write_tokens',
  '$.usage_object.prompt_tokens_details.cache_creation_tokens',
  '$.service_tier',
  '$.usage_object.service_tier',
];
// `__meta` (the list) lives only while the `let` columns below are computed from it; they are typed and cheap to
// read again in checks, mapping and reconciliation.
const meta = (i: number) => sql`__meta[${i + 1}]`;
const metaInt = (i: number) => sql`TRY_CAST(${meta(i)} AS BIGINT)`;
const metaStr = (i: number) => sql`NULLIF(${meta(i)} ->> '$', '')`;
const tok = (c: string) => sql`TRY_CAST(${ident(c)} AS BIGINT)`;

const cacheRead = sql`_cache_read`;
const cw5 = sql`_cw5`;
const cw1 = sql`_cw1`;
const cwTotal = sql`_cw_total`;
const ttlKnown = sql`(${cw5} IS NOT NULL OR ${cw1} IS NOT NULL)`;
const prompt = tok('prompt_tokens');
// DECIMAL already in CSV (the cast is a no-op), text in JSON
const spend = sql`TRY_CAST("spend" AS DECIMAL(38,18))`;

export const litellm = defineSource({
  id: 'litellm',
  title: 'LiteLLM proxy SpendLogs (CSV export or /spend/logs JSON)',
  family: 'gateway',
  dataset: 'usage',
  detects: 'CSV with request_id, call_type, spend, prompt_tokens, startTime; or a JSON list of such rows',
  detect: [
    { format: 'csv', header: { all: ['request_id', 'spend'], any: ['startTime', 'call_type'] } },
    { format: 'json', json: ['"request_id"', '"spend"', '"startTime"'] },
  ],
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
    checks.required('request_id'),
    {
      column: 'startTime',
      bad: sql`${isoTime('startTime')} IS NULL`,
      problem: 'not a date/time',
    },
    checks.bigint('prompt_tokens'),
    checks.bigint('completion_tokens'),
    // typed by the CSV reader (a bad value is a reject naming line and column); text in JSON
    { column: 'spend', bad: sql`"spend" IS NOT NULL AND ${spend} IS NULL`, problem: 'not a number' },
  ],
  recordKey: 'request_id',
  let: {
    __meta: sql`json_extract(TRY_CAST("metadata" AS JSON), ${lit(`[${META_PATHS.map((p) => `"${p}"`).join(',')}]`)}::VARCHAR[])`,
    _cache_read: sql`COALESCE(${metaInt(0)}, ${metaInt(1)}, 0)`,
    _cw5: metaInt(3),
    _cw1: metaInt(4),
    // the TTL split is a breakdown of cache_creation_input_tokens; when they disagree the larger figure is the total.
    // The OpenAI-shape count (prompt_tokens_details) is the same writes where a provider reports both.
    _cw_total: sql`GREATEST(COALESCE(${metaInt(2)}, 0), COALESCE(${metaInt(3)}, 0) + COALESCE(${metaInt(4)}, 0), COALESCE(${metaInt(10)}, ${metaInt(11)}, 0))`,
    _spend_meta: sql`CAST(${meta(5)} AS VARCHAR)`,
    _team_alias: metaStr(6),
    _team_meta_id: metaStr(7),
    _key_alias: metaStr(8),
    _meta_status: metaStr(9),
    _meta_tier: coalesce(metaStr(12), metaStr(13)),
    // request_tags parsed once per record
    _tag_pairs: tagPairs(sql`"request_tags"`),
  },
  map: {
    grain: lit('request'),
    request_id: str('request_id'),
    trace_id: str('session_id'),
    timestamp: isoTime('startTime'),
    provider: normalizeProviderSql(coalesce(str('custom_llm_provider'), modelPrefix(str('model')))),
    model_raw: coalesce(str('model'), str('model_group')),
    operation: str('call_type'),
    // older LiteLLM versions did not fold Anthropic cache tokens into prompt_tokens: subtract only when they fit
    input: uncachedInput(prompt, cacheRead, cwTotal),
    cache_read: cacheRead,
    cache_write_5m: sql`CASE WHEN ${ttlKnown} THEN COALESCE(${cw5}, 0) ELSE 0 END`,
    cache_write_1h: sql`CASE WHEN ${ttlKnown} THEN COALESCE(${cw1}, 0) ELSE 0 END`,
    // cache writes the split does not cover keep an unknown TTL (class cache_write), never vanish
    cache_write: sql`CASE WHEN ${ttlKnown} THEN ${cwTotal} - COALESCE(${cw5}, 0) - COALESCE(${cw1}, 0) ELSE ${cwTotal} END`,
    output: tok('completion_tokens'),
    api_key_hash: hashKey('api_key'),
    service_tier: coalesce(str('service_tier'), sql`_meta_tier`),
    request_count: sql`1`,
    request_type: sql`CASE WHEN ${str('call_type')} ILIKE '%batch%' THEN 'batch' ELSE 'interactive' END`,
    status: coalesce(str('status'), sql`_meta_status`),
    latency_ms: sql`COALESCE(TRY_CAST("request_duration_ms" AS BIGINT), CAST(epoch_ms(${isoTime('endTime')}) - epoch_ms(${isoTime('startTime')}) AS BIGINT))`,
    source_cost: spend,
    tags: mergeTags([
      derivedTags({
        team: coalesce(sql`_team_alias`, str('team_id'), sql`_team_meta_id`),
        customer: str('end_user'),
        user: str('user'),
        key_alias: sql`_key_alias`,
        agent: str('agent_id'),
      }),
      pairTags(sql`_tag_pairs`),
      metadataTags(sql`_spend_meta`),
    ]),
  },
  reconcile: [
    {
      measure: 'input tokens incl. cache (prompt_tokens, plus unfolded cache tokens)',
      source: inputInclCache(prompt, cacheRead, cwTotal),
      stored: STORED_INPUT_TOTAL,
    },
    {
      measure: 'completion tokens',
      source: sql`COALESCE(${tok('completion_tokens')}, 0)`,
      stored: sql`"output"`,
    },
    {
      measure: 'spend (source_cost)',
      source: sql`COALESCE(${spend}, 0)`,
      stored: sql`COALESCE(source_cost, 0)`,
    },
  ],
  replace: { kind: 'rows', key: ['trace_id', 'request_id'] },
});
