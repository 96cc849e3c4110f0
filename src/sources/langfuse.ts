// Langfuse trace exports (UI / public API): `{trace, observations}` documents, a JSON list of them, or NDJSON with
// one per line (samples/langfuse/FORMAT.md). One usage row per GENERATION or EMBEDDING observation, joined to its
// enclosing trace for attribution (`../trace.*`: the trace is the document the observation sits in). Agent, chain,
// span, tool and event observations carry roll-ups or nothing: they are skipped, so a trace counts each model call
// once. Langfuse's own cost (`costDetails.total`, inferred from its price table) is kept as source_cost, never as
// money of record. Prompt and completion text (`input`/`output`) is never read.
//
// Usage keys are free-form (FORMAT.md gotcha 1). The rule, from Langfuse's ingestion code: its own `input_*` /
// `output_*` details are disjoint buckets (the OpenAI-usage transform and the LangChain handler subtract each from
// `input` / `output`, and its cost is Σ key × price), as are provider-native keys (Anthropic's cache tokens beside
// `input_tokens`, Gemini's thoughts beside candidates); the OpenInference / OTel pass-through details
// (`prompt_details.*`, `completion_details.*`, `cache_read.input_tokens`) and Gemini's `cached_content_token_count`
// are breakdowns inside `input` / `output`. KEYS below gives the class of every key.

import type { InputColumn, RowCheck, Sniff, SourceDefinition } from '../normalize/contract.js';
import { str } from '../normalize/ops.js';
import { attributeTags, derivedTags, mergeTags, stringListTags } from '../normalize/usage-ops.js';
import { normalizeProviderSql } from '../prices/names.js';
import { lit } from '../store/duckdb.js';

/** Reader fields, named as Langfuse names them; `trace.*` climb to the trace of the enclosing document. */
const FIELDS: Record<string, string> = {
  id: 'id',
  traceId: 'traceId',
  parentObservationId: 'parentObservationId',
  type: 'type',
  startTime: 'startTime',
  endTime: 'endTime',
  level: 'level',
  model: 'model',
  'metadata.ls_provider': 'metadata.ls_provider',
  'modelParameters.service_tier': 'modelParameters.service_tier',
  usageDetails: 'usageDetails{}',
  // deprecated `usage {input, output, total, unit}` of older exports
  usage: 'usage{}',
  costDetails: 'costDetails{}',
  'costDetails.total': 'costDetails.total',
  totalCost: 'totalCost',
  calculatedTotalCost: 'calculatedTotalCost',
  // observations of the v2 API carry their trace's user and session themselves
  userId: 'userId',
  sessionId: 'sessionId',
  'trace.id': '../trace.id',
  'trace.userId': '../trace.userId',
  'trace.sessionId': '../trace.sessionId',
  'trace.tags': '../trace.tags{}',
  // an object, or (as in the real exports) a JSON string inside JSON: read as text either way, parsed in SQL
  'trace.metadata': '../trace.metadata',
};
const COLUMNS: Record<string, InputColumn> = Object.fromEntries(
  Object.keys(FIELDS).map((f) => [f, { type: 'VARCHAR' }]),
);

/**
 * Every usage-detail key aicost reads, by token class. "first" lists are synonyms (the first present counts);
 * "add" keys are disjoint buckets added to the class; "inside" keys are breakdowns already counted in `input`,
 * moved to their cache class once (only when they fit inside `input`, else they are disjoint and added);
 * "note" keys are breakdowns already inside input/output and are not added. Other keys are not tokens.
 */
const KEYS = {
  input: {
    first: ['input', 'input_tokens', 'prompt_tokens', 'prompt_token_count', 'promptTokenCount'],
    add: ['input_audio', 'input_audio_tokens', 'input_text', 'input_text_tokens', 'input_image'],
    addPrefix: 'input_modality_',
  },
  cacheRead: {
    add: [
      'input_cache_read',
      'input_cached_tokens',
      'cache_read_input_tokens',
      'input_cached_text_tokens',
      'input_cached_audio_tokens',
    ],
    addPrefix: 'cached_modality_',
    inside: [
      'prompt_details.cache_read',
      'cache_read.input_tokens',
      'cached_content_token_count',
      'cachedContentTokenCount',
    ],
  },
  cacheWrite5m: { add: ['input_cache_creation_5m', 'input_ephemeral_5m_input_tokens'] },
  cacheWrite1h: { add: ['input_cache_creation_1h', 'input_ephemeral_1h_input_tokens'] },
  /** Cache writes of unknown TTL; the 5m/1h keys, when present, are its breakdown. */
  cacheWrite: {
    add: ['input_cache_creation', 'cache_creation_input_tokens', 'input_cache_write', 'cache_write_tokens'],
    inside: ['prompt_details.cache_write', 'prompt_details.cache_creation', 'cache_creation.input_tokens'],
  },
  output: {
    first: ['output', 'output_tokens', 'completion_tokens', 'candidates_token_count', 'candidatesTokenCount'],
    add: [
      'output_reasoning',
      'output_reasoning_tokens',
      'output_audio',
      'output_audio_tokens',
      'output_text',
      'output_text_tokens',
      'thoughts_token_count',
      'thoughtsTokenCount',
    ],
    addPrefix: 'output_modality_',
  },
  note: [
    'total',
    'prompt_details.audio',
    'completion_details.reasoning',
    'completion_details.audio',
    'reasoning_tokens',
  ],
} as const;

const NAMED: string[] = [
  ...KEYS.input.first,
  ...KEYS.input.add,
  ...KEYS.cacheRead.add,
  ...KEYS.cacheRead.inside,
  ...KEYS.cacheWrite5m.add,
  ...KEYS.cacheWrite1h.add,
  ...KEYS.cacheWrite.add,
  ...KEYS.cacheWrite.inside,
  ...KEYS.output.first,
  ...KEYS.output.add,
];
const PREFIXES: string[] = [KEYS.input.addPrefix, KEYS.cacheRead.addPrefix, KEYS.output.addPrefix];

// usageDetails, or the deprecated `usage` object when an older export has no usageDetails
const usageJson = `TRY_CAST(COALESCE(NULLIF("usageDetails", '{}'), "usage") AS JSON)`;
const keyPath = (k: string) => `'$."' || replace(${k}, '"', '\\"') || '"'`;

const num = (v: string) => `CAST(TRY_CAST(${v} AS DECIMAL(38,6)) AS BIGINT)`;
const key = (k: string) => num(`_usage[${NAMED.indexOf(k) + 1}]`);
const first = (ks: readonly string[]) => `COALESCE(${ks.map(key).join(', ')}, 0)`;
const sum = (ks: readonly string[]) => `(${ks.map((k) => `COALESCE(${key(k)}, 0)`).join(' + ')})`;
const prefixSum = (p: string) => `COALESCE(_usage_prefixed[${PREFIXES.indexOf(p) + 1}], 0)`;

const inputBase = first(KEYS.input.first);
const inputAdded = `(${sum(KEYS.input.add)} + ${prefixSum(KEYS.input.addPrefix)})`;
const readAdded = `(${sum(KEYS.cacheRead.add)} + ${prefixSum(KEYS.cacheRead.addPrefix)})`;
const readInside = sum(KEYS.cacheRead.inside);
const write5m = sum(KEYS.cacheWrite5m.add);
const write1h = sum(KEYS.cacheWrite1h.add);
const writeAll = `GREATEST(${sum(KEYS.cacheWrite.add)}, ${write5m} + ${write1h})`;
const writeInside = sum(KEYS.cacheWrite.inside);
// OpenInference/OTel breakdowns sit inside `input`; a client that sent them apart is caught by the fit test
const fits = `(${inputBase} >= ${readInside} + ${writeInside})`;
const output = `(${first(KEYS.output.first)} + ${sum(KEYS.output.add)} + ${prefixSum(KEYS.output.addPrefix)})`;

const rawMeta = `TRY_CAST("trace.metadata" AS JSON)`;
// metadata is a JSON string inside JSON in the real exports; a string holding JSON text is parsed once more
const metaObj = `(CASE WHEN json_type(${rawMeta}) = 'VARCHAR' THEN TRY_CAST(${rawMeta} ->> '$' AS JSON) ELSE ${rawMeta} END)`;

/** First-party model families by id prefix, for traces that name no provider (the model's own maker). */
const MODEL_FAMILIES: [string, string][] = [
  [
    'openai',
    '^(gpt-|chatgpt-|o[134](-|$)|text-embedding-(3|ada)|dall-e|whisper|tts-|omni-moderation|text-moderation)',
  ],
  ['anthropic', '^claude-'],
  ['google', '^(models/)?gemini-'],
  ['mistral', '^(mistral|codestral|ministral|pixtral|magistral|devstral)'],
];

/**
 * The maker of a bare model id (`gpt-4o` -> openai, `claude-...` -> anthropic), NULL for other ids. A request routed
 * through another host (Azure, Bedrock, Vertex) is only known as such from a provider hint, which takes precedence.
 */
export function modelFamilyProviderSql(modelExpr: string): string {
  const m = `lower(${modelExpr})`;
  return `(CASE ${MODEL_FAMILIES.map(([p, re]) => `WHEN regexp_matches(${m}, ${lit(re)}) THEN ${lit(p)}`).join(' ')} END)`;
}

// LangChain's `ls_provider` names for Google's two APIs, which the shared spellings do not list
const lsProvider = `CASE WHEN lower(${str('metadata.ls_provider')}) IN ('google_vertexai', 'google_genai', 'google_anthropic_vertex')
  THEN 'google' ELSE ${str('metadata.ls_provider')} END`;

// an observation whose traceId names another trace than the enclosing one takes none of its attribution
const ofTrace = (expr: string) =>
  `CASE WHEN ${str('traceId')} IS NULL OR ${str('trace.id')} IS NULL OR ${str('traceId')} = ${str('trace.id')} THEN ${expr} END`;

const money = (c: string) => `TRY_CAST(${str(c)} AS DECIMAL(38,18))`;
const moneyCheck = (c: string): RowCheck => ({
  column: c,
  bad: `${str(c)} IS NOT NULL AND ${money(c)} IS NULL`,
  problem: 'not a number',
});
const time = (c: string) => `TRY_CAST(${str(c)} AS TIMESTAMPTZ)`;

/** The document shape: one `{trace, observations}` per document (or NDJSON line), or a list of them. */
function recordPath(sniff: Sniff): string[] {
  return sniff.head.trimStart().startsWith('[') ? ['*', 'observations', '*'] : ['observations', '*'];
}

export const langfuse: SourceDefinition = {
  id: 'langfuse',
  title: 'Langfuse trace export (trace + observations JSON, UI or public API)',
  family: 'gateway',
  dataset: 'usage',
  formats: ['json'],
  detects:
    'JSON {trace, observations} (one document, a list, or NDJSON); GENERATION/EMBEDDING observations become rows',
  detect: (s) => {
    if (s.format !== 'json' || !/"trace"\s*:\s*\{/.test(s.head)) return 0;
    if (s.head.includes('"observations"')) return 1;
    // a trace with a large input can push `observations` past the sniffed head
    return s.head.includes('"sessionId"') && s.head.includes('"bookmarked"') ? 0.8 : 0;
  },
  reader: (s) => ({ kind: 'json', records: { path: recordPath(s), fields: FIELDS }, columns: COLUMNS }),
  let: {
    _usage: `json_extract_string(${usageJson}, [${NAMED.map((k) => lit(`$."${k}"`)).join(', ')}])`,
    _usage_prefixed: `list_transform([${PREFIXES.map(lit).join(', ')}], p -> list_sum(list_transform(
        list_filter(json_keys(${usageJson}), k -> starts_with(k, p)),
        k -> ${num(`json_extract_string(${usageJson}, ${keyPath('k')})`)})))`,
    _meta: metaObj,
  },
  where: `upper(${str('type')}) IN ('GENERATION', 'EMBEDDING')`,
  checks: [
    { column: 'id', bad: `${str('id')} IS NULL`, problem: 'required value is missing' },
    { column: 'startTime', bad: `${time('startTime')} IS NULL`, problem: 'not a date/time' },
    {
      column: 'usageDetails',
      bad: `len(list_filter(_usage, v -> v IS NOT NULL AND (TRY_CAST(v AS DECIMAL(38,6)) IS NULL
        OR TRY_CAST(v AS DECIMAL(38,6)) < 0 OR TRY_CAST(v AS DECIMAL(38,6)) <> floor(TRY_CAST(v AS DECIMAL(38,6)))))) > 0`,
      problem: 'a token count is not a non-negative whole number',
    },
    moneyCheck('costDetails.total'),
    moneyCheck('totalCost'),
  ],
  recordKey: 'id',
  map: {
    grain: `'request'`,
    request_id: str('id'),
    trace_id: `COALESCE(${str('traceId')}, ${str('trace.id')})`,
    parent_id: str('parentObservationId'),
    timestamp: time('startTime'),
    // LangChain's provider hint, else a `provider/` prefix on the model id (`openai/gpt-4o`), else the model family
    provider: normalizeProviderSql(
      `COALESCE(${lsProvider}, NULLIF(regexp_extract(lower(${str('model')}), '^([a-z_-]+)/', 1), ''), ${modelFamilyProviderSql(str('model'))})`,
    ),
    model_raw: str('model'),
    operation: `lower(${str('type')})`,
    input: `${inputBase} - CASE WHEN ${fits} THEN ${readInside} + ${writeInside} ELSE 0 END + ${inputAdded}`,
    cache_read: `${readAdded} + ${readInside}`,
    cache_write_5m: write5m,
    cache_write_1h: write1h,
    cache_write: `${writeAll} - ${write5m} - ${write1h} + ${writeInside}`,
    output,
    service_tier: str('modelParameters.service_tier'),
    request_count: '1',
    request_type: `'interactive'`,
    status: `CASE WHEN upper(${str('level')}) = 'ERROR' THEN 'failure' ELSE 'success' END`,
    latency_ms: `CASE WHEN ${time('endTime')} >= ${time('startTime')}
      THEN CAST(epoch_ms(${time('endTime')}) - epoch_ms(${time('startTime')}) AS BIGINT) END`,
    // costDetails.total is the cost Langfuse shows (client-provided or inferred); an empty costDetails means
    // "no price known" (unknown model), not zero. Exports without costDetails carry only the legacy totals.
    source_cost: `CASE WHEN ${str('costDetails.total')} IS NOT NULL THEN ${money('costDetails.total')}
      WHEN "costDetails" IS NULL OR "costDetails" <> '{}'
      THEN TRY_CAST(COALESCE(${str('totalCost')}, ${str('calculatedTotalCost')}) AS DECIMAL(38,18)) END`,
    tags: mergeTags([
      derivedTags({
        user: `COALESCE(${ofTrace(str('trace.userId'))}, ${str('userId')})`,
        session: `COALESCE(${ofTrace(str('trace.sessionId'))}, ${str('sessionId')})`,
      }),
      ofTrace(stringListTags('"trace.tags"')),
      // OTel-ingested traces keep OpenInference attributes in metadata: content segments dropped, scalars only
      ofTrace(attributeTags('_meta')),
    ]),
  },
  reconcile: [
    {
      measure: 'input and cache usage keys (breakdowns inside input counted once)',
      source: `${inputBase} + ${inputAdded} + ${readAdded} + ${writeAll}
        + CASE WHEN ${fits} THEN 0 ELSE ${readInside} + ${writeInside} END`,
      stored: '"input" + cache_read + cache_write + cache_write_5m + cache_write_1h',
    },
    { measure: 'output usage keys (reasoning included)', source: output, stored: '"output"' },
    {
      measure: 'Langfuse cost (source_cost)',
      source: `COALESCE(${money('costDetails.total')}, CASE WHEN "costDetails" IS NULL OR "costDetails" <> '{}'
        THEN TRY_CAST(COALESCE(${str('totalCost')}, ${str('calculatedTotalCost')}) AS DECIMAL(38,18)) END, 0)`,
      stored: 'COALESCE(source_cost, 0)',
    },
  ],
  replace: { kind: 'rows', key: ['trace_id', 'request_id'] },
};
