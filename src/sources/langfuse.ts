// Langfuse trace exports (UI / public API): `{trace, observations}` documents, a JSON list of them, or NDJSON with
// one per line (docs/vendor-formats.md#langfuse). One usage row per GENERATION or EMBEDDING observation, joined to
// its enclosing trace for attribution (`../trace.*`: the trace is the document the observation sits in). Agent,
// chain, span, tool and event observations carry roll-ups or nothing: they are skipped, so a trace counts each model
// call once. Langfuse's own cost (`costDetails.total`, inferred from its price table) is kept as source_cost, never
// as money of record. Prompt and completion text (`input`/`output`) is never read.
//
// Usage keys are free-form (docs/vendor-formats.md#langfuse). The rule, from Langfuse's ingestion code: its own
// `input_*` / `output_*` details are disjoint buckets (the OpenAI-usage transform and the LangChain handler subtract
// each from `input` / `output`, and its cost is Σ key × price), as are provider-native keys (Anthropic's cache
// tokens beside `input_tokens`, Gemini's thoughts beside candidates); the OpenInference / OTel pass-through details
// (`prompt_details.*`, `completion_details.*`, `cache_read.input_tokens`) and Gemini's `cached_content_token_count`
// are breakdowns inside `input` / `output`. KEYS below gives the class of every key.

import { defineSource, type InputColumn, type Sniff } from '../normalize/contract.js';
import {
  caseWhen,
  checks,
  coalesce,
  col,
  countOf,
  decimal,
  decimalOf,
  integerOf,
  isoTime,
  oneOf,
  str,
  value,
} from '../normalize/ops.js';
import {
  asJson,
  countsCheck,
  elapsedMs,
  jsonFields,
  keyPrefixCounts,
  namedList,
  parsedJson,
  plus,
  requestProvider,
} from '../normalize/trace-ops.js';
import {
  attributeTags,
  derivedTags,
  inputInclCache,
  mergeTags,
  STORED_INPUT_TOTAL,
  stringListTags,
  uncachedInput,
} from '../normalize/usage-ops.js';
import { vendorProviderSql } from '../prices/names.js';
import { lit, type Sql, sql } from '../sql.js';

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
const USAGE = asJson(coalesce(sql`NULLIF("usageDetails", '{}')`, col('usage')));
const usage = namedList('_usage', NAMED);
const prefixed = namedList('_usage_prefixed', PREFIXES);

const first = (ks: readonly string[]) => coalesce(...ks.map((k) => integerOf(usage.at(k))), value(0));
const sum = (ks: readonly string[]) => plus(...ks.map((k) => countOf(usage.at(k))));
const prefixSum = (p: string) => coalesce(prefixed.at(p), value(0));

const inputBase = first(KEYS.input.first);
const inputAdded = plus(sum(KEYS.input.add), prefixSum(KEYS.input.addPrefix));
const readAdded = plus(sum(KEYS.cacheRead.add), prefixSum(KEYS.cacheRead.addPrefix));
const readInside = sum(KEYS.cacheRead.inside);
const write5m = sum(KEYS.cacheWrite5m.add);
const write1h = sum(KEYS.cacheWrite1h.add);
const writeAll = sql`GREATEST(${sum(KEYS.cacheWrite.add)}, ${plus(write5m, write1h)})`;
const writeInside = sum(KEYS.cacheWrite.inside);
const output = plus(first(KEYS.output.first), sum(KEYS.output.add), prefixSum(KEYS.output.addPrefix));

// LangChain's `ls_provider` names for Google's two APIs, which the shared spellings do not list
const lsProvider = vendorProviderSql(str('metadata.ls_provider'), {
  google_vertexai: 'google',
  google_genai: 'google',
  google_anthropic_vertex: 'google',
});

// an observation whose traceId names another trace than the enclosing one takes none of its attribution
const [obsTrace, docTrace] = [str('traceId'), str('trace.id')];
const sameTrace = sql`${obsTrace} IS NULL OR ${docTrace} IS NULL OR ${obsTrace} = ${docTrace}`;
const ofTrace = (expr: Sql) => caseWhen([[sameTrace, expr]]);

// costDetails.total is the cost Langfuse shows (client-provided or inferred); an empty costDetails means "no price
// known" (unknown model), not zero. Exports without costDetails carry only the legacy totals.
const legacyCost = caseWhen([
  [
    sql`"costDetails" IS NULL OR "costDetails" <> '{}'`,
    decimalOf(coalesce(str('totalCost'), str('calculatedTotalCost'))),
  ],
]);

/** The document shape: one `{trace, observations}` per document (or NDJSON line), or a list of them. */
function recordPath(sniff: Sniff): string[] {
  return sniff.head.trimStart().startsWith('[') ? ['*', 'observations', '*'] : ['observations', '*'];
}

const TRACE = /"trace"\s*:\s*\{/;

export const langfuse = defineSource({
  id: 'langfuse',
  title: 'Langfuse trace export (trace + observations JSON, UI or public API)',
  family: 'gateway',
  dataset: 'usage',
  detects:
    'JSON {trace, observations} (one document, a list, or NDJSON); GENERATION/EMBEDDING observations become rows',
  detect: [
    { format: 'json', json: [TRACE, '"observations"'] },
    // a trace with a large input can push `observations` past the sniffed head
    { format: 'json', json: [TRACE, '"sessionId"', '"bookmarked"'], score: 0.8 },
  ],
  reader: (s) => ({ kind: 'json', records: { path: recordPath(s), fields: FIELDS }, columns: COLUMNS }),
  let: {
    _usage: jsonFields(USAGE, NAMED),
    _usage_prefixed: keyPrefixCounts(USAGE, PREFIXES),
    // metadata is a JSON string inside JSON in the real exports
    _meta: parsedJson(col('trace.metadata')),
  },
  where: oneOf(sql`upper(${str('type')})`, ['GENERATION', 'EMBEDDING']),
  checks: [
    checks.required('id'),
    checks.isoTime('startTime'),
    countsCheck('usageDetails', col('_usage'), 'a token count is not a non-negative whole number'),
    checks.number('costDetails.total'),
    checks.number('totalCost'),
  ],
  recordKey: 'id',
  map: {
    grain: lit('request'),
    request_id: str('id'),
    trace_id: coalesce(str('traceId'), str('trace.id')),
    parent_id: str('parentObservationId'),
    timestamp: isoTime('startTime'),
    // LangChain's provider hint, else a `provider/` prefix on the model id (`openai/gpt-4o`), else the model family
    provider: requestProvider(lsProvider, str('model')),
    model_raw: str('model'),
    operation: sql`lower(${str('type')})`,
    // OpenInference/OTel breakdowns sit inside `input`; a client that sent them apart does not fit (usage-ops.ts)
    input: plus(uncachedInput(inputBase, readInside, writeInside), inputAdded),
    cache_read: plus(readAdded, readInside),
    cache_write_5m: write5m,
    cache_write_1h: write1h,
    cache_write: sql`${writeAll} - ${write5m} - ${write1h} + ${writeInside}`,
    output,
    service_tier: str('modelParameters.service_tier'),
    request_count: value(1),
    request_type: lit('interactive'),
    status: caseWhen([[sql`upper(${str('level')}) = 'ERROR'`, lit('failure')]], lit('success')),
    latency_ms: elapsedMs(isoTime('startTime'), isoTime('endTime')),
    source_cost: caseWhen(
      [[sql`${str('costDetails.total')} IS NOT NULL`, decimal('costDetails.total')]],
      legacyCost,
    ),
    tags: mergeTags([
      derivedTags({
        user: coalesce(ofTrace(str('trace.userId')), str('userId')),
        session: coalesce(ofTrace(str('trace.sessionId')), str('sessionId')),
      }),
      ofTrace(stringListTags(col('trace.tags'))),
      // OTel-ingested traces keep OpenInference attributes in metadata: scalars only; content keys go at the tag filter
      ofTrace(attributeTags(col('_meta'))),
    ]),
  },
  reconcile: [
    {
      measure: 'input and cache usage keys (breakdowns inside input counted once)',
      source: plus(inputInclCache(inputBase, readInside, writeInside), inputAdded, readAdded, writeAll),
      stored: STORED_INPUT_TOTAL,
    },
    { measure: 'output usage keys (reasoning included)', source: output, stored: col('output') },
    {
      measure: 'Langfuse cost (source_cost)',
      source: coalesce(decimal('costDetails.total'), legacyCost, value(0)),
      stored: coalesce(col('source_cost'), value(0)),
    },
  ],
  replace: { kind: 'rows', key: ['trace_id', 'request_id'] },
});
