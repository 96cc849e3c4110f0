// The usage/ dataset (docs/data-model.md#usage-columns): one row per request (grain `request`) or per usage-API bucket
// (grain `bucket`). Not money of record: reports never add these rows to focus/ rows.

/** Closed, non-overlapping token classes; each is also a BIGINT column of usage/. */
export const TOKEN_CLASSES = [
  'input',
  'cache_read',
  'cache_write_5m',
  'cache_write_1h',
  'cache_write',
  'output',
] as const;
export type TokenClass = (typeof TOKEN_CLASSES)[number];

/** Non-token units carried on usage rows, with the column holding each. */
export const OTHER_UNITS = ['images', 'audio_seconds', 'characters', 'tool_calls'] as const;

/** Every column of a usage/ file with its DuckDB type, in order (literal names: the source contract types its map keys). */
const USAGE_COLUMN_DEFS = [
  { name: 'grain', type: 'VARCHAR' },
  { name: 'request_id', type: 'VARCHAR' },
  { name: 'trace_id', type: 'VARCHAR' },
  { name: 'parent_id', type: 'VARCHAR' },
  { name: 'timestamp', type: 'TIMESTAMPTZ' },
  { name: 'date', type: 'DATE' },
  { name: 'provider', type: 'VARCHAR' },
  { name: 'model', type: 'VARCHAR' },
  { name: 'model_raw', type: 'VARCHAR' },
  { name: 'operation', type: 'VARCHAR' },
  // one BIGINT column per token class, named exactly as the class (TOKEN_CLASSES; a test keeps them in step)
  { name: 'input', type: 'BIGINT' },
  { name: 'cache_read', type: 'BIGINT' },
  { name: 'cache_write_5m', type: 'BIGINT' },
  { name: 'cache_write_1h', type: 'BIGINT' },
  { name: 'cache_write', type: 'BIGINT' },
  { name: 'output', type: 'BIGINT' },
  { name: 'images', type: 'BIGINT' },
  { name: 'audio_seconds', type: 'DECIMAL(38,18)' },
  { name: 'characters', type: 'BIGINT' },
  { name: 'tool_calls', type: 'BIGINT' },
  { name: 'other_quantity', type: 'DECIMAL(38,18)' },
  { name: 'other_unit', type: 'VARCHAR' },
  { name: 'project_id', type: 'VARCHAR' },
  { name: 'workspace_id', type: 'VARCHAR' },
  { name: 'api_key_hash', type: 'VARCHAR' },
  { name: 'service_tier', type: 'VARCHAR' },
  { name: 'region', type: 'VARCHAR' },
  { name: 'request_count', type: 'BIGINT' },
  { name: 'request_type', type: 'VARCHAR' },
  { name: 'status', type: 'VARCHAR' },
  { name: 'latency_ms', type: 'BIGINT' },
  { name: 'cost_estimate', type: 'DECIMAL(38,18)' },
  { name: 'unpriced', type: 'VARCHAR' },
  { name: 'source_cost', type: 'DECIMAL(38,18)' },
  { name: 'tags', type: 'JSON' },
  { name: 'source_id', type: 'VARCHAR' },
  { name: 'source_file', type: 'VARCHAR' },
  { name: 'source_record', type: 'VARCHAR' },
] as const satisfies readonly { name: string; type: string }[];
export type UsageColumnId = (typeof USAGE_COLUMN_DEFS)[number]['name'];
/** Every column of a usage/ file, in the stored order. */
export const USAGE_COLUMNS: { name: string; type: string }[] = [...USAGE_COLUMN_DEFS];

/** Usage columns the pipeline fills itself (day, canonical model, price-book estimate, lineage): never mapped. */
export const USAGE_DERIVED = [
  'date',
  'model',
  'cost_estimate',
  'unpriced',
  'source_id',
  'source_file',
  'source_record',
] as const;
/** The usage columns a source definition may map. */
export type UsageMapKey = Exclude<UsageColumnId, (typeof USAGE_DERIVED)[number]>;
/** What every usage source must map: the grain, the time and the model call (a bucket may not know its request count). */
export const USAGE_MANDATORY = [
  'grain',
  'timestamp',
  'provider',
  'model_raw',
] as const satisfies readonly UsageMapKey[];
