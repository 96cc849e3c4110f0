// OpenTelemetry GenAI traces: OTLP/JSON exports (resourceSpans -> scopeSpans -> spans), as one document or NDJSON
// with one ExportTraceServiceRequest per line (the collector's file exporter). One usage row per leaf model call,
// keyed by trace and span id; agent, workflow and tool spans carry roll-ups and are skipped, so the sum over a trace
// is its model calls counted once (docs/vendor-formats.md#opentelemetry-genai, docs/data-model.md#usage-columns).
//
// Token rule (gen_ai.usage.* SHOULD include cached tokens in input_tokens, as OpenAI does):
//   input (uncached) = input_tokens − cache_read − cache_creation, when the cache tokens fit inside input_tokens;
//   otherwise (cache_read + cache_creation > input_tokens, e.g. cache_read > input) the instrumentation copied
//   Anthropic's raw split and input_tokens is already the uncached count. OTel has no cache TTL: creation tokens are
//   class `cache_write`. Reasoning and modality counts are subsets and are not added again.

import { defineSource } from '../normalize/contract.js';
import {
  caseWhen,
  checks,
  coalesce,
  col,
  countCheck,
  countOf,
  oneOf,
  str,
  text,
  unixNanos,
  value,
} from '../normalize/ops.js';
import { asJson, jsonFields, namedList, nanosCheck, nanosElapsedMs } from '../normalize/trace-ops.js';
import {
  attributeTags,
  derivedTags,
  inputInclCache,
  mergeTags,
  STORED_INPUT_TOTAL,
  uncachedInput,
} from '../normalize/usage-ops.js';
import { normalizeProviderSql } from '../prices/names.js';
import { lit, sql } from '../sql.js';

/** Reader fields, named as in OTLP/JSON so messages name what the user sees. */
const FIELDS: Record<string, string> = {
  traceId: 'traceId',
  spanId: 'spanId',
  parentSpanId: 'parentSpanId',
  startTimeUnixNano: 'startTimeUnixNano',
  endTimeUnixNano: 'endTimeUnixNano',
  'status.code': 'status.code',
  attributes: 'attributes{otlp}',
  'resource.attributes': '../../resource.attributes{otlp}',
};

/** Current name first, then the older names instrumentations still emit. */
const TOKENS = {
  input: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'],
  output: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'],
  cacheRead: ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens'],
  cacheCreation: [
    'gen_ai.usage.cache_creation.input_tokens',
    'gen_ai.usage.cache_write.input_tokens',
    'gen_ai.usage.cache_creation_input_tokens',
  ],
};
const TOKEN_ATTRS = Object.values(TOKENS).flat();

// Every attribute read below, extracted once per span as a list (one JSON parse), read by name.
const ATTRS = [
  'gen_ai.operation.name',
  'gen_ai.provider.name',
  'gen_ai.system',
  'gen_ai.response.model',
  'gen_ai.request.model',
  'gen_ai.agent.name',
  'gen_ai.conversation.id',
  'openai.response.service_tier',
  'gen_ai.openai.response.service_tier',
  'openai.request.service_tier',
  'gen_ai.openai.request.service_tier',
  'openinference.span.kind',
  'traceloop.span.kind',
  ...TOKEN_ATTRS,
];
const attrList = namedList('_attr', ATTRS);
const attr = (name: string) => text(attrList.at(name));
const attrs = (names: string[]) => coalesce(...names.map(attr));

/** Leaf model calls; any other span with token usage counts too unless it is a roll-up span. */
const LEAF_OPS = ['chat', 'generate_content', 'text_completion', 'embeddings'];
const ROLLUP_OPS = ['invoke_agent', 'create_agent', 'invoke_workflow', 'execute_tool'];
// the same roll-up spans as OpenInference and OpenLLMetry (Traceloop) mark them
const ROLLUP_KINDS = ['agent', 'chain', 'tool', 'workflow', 'task'];
const op = sql`lower(${attr('gen_ai.operation.name')})`;
const kind = sql`lower(${attrs(['openinference.span.kind', 'traceloop.span.kind'])})`;
const hasUsage = sql`${attrs(TOKEN_ATTRS)} IS NOT NULL`;
const LEAF = sql`(${oneOf(op, LEAF_OPS)} OR (${hasUsage}
  AND NOT ${oneOf(op, ROLLUP_OPS)} AND NOT ${oneOf(kind, ROLLUP_KINDS)}))`;

const tokens = (names: string[]) => countOf(attrs(names));
const input = tokens(TOKENS.input);
const cacheRead = tokens(TOKENS.cacheRead);
const cacheCreation = tokens(TOKENS.cacheCreation);
const output = tokens(TOKENS.output);

export const otelGenai = defineSource({
  id: 'otel-genai',
  title: 'OpenTelemetry GenAI spans (OTLP/JSON trace export, gen_ai.* attributes, old and new names)',
  family: 'gateway',
  dataset: 'usage',
  detects: 'OTLP/JSON traces: resourceSpans/scopeSpans/spans (one document or NDJSON), gen_ai.* attributes',
  detect: [
    { format: 'json', json: ['"resourceSpans"', '"gen_ai.'] },
    { format: 'json', json: ['"resourceSpans"'], score: 0.6 },
  ],
  reader: () => ({
    kind: 'json',
    records: { path: ['resourceSpans', '*', 'scopeSpans', '*', 'spans', '*'], fields: FIELDS },
    columns: Object.fromEntries(Object.keys(FIELDS).map((f) => [f, { type: 'VARCHAR' }])),
  }),
  let: {
    _attr: jsonFields(asJson(col('attributes')), ATTRS),
  },
  where: LEAF,
  checks: [
    checks.required('traceId'),
    checks.required('spanId'),
    // 64-bit nanoseconds, read from their text, never through a double (docs/duckdb-notes.md#long-numbers-in-json)
    nanosCheck('startTimeUnixNano', true),
    nanosCheck('endTimeUnixNano', false),
    ...TOKEN_ATTRS.map((name) => countCheck(name, attr(name))),
  ],
  map: {
    grain: lit('request'),
    request_id: str('spanId'),
    trace_id: str('traceId'),
    parent_id: str('parentSpanId'),
    // microsecond precision is kept
    timestamp: unixNanos('startTimeUnixNano'),
    provider: normalizeProviderSql(attrs(['gen_ai.provider.name', 'gen_ai.system'])),
    model_raw: attrs(['gen_ai.response.model', 'gen_ai.request.model']),
    operation: op,
    input: uncachedInput(input, cacheRead, cacheCreation),
    cache_read: cacheRead,
    cache_write: cacheCreation,
    output,
    service_tier: attrs([
      'openai.response.service_tier',
      'gen_ai.openai.response.service_tier',
      'openai.request.service_tier',
      'gen_ai.openai.request.service_tier',
    ]),
    request_count: value(1),
    request_type: lit('interactive'),
    // OTel leaves status Unset on success (instrumentations set only Error)
    status: caseWhen(
      [[oneOf(sql`upper(${str('status.code')})`, ['2', 'STATUS_CODE_ERROR', 'ERROR']), lit('failure')]],
      lit('success'),
    ),
    latency_ms: nanosElapsedMs('startTimeUnixNano', 'endTimeUnixNano'),
    tags: mergeTags([
      attributeTags(col('resource.attributes'), ['gen_ai.']),
      attributeTags(col('attributes'), ['gen_ai.']),
      derivedTags({
        'gen_ai.agent.name': attr('gen_ai.agent.name'),
        'gen_ai.conversation.id': attr('gen_ai.conversation.id'),
      }),
    ]),
  },
  reconcile: [
    {
      measure: 'input tokens incl. cache (input_tokens / prompt_tokens, plus unfolded cache tokens)',
      source: inputInclCache(input, cacheRead, cacheCreation),
      stored: STORED_INPUT_TOTAL,
    },
    { measure: 'cache read tokens', source: cacheRead, stored: col('cache_read') },
    { measure: 'cache creation tokens', source: cacheCreation, stored: col('cache_write') },
    { measure: 'output tokens', source: output, stored: col('output') },
  ],
  replace: { kind: 'rows', key: ['trace_id', 'request_id'] },
});
