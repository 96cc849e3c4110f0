// gateway-csv: aicost's own documented CSV for gateways it does not know yet (fixtures/gateway-csv/README.md).
// One row per request. Token columns are named after aicost's token classes and never overlap: `input_tokens` is
// uncached input, so nothing is subtracted. `cost` is the gateway's own figure (source_cost, never money of record).
// Any number of `tag.<key>` columns become tags; they vary per file, so the reader and the tags expression are
// built from the sniffed header.
import { InputError } from '../errors.js';
import { defineSource, type InputColumn, type RowCheck, type Sniff } from '../normalize/contract.js';
import { checks, coalesce, col, countOf, decimal, isoTime, oneOf, str, value } from '../normalize/ops.js';
import { columnTags, hashKey } from '../normalize/usage-ops.js';
import { normalizeProviderSql } from '../prices/names.js';
import { ident, lit, sql } from '../sql.js';

/** Token column -> usage token class. */
const TOKENS: Record<string, string> = {
  input_tokens: 'input',
  cache_read_tokens: 'cache_read',
  cache_write_5m_tokens: 'cache_write_5m',
  cache_write_1h_tokens: 'cache_write_1h',
  cache_write_tokens: 'cache_write',
  output_tokens: 'output',
};
const REQUIRED = ['timestamp', 'request_id', 'model', 'input_tokens', 'output_tokens'];
const REQUEST_TYPES = ['interactive', 'batch', 'background'];
const TAG_PREFIX = 'tag.';

const COLUMNS: Record<string, InputColumn> = {
  // read as text and cast: declared TIMESTAMPTZ, read_csv turns a bad time into NULL without a reject, and
  // TIMESTAMP drops the offset. Naive times are UTC (the connection's time zone is pinned to UTC).
  timestamp: { type: 'VARCHAR', required: true },
  request_id: { type: 'VARCHAR', required: true },
  trace_id: { type: 'VARCHAR' },
  parent_id: { type: 'VARCHAR' },
  provider: { type: 'VARCHAR' },
  model: { type: 'VARCHAR', required: true },
  // typed, but not BIGINT: read_csv rounds `9.99` into a BIGINT column silently; a fraction must be an error
  ...Object.fromEntries(
    Object.keys(TOKENS).map((c) => [c, { type: 'DECIMAL(38,6)', required: REQUIRED.includes(c) }]),
  ),
  request_type: { type: 'VARCHAR' },
  // the provider's service tier (`batch`, `priority`, `flex`; anything else is the default tier): priced per tier
  service_tier: { type: 'VARCHAR' },
  status: { type: 'VARCHAR' },
  latency_ms: { type: 'BIGINT' },
  // money as text: read_csv would type it DOUBLE (docs/duckdb-notes.md#money-read-as-double)
  cost: { type: 'VARCHAR' },
  project_id: { type: 'VARCHAR' },
  api_key: { type: 'VARCHAR' },
};

/** The file's `tag.<key>` columns as written in its header; a repeated name (case-insensitive) is an input error. */
function tagColumns(sniff: Sniff): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const h of sniff.header) {
    if (!h.toLowerCase().startsWith(TAG_PREFIX) || h.length === TAG_PREFIX.length) continue;
    if (seen.has(h.toLowerCase()))
      throw new InputError(`column "${h}" appears twice`, { file: sniff.path, column: h });
    seen.add(h.toLowerCase());
    out.push(h);
  }
  return out;
}

// the columns are typed DECIMAL (a fraction stays visible): these two checks give the gateway's own messages
const tokenChecks = (c: string): RowCheck[] => [
  { column: c, bad: sql`${col(c)} < 0`, problem: 'negative token count' },
  { column: c, bad: sql`${col(c)} <> floor(${col(c)})`, problem: 'not a whole number of tokens' },
];
const tokens = (c: string) => countOf(col(c));
const requestType = sql`lower(${str('request_type')})`;

export const gatewayCsv = defineSource({
  id: 'gateway-csv',
  title: 'Generic gateway CSV (aicost documented columns, tag.<key> columns as tags)',
  family: 'gateway',
  dataset: 'usage',
  detects:
    'CSV with timestamp, request_id, model, input_tokens, output_tokens (+ optional tag.<key> columns)',
  detect: [{ format: 'csv', header: { all: REQUIRED } }],
  reader: (s) => ({
    kind: 'csv',
    columns: { ...COLUMNS, ...Object.fromEntries(tagColumns(s).map((t) => [t, { type: 'VARCHAR' }])) },
  }),
  checks: [
    checks.required('request_id'),
    checks.isoTime('timestamp'),
    checks.required('model'),
    checks.required('input_tokens'),
    checks.required('output_tokens'),
    ...Object.keys(TOKENS).flatMap(tokenChecks),
    { column: 'latency_ms', bad: sql`${col('latency_ms')} < 0`, problem: 'negative latency' },
    checks.number('cost'),
    {
      column: 'request_type',
      bad: sql`${requestType} IS NOT NULL AND NOT ${oneOf(requestType, REQUEST_TYPES)}`,
      problem: `not one of ${REQUEST_TYPES.join(', ')}`,
    },
  ],
  recordKey: 'request_id',
  map: {
    grain: lit('request'),
    request_id: str('request_id'),
    trace_id: str('trace_id'),
    parent_id: str('parent_id'),
    timestamp: isoTime('timestamp'),
    // the documented rule (fixtures/gateway-csv/README.md): a lowercase `provider/` prefix of the model as written
    provider: normalizeProviderSql(
      coalesce(str('provider'), sql`regexp_extract(${str('model')}, '^([a-z_]+)/', 1)`),
    ),
    model_raw: str('model'),
    ...Object.fromEntries(Object.entries(TOKENS).map(([c, t]) => [t, tokens(c)])),
    project_id: str('project_id'),
    api_key_hash: hashKey('api_key'),
    request_count: value(1),
    request_type: coalesce(requestType, lit('interactive')),
    service_tier: str('service_tier'),
    status: str('status'),
    latency_ms: col('latency_ms'),
    source_cost: decimal('cost'),
  },
  // `tag.<key>` -> tag `key` (text, at most 256 characters); keys that name content are dropped by the tag filter
  // (docs/data-model.md#tags)
  mapFor: (s) => {
    const tags = columnTags(Object.fromEntries(tagColumns(s).map((c) => [c.slice(TAG_PREFIX.length), c])));
    return tags ? { tags } : {};
  },
  reconcile: [
    ...Object.entries(TOKENS).map(([c, t]) => ({
      measure: c,
      source: tokens(c),
      stored: ident(t),
      column: c,
    })),
    {
      measure: 'cost (source_cost)',
      source: coalesce(decimal('cost'), value(0)),
      stored: coalesce(col('source_cost'), value(0)),
      column: 'cost',
    },
  ],
  replace: { kind: 'rows', key: ['request_id'] },
});
