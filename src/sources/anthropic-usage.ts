// Anthropic Admin API usage report (`GET /v1/organizations/usage_report/messages`): bucket-grain usage with input
// split into uncached, cache read and the two cache-write TTLs (never nested: no double counting).

import { defineSource } from '../normalize/contract.js';
import { checks, constant, count, isoTime, str } from '../normalize/ops.js';
import { bucketId, derivedTags, hashKey, mergeTags } from '../normalize/usage-ops.js';
import { sql } from '../sql.js';

const FIELDS: Record<string, string> = {
  starting_at: '../starting_at',
  ending_at: '../ending_at',
  uncached_input_tokens: 'uncached_input_tokens',
  cache_5m: 'cache_creation.ephemeral_5m_input_tokens',
  cache_1h: 'cache_creation.ephemeral_1h_input_tokens',
  cache_read_input_tokens: 'cache_read_input_tokens',
  output_tokens: 'output_tokens',
  web_search_requests: 'server_tool_use.web_search_requests',
  api_key_id: 'api_key_id',
  workspace_id: 'workspace_id',
  model: 'model',
  service_tier: 'service_tier',
  context_window: 'context_window',
  inference_geo: 'inference_geo',
  account_id: 'account_id',
};
const TOKEN_FIELDS = [
  'uncached_input_tokens',
  'cache_5m',
  'cache_1h',
  'cache_read_input_tokens',
  'output_tokens',
  'web_search_requests',
];

export const anthropicUsage = defineSource({
  id: 'anthropic-usage',
  title: 'Anthropic Admin API usage report (messages)',
  family: 'llm-billing',
  dataset: 'usage',
  detects: 'JSON usage_report page: buckets with starting_at and results holding uncached_input_tokens',
  // uncached_input_tokens as a key: the cost report names it too, as a token_type value
  detect: [{ format: 'json', json: [/"uncached_input_tokens"\s*:/, '"starting_at"'] }],
  reader: () => ({
    kind: 'json',
    records: { path: ['data', '*', 'results', '*'], fields: FIELDS },
    columns: Object.fromEntries(
      Object.keys(FIELDS).map((f) => [f, { type: 'VARCHAR', required: f === 'starting_at' }]),
    ),
  }),
  checks: [checks.isoTime('starting_at'), ...TOKEN_FIELDS.map(checks.count)],
  map: {
    grain: constant('bucket'),
    request_id: bucketId(
      [
        'starting_at',
        'api_key_id',
        'workspace_id',
        'model',
        'service_tier',
        'context_window',
        'inference_geo',
        'account_id',
      ].map(str),
    ),
    timestamp: isoTime('starting_at'),
    provider: constant('anthropic'),
    model_raw: str('model'),
    operation: constant('messages'),
    input: count('uncached_input_tokens'),
    cache_read: count('cache_read_input_tokens'),
    cache_write_5m: count('cache_5m'),
    cache_write_1h: count('cache_1h'),
    output: count('output_tokens'),
    tool_calls: count('web_search_requests'),
    workspace_id: str('workspace_id'),
    api_key_hash: hashKey('api_key_id'),
    service_tier: str('service_tier'),
    region: str('inference_geo'),
    tags: mergeTags([derivedTags({ context_window: str('context_window') })]),
  },
  reconcile: [
    { measure: 'uncached input tokens', source: count('uncached_input_tokens'), stored: sql`"input"` },
    { measure: 'cache read tokens', source: count('cache_read_input_tokens'), stored: sql`cache_read` },
    { measure: 'cache write 5m tokens', source: count('cache_5m'), stored: sql`cache_write_5m` },
    { measure: 'cache write 1h tokens', source: count('cache_1h'), stored: sql`cache_write_1h` },
    { measure: 'output tokens', source: count('output_tokens'), stored: sql`"output"` },
  ],
  replace: { kind: 'rows', key: ['request_id'] },
});
