// What a source definition is: data the one pipeline runs (STYLE habit 1). Sources know nothing of connections.

/** What the detector sees of a file: its format, CSV header, and the first bytes. */
export interface Sniff {
  path: string;
  format: 'csv' | 'json' | 'parquet' | 'unknown';
  /** Compression found by magic bytes (whatever the extension); readers decompress transparently. */
  compression: 'none' | 'gzip' | 'zstd';
  /** CSV header fields (trimmed, BOM removed). */
  header: string[];
  /** Parquet column names. */
  parquetColumns: string[];
  /** The first 64 KiB as text (empty for parquet). */
  head: string;
}

/** A declared input column: its DuckDB type when read, and whether the source cannot work without it. */
export interface InputColumn {
  type: string;
  required?: boolean;
}

/** How a JSON document becomes flat records: array steps of `path` marked `*`, fields relative to the record. */
export interface JsonRecords {
  /** e.g. ['data', '*', 'results', '*'] or ['*'] for a top-level array. */
  path: string[];
  /**
   * Output field -> path inside the record (dots for nesting). `../x` reads `x` of the enclosing array element
   * (the bucket of a result). A trailing `{}` emits the sub-tree as JSON text (e.g. `metadata{}`); a trailing
   * `{otlp}` emits an OTLP attribute list (`[{key, value: {stringValue | intValue | ...}}]`) as one flat JSON object.
   */
  fields: Record<string, string>;
}

export type ReaderSpec =
  | { kind: 'csv'; columns: Record<string, InputColumn> }
  | { kind: 'json'; records: JsonRecords; columns: Record<string, InputColumn> }
  | { kind: 'parquet'; columns: Record<string, InputColumn> };

/** A row-level problem that makes the input bad (exit 2), as a SQL predicate over the reader relation. */
export interface RowCheck {
  column: string;
  /** SQL predicate, true on bad rows. */
  bad: string;
  problem: string;
}

export type ReplaceRule =
  /** Rows with the same key replace stored rows of the same source (API pages, usage requests). */
  | { kind: 'rows'; key: string[] }
  /** A later file with the same (source, billing account, billing period) replaces the earlier one. */
  | { kind: 'period' }
  /** Additive: drop rows identical to rows already stored from another file (generic FOCUS input). */
  | { kind: 'dedup-identical' };

export interface SourceDefinition {
  id: string;
  title: string;
  family: 'llm-billing' | 'gateway' | 'focus' | 'cloud' | 'gpu' | 'commitments';
  dataset: 'focus' | 'usage';
  formats: ('csv' | 'json' | 'parquet')[];
  /** One line for `aicost sources`: what it detects. */
  detects: string;
  /** 0 (no) .. 1 (certain). */
  detect(sniff: Sniff): number;
  reader(sniff: Sniff): ReaderSpec;
  checks?: RowCheck[];
  /**
   * Header-level rules given the declared columns the file lacks: an error (e.g. a FOCUS file with no cost column)
   * or warnings (missing mandatory columns), and the map expressions adjusted to what the file has.
   */
  inspect?(absent: string[]): { error?: string; warnings: string[]; notes: string[] };
  /** Names a record in messages when the reader has no line numbers (big CSV request logs): e.g. the request id. */
  recordKey?: string;
  /** Intermediate columns computed once per record before `map` (e.g. one JSON parse of a metadata column). */
  let?: Record<string, string>;
  /**
   * Output columns as SQL over the reader relation `src` (columns quoted). For focus sources these are FOCUS and
   * x_ columns; for usage sources the usage columns. Absent columns are NULL; lineage columns are filled by the pipeline.
   */
  map: Record<string, string>;
  /**
   * Map expressions that depend on the sniffed file, merged over `map` for that file: for formats whose columns vary
   * per file (gateway-csv's `tag.<key>` columns, which `reader(sniff)` declares from the same header).
   */
  mapFor?(sniff: Sniff): Record<string, string>;
  /** SQL filter over `src`: records that are not rows of this dataset (e.g. agent spans). Counted as skipped. */
  where?: string;
  /** Cost sources: SQL over `src` whose SUM is the source's own total, parsed from its text. */
  sourceCost?: string;
  /** Source units per billing-currency unit (Anthropic reports cents: 100); stored totals are scaled to compare. */
  sourceCostPerUnit?: number;
  /** Which stored cost column the source total reconciles to. */
  reconcileTo?: 'BilledCost' | 'EffectiveCost';
  /** Further exact totals: SUM(source) over `src` must equal SUM(stored) over the written rows. */
  reconcile?: { measure: string; source: string; stored: string; column?: string }[];
  replace: ReplaceRule;
  /** Cost report rows whose quantities come from the same provider's usage report (PRODUCT §3). */
  pairWith?: string;
}
