// The telemetry/ dataset (docs/data-model.md#telemetry-columns): GPU utilization samples from nvidia-smi, DCGM exporter
// scrapes and OpenCost allocations, keyed by GPU UUID, node and time. Not FOCUS and not money of record: samples only
// split a GPU pool's billed cost into busy and idle time (docs/gpu.md); OpenCost's modelled cost is kept for
// comparison and never added to billed cost.

/** Every column of a telemetry/ file with its DuckDB type, in order (literal names: the source contract types its map keys). */
const TELEMETRY_COLUMN_DEFS = [
  // the sample's time (UTC) and its UTC day; a window's start for OpenCost rows
  { name: 'timestamp', type: 'TIMESTAMPTZ' },
  { name: 'date', type: 'DATE' },
  // the span a sample stands for, when the source says (OpenCost window minutes); NULL for point samples
  { name: 'interval_seconds', type: 'DECIMAL(38,18)' },
  { name: 'gpu_uuid', type: 'VARCHAR' },
  { name: 'node', type: 'VARCHAR' },
  { name: 'gpu_index', type: 'INTEGER' },
  { name: 'gpu_model', type: 'VARCHAR' },
  { name: 'cluster', type: 'VARCHAR' },
  { name: 'namespace', type: 'VARCHAR' },
  { name: 'pod', type: 'VARCHAR' },
  { name: 'container', type: 'VARCHAR' },
  // one-reading-per-line sources (DCGM): the metric name and its raw value (NULL for DCGM's "blank" sentinels)
  { name: 'metric', type: 'VARCHAR' },
  { name: 'value', type: 'DECIMAL(38,18)' },
  // normalized readings, whatever the tool's scale: ratios 0..1, MiB, watts
  { name: 'utilization', type: 'DECIMAL(38,18)' },
  { name: 'memory_utilization', type: 'DECIMAL(38,18)' },
  { name: 'memory_used_mib', type: 'DECIMAL(38,18)' },
  { name: 'memory_total_mib', type: 'DECIMAL(38,18)' },
  { name: 'power_watts', type: 'DECIMAL(38,18)' },
  // OpenCost allocations: GPU-hours allocated, the model's GPU and total cost (never billed), idle capacity rows
  { name: 'allocation', type: 'VARCHAR' },
  { name: 'gpu_hours', type: 'DECIMAL(38,18)' },
  { name: 'gpu_cost_modelled', type: 'DECIMAL(38,18)' },
  { name: 'total_cost_modelled', type: 'DECIMAL(38,18)' },
  { name: 'idle', type: 'BOOLEAN' },
  { name: 'source_id', type: 'VARCHAR' },
  { name: 'source_file', type: 'VARCHAR' },
  { name: 'source_record', type: 'VARCHAR' },
] as const satisfies readonly { name: string; type: string }[];

export type TelemetryColumnId = (typeof TELEMETRY_COLUMN_DEFS)[number]['name'];
/** Every column of a telemetry/ file, in the stored order. */
export const TELEMETRY_COLUMNS: { name: string; type: string }[] = [...TELEMETRY_COLUMN_DEFS];

/** Telemetry columns the pipeline fills itself (UTC day, lineage): never mapped. */
export const TELEMETRY_DERIVED = ['date', 'source_id', 'source_file', 'source_record'] as const;
/** The telemetry columns a source definition may map. */
export type TelemetryMapKey = Exclude<TelemetryColumnId, (typeof TELEMETRY_DERIVED)[number]>;
/** What every telemetry source must map: the time and some key of the GPU or allocation it measured. */
export const TELEMETRY_MANDATORY = ['timestamp'] as const satisfies readonly TelemetryMapKey[];
