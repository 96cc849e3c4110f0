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

/**
 * Every column of a usage/ file with its DuckDB type, in order. The element type is written out rather than imported
 * from focus/schema.ts (StoredColumn has the same shape) so this ground-floor module imports nothing.
 */
export const USAGE_COLUMNS: { name: string; type: string }[] = [
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
  ...TOKEN_CLASSES.map((c) => ({ name: c, type: 'BIGINT' })),
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
];
