// OpenAI Usage API, every endpoint (`GET /v1/organization/usage/{completions,embeddings,moderations,images,
// audio_speeches,audio_transcriptions,vector_stores,code_interpreter_sessions,file_search_calls,web_search_calls}`).
// `input_tokens` INCLUDES cached and cache-write tokens: uncached = input - cached - cache write, unless
// `input_uncached_tokens` is given (docs/vendor-formats.md#openai). Never add cached on top of input.

import { defineSource } from '../normalize/contract.js';
import { checks, coalesce, constant, count, decimal, integer, str, unixSeconds } from '../normalize/ops.js';
import { bucketId, derivedTags, hashKey, mergeTags } from '../normalize/usage-ops.js';
import { litList, sql } from '../sql.js';

// The dimensions a result carries only when grouped by them: with the bucket start, a bucket row's identity.
const GROUP_BY = [
  'project_id',
  'user_id',
  'api_key_id',
  'model',
  'batch',
  'service_tier',
  'size',
  'source',
  'vector_store_id',
  'context_level',
];
const COUNTS = [
  'input_tokens',
  'input_cached_tokens',
  'input_cache_write_tokens',
  'input_uncached_tokens',
  'output_tokens',
  'num_model_requests',
  'images',
  'characters',
  'usage_bytes',
  'num_sessions',
  'num_requests',
];
const RESULT_FIELDS = ['object', ...COUNTS, 'seconds', ...GROUP_BY];
const FIELDS: Record<string, string> = {
  start_time: '../start_time',
  end_time: '../end_time',
  ...Object.fromEntries(RESULT_FIELDS.map((f) => [f, f])),
};
const endpoint = sql`regexp_extract(${str('object')}, 'organization\\.usage\\.([a-z_]+)\\.result', 1)`;
const cached = count('input_cached_tokens');
const cacheWrite = count('input_cache_write_tokens');
const uncached = coalesce(
  integer('input_uncached_tokens'),
  sql`${count('input_tokens')} - ${cached} - ${cacheWrite}`,
);

export const openaiUsage = defineSource({
  id: 'openai-usage',
  title: 'OpenAI Usage API (all endpoints)',
  family: 'llm-billing',
  dataset: 'usage',
  detects: 'JSON page of organization.usage.*.result buckets (GET /v1/organization/usage/*)',
  // the page envelope, not just the result type: documentation files quote result objects too
  detect: [{ format: 'json', json: [/"object"\s*:\s*"page"/, /"organization\.usage\.[a-z_]+\.result"/] }],
  reader: () => ({
    kind: 'json',
    records: { path: ['data', '*', 'results', '*'], fields: FIELDS },
    columns: Object.fromEntries(
      Object.keys(FIELDS).map((f) => [f, { type: 'VARCHAR', required: f === 'start_time' }]),
    ),
  }),
  checks: [
    checks.unixSeconds('start_time'),
    checks.required('object'),
    ...COUNTS.map(checks.count),
    checks.number('seconds'),
    {
      column: 'input_tokens',
      bad: sql`${uncached} < 0`,
      problem: 'input_tokens is smaller than input_cached_tokens + input_cache_write_tokens',
    },
  ],
  map: {
    grain: constant('bucket'),
    request_id: bucketId([str('object'), str('start_time'), ...GROUP_BY.map(str)]),
    timestamp: unixSeconds('start_time'),
    provider: constant('openai'),
    model_raw: str('model'),
    operation: endpoint,
    input: sql`CASE WHEN ${endpoint} IN ${litList(['completions', 'embeddings', 'moderations'])} THEN ${uncached} ELSE 0 END`,
    cache_read: cached,
    cache_write: cacheWrite,
    output: count('output_tokens'),
    images: integer('images'),
    audio_seconds: decimal('seconds'),
    characters: integer('characters'),
    tool_calls: coalesce(integer('num_requests'), integer('num_sessions')),
    other_quantity: sql`CAST(${integer('usage_bytes')} AS DECIMAL(38,18))`,
    other_unit: sql`CASE WHEN ${integer('usage_bytes')} IS NOT NULL THEN 'bytes' END`,
    project_id: str('project_id'),
    api_key_hash: hashKey('api_key_id'),
    service_tier: str('service_tier'),
    request_count: coalesce(integer('num_model_requests'), integer('num_requests'), integer('num_sessions')),
    request_type: sql`CASE lower(${str('batch')}) WHEN 'true' THEN 'batch' WHEN 'false' THEN 'interactive' END`,
    // the usage API's user_id is an organization member: `user`, never `customer` (docs/data-model.md#tags)
    tags: mergeTags([
      derivedTags({
        user: str('user_id'),
        image_size: str('size'),
        image_source: str('source'),
        vector_store_id: str('vector_store_id'),
        search_context: str('context_level'),
      }),
    ]),
  },
  reconcile: [
    {
      measure: 'input tokens incl. cached (source input_tokens)',
      source: count('input_tokens'),
      stored: sql`"input" + cache_read + cache_write`,
    },
    { measure: 'cached tokens', source: cached, stored: sql`cache_read` },
    { measure: 'output tokens', source: count('output_tokens'), stored: sql`"output"` },
    {
      measure: 'model requests',
      source: count('num_model_requests'),
      stored: sql`CASE WHEN operation IN ('completions','embeddings','moderations','images','audio_speeches','audio_transcriptions','web_searches') THEN COALESCE(request_count, 0) ELSE 0 END`,
    },
  ],
  replace: { kind: 'rows', key: ['request_id'] },
});
