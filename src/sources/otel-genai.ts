// OpenTelemetry GenAI traces: OTLP/JSON exports (resourceSpans -> scopeSpans -> spans), as one document or NDJSON
// with one ExportTraceServiceRequest per line (the collector's file exporter). One usage row per leaf model call,
// keyed by trace and span id; agent, workflow and tool spans carry roll-ups and are skipped, so the sum over a trace
// is its model calls counted once (samples/otel-genai/FORMAT.md, PRODUCT §3).
//
// Token rule (gen_ai.usage.* SHOULD include cached tokens in input_tokens, as OpenAI does):
//   input (uncached) = input_tokens − cache_read − cache_creation, when the cache tokens fit inside input_tokens;
//   otherwise (cache_read + cache_creation > input_tokens, e.g. cache_read > input) the instrumentation copied
//   Anthropic's raw split and input_tokens is already the uncached count. OTel has no cache TTL: creation tokens are
//   class `cache_write`. Reasoning and modality counts are subsets and are not added again.

import type { RowCheck, SourceDefinition } from '../normalize/contract.js';
import { str } from '../normalize/ops.js';
import { attributeTags, derivedTags, mergeTags } from '../normalize/usage-ops.js';
import { normalizeProviderSql } from '../prices/names.js';
import { lit } from '../store/duckdb.js';

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
const attr = (name: string) => `NULLIF(trim(_attr[${ATTRS.indexOf(name) + 1}]), '')`;
const attrs = (names: string[]) => `COALESCE(${names.map(attr).join(', ')})`;

/** Leaf model calls; any other span with token usage counts too unless it is a roll-up span. */
const LEAF_OPS = ['chat', 'generate_content', 'text_completion', 'embeddings'];
const ROLLUP_OPS = ['invoke_agent', 'create_agent', 'invoke_workflow', 'execute_tool'];
// the same roll-up spans as OpenInference and OpenLLMetry (Traceloop) mark them
const ROLLUP_KINDS = ['agent', 'chain', 'tool', 'workflow', 'task'];
const inList = (xs: string[]) => `(${xs.map(lit).join(', ')})`;
const op = `lower(${attr('gen_ai.operation.name')})`;
const kind = `lower(COALESCE(${attr('openinference.span.kind')}, ${attr('traceloop.span.kind')}, ''))`;
const hasUsage = TOKEN_ATTRS.map((n) => `${attr(n)} IS NOT NULL`).join(' OR ');
const LEAF = `(COALESCE(${op} IN ${inList(LEAF_OPS)}, false) OR ((${hasUsage})
  AND COALESCE(${op}, '') NOT IN ${inList(ROLLUP_OPS)} AND ${kind} NOT IN ${inList(ROLLUP_KINDS)}))`;

const count = (x: string) => `CAST(TRY_CAST(${x} AS DECIMAL(38,6)) AS BIGINT)`;
const tokens = (names: string[]) => `COALESCE(${count(attrs(names))}, 0)`;
const input = tokens(TOKENS.input);
const cacheRead = tokens(TOKENS.cacheRead);
const cacheCreation = tokens(TOKENS.cacheCreation);
const folded = `(${input} >= ${cacheRead} + ${cacheCreation})`;

// 64-bit nanoseconds, read from their text: never through a double (TRAPS.md); micro-second precision is kept.
const nanos = (c: string) =>
  `CASE WHEN regexp_full_match(${str(c)}, '[0-9]{1,20}') THEN CAST(${str(c)} AS HUGEINT) END`;
const start = nanos('startTimeUnixNano');
const end = nanos('endTimeUnixNano');
const statusCode = `upper(${str('status.code')})`;

const tokenCheck = (name: string): RowCheck => {
  const n = `TRY_CAST(${attr(name)} AS DECIMAL(38,6))`;
  return {
    column: name,
    bad: `${attr(name)} IS NOT NULL AND (${n} IS NULL OR ${n} < 0 OR ${n} <> floor(${n}))`,
    problem: 'not a non-negative whole number',
  };
};

export const otelGenai: SourceDefinition = {
  id: 'otel-genai',
  title: 'OpenTelemetry GenAI spans (OTLP/JSON trace export, gen_ai.* attributes, old and new names)',
  family: 'gateway',
  dataset: 'usage',
  formats: ['json'],
  detects: 'OTLP/JSON traces: resourceSpans/scopeSpans/spans (one document or NDJSON), gen_ai.* attributes',
  detect: (s) => {
    if (s.format !== 'json' || !s.head.includes('"resourceSpans"')) return 0;
    return s.head.includes('"gen_ai.') ? 1 : 0.6;
  },
  reader: () => ({
    kind: 'json',
    records: { path: ['resourceSpans', '*', 'scopeSpans', '*', 'spans', '*'], fields: FIELDS },
    columns: Object.fromEntries(Object.keys(FIELDS).map((f) => [f, { type: 'VARCHAR' }])),
  }),
  let: {
    _attr: `json_extract_string(TRY_CAST("attributes" AS JSON), [${ATTRS.map((a) => lit(`$."${a}"`)).join(', ')}])`,
  },
  where: LEAF,
  checks: [
    { column: 'traceId', bad: `${str('traceId')} IS NULL`, problem: 'required value is missing' },
    { column: 'spanId', bad: `${str('spanId')} IS NULL`, problem: 'required value is missing' },
    { column: 'startTimeUnixNano', bad: `${start} IS NULL`, problem: 'not a Unix time in nanoseconds' },
    {
      column: 'endTimeUnixNano',
      bad: `${str('endTimeUnixNano')} IS NOT NULL AND ${end} IS NULL`,
      problem: 'not a Unix time in nanoseconds',
    },
    ...TOKEN_ATTRS.map(tokenCheck),
  ],
  map: {
    grain: `'request'`,
    request_id: str('spanId'),
    trace_id: str('traceId'),
    parent_id: str('parentSpanId'),
    timestamp: `(make_timestamp(CAST(${start} // 1000 AS BIGINT)) AT TIME ZONE 'UTC')`,
    provider: normalizeProviderSql(attrs(['gen_ai.provider.name', 'gen_ai.system'])),
    model_raw: attrs(['gen_ai.response.model', 'gen_ai.request.model']),
    operation: op,
    input: `CASE WHEN ${folded} THEN ${input} - ${cacheRead} - ${cacheCreation} ELSE ${input} END`,
    cache_read: cacheRead,
    cache_write: cacheCreation,
    output: tokens(TOKENS.output),
    service_tier: attrs([
      'openai.response.service_tier',
      'gen_ai.openai.response.service_tier',
      'openai.request.service_tier',
      'gen_ai.openai.request.service_tier',
    ]),
    request_count: '1',
    request_type: `'interactive'`,
    // OTel leaves status Unset on success (instrumentations set only Error)
    status: `CASE WHEN ${statusCode} IN ('2', 'STATUS_CODE_ERROR', 'ERROR') THEN 'failure' ELSE 'success' END`,
    latency_ms: `CASE WHEN ${end} >= ${start} THEN CAST((${end} - ${start}) // 1000000 AS BIGINT) END`,
    tags: mergeTags([
      attributeTags('"resource.attributes"', ['gen_ai.']),
      attributeTags('"attributes"', ['gen_ai.']),
      derivedTags({
        'gen_ai.agent.name': attr('gen_ai.agent.name'),
        'gen_ai.conversation.id': attr('gen_ai.conversation.id'),
      }),
    ]),
  },
  reconcile: [
    {
      measure: 'input tokens incl. cache (input_tokens / prompt_tokens, plus unfolded cache tokens)',
      source: `CASE WHEN ${folded} THEN ${input} ELSE ${input} + ${cacheRead} + ${cacheCreation} END`,
      stored: '"input" + cache_read + cache_write',
    },
    { measure: 'cache read tokens', source: cacheRead, stored: 'cache_read' },
    { measure: 'cache creation tokens', source: cacheCreation, stored: 'cache_write' },
    { measure: 'output tokens', source: tokens(TOKENS.output), stored: '"output"' },
  ],
  replace: { kind: 'rows', key: ['trace_id', 'request_id'] },
};
