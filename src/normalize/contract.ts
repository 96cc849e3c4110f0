// The source contract: what a source definition is, and the rules every definition is held to when it is made
// (`defineSource`). A definition is data the one pipeline runs (docs/architecture.md, "The source contract"):
// detection rules, a reader, and a column map whose keys are the stored columns themselves (typed from the FOCUS
// 1.3 column list and the usage column list) and whose values are `Sql` built by the operations of this folder.
import { FOCUS_COLUMN_IDS, FOCUS_MANDATORY_IDS, type FocusColumnId } from '../focus/columns.generated.js';
import { type FocusMapKey, X_COLUMNS, X_DERIVED } from '../focus/schema.js';
import type { Sql } from '../sql.js';
import {
  TELEMETRY_COLUMNS,
  TELEMETRY_DERIVED,
  TELEMETRY_MANDATORY,
  type TelemetryMapKey,
} from '../telemetry/schema.js';
import { USAGE_COLUMNS, USAGE_DERIVED, USAGE_MANDATORY, type UsageMapKey } from '../usage/schema.js';
import { coveredByDefaults } from './focus-defaults.js';

export type InputFormat = 'csv' | 'json' | 'parquet';

/** What the detector sees of a file: its format, CSV header, and the first bytes. */
export interface Sniff {
  path: string;
  format: InputFormat | 'unknown';
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
  /** e.g. ['data', '*', 'results', '*'] or ['*'] for a top-level array; `{*}` walks every value of an object. */
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
  // GPU telemetry: plain text read one line per record into column `line` (Prometheus text scrapes)
  | { kind: 'lines' }
  | { kind: 'json'; records: JsonRecords; columns: Record<string, InputColumn> }
  | { kind: 'parquet'; columns: Record<string, InputColumn> };

/** A row-level problem that makes the input bad (exit 2), as a SQL predicate over the reader relation. */
export interface RowCheck {
  column: string;
  /** SQL predicate, true on bad rows. */
  bad: Sql;
  problem: string;
}

export type ReplaceRule =
  /**
   * Rows with the same key replace stored rows of the same source (API pages, usage requests), looked for in the
   * incoming partitions only, unless `anyPartition` (a key that is not tied to a period, e.g. a bundle id whose
   * validity a later file may move to another month).
   */
  | { kind: 'rows'; key: string[]; anyPartition?: boolean }
  /** A later file with the same (source, billing account, billing period) replaces the earlier one. */
  | { kind: 'period' }
  /** Additive: drop rows identical to rows already stored from another file (generic FOCUS input). */
  | { kind: 'dedup-identical' }
  /**
   * Exports joined after staging (Azure actual + amortized, ingest/azure-join.ts): the generic step only adds the
   * incoming files; the join pass applies the (source, billing account, billing period, cost type) key itself.
   */
  | { kind: 'joined' };

/**
 * One detection rule, as data. A rule matches when the file has its format and every condition holds; a source's
 * score is the best score of its matching rules (0 when none match). Header names are compared case-insensitively
 * and through the source's `aliases`.
 */
export interface DetectRule {
  format: InputFormat;
  /** CSV header fields, or Parquet column names. */
  header?: {
    /** every one of these */
    all?: string[];
    /** at least `atLeast` (default 1) of these */
    any?: string[];
    atLeast?: number;
  };
  /** Markers that must all occur in the first 64 KiB of a JSON file (substring or pattern). */
  json?: (string | RegExp)[];
  /** Confidence when the rule matches, 0..1 (default 1); 0.5 is the least that detection accepts. */
  score?: number;
}

/** An exact total that must survive the mapping: SUM(source) over the input = SUM(stored) over the written rows. */
export interface Reconcile {
  measure: string;
  source: Sql;
  stored: Sql;
  /** The measure applies only when the file has this input column. */
  column?: string;
}

interface SourceBase {
  /** kebab-case; becomes x_SourceId / source_id. */
  id: string;
  title: string;
  family: 'llm-billing' | 'gateway' | 'focus' | 'cloud' | 'gpu' | 'commitments';
  /** One line for `aicost sources`: what it detects. */
  detects: string;
  detect: DetectRule[];
  /** Escape hatch for a shape the rules cannot say; its score joins the rules' best. */
  detectFn?: (sniff: Sniff) => number;
  /** Vendor header variants: input column -> other spellings of it (matched case-insensitively). */
  aliases?: Record<string, string[]>;
  reader(sniff: Sniff): ReaderSpec;
  checks?: RowCheck[];
  /** Names a record in messages when the reader has no line numbers (big CSV request logs): e.g. the request id. */
  recordKey?: string;
  /**
   * Intermediate columns computed once per record before `map` (e.g. one JSON parse of a metadata column); a name
   * starting with `__` is scratch, read only by later `let` columns.
   */
  let?: Record<string, Sql>;
  /** Records that are not rows of this dataset (e.g. agent spans), as a SQL filter. Counted as skipped. */
  where?: Sql;
  /** What the records `where` leaves out are, for the ingest note (`N <skippedNote>`); no note without it. */
  skippedNote?: string;
  /** Further exact totals checked on every ingest. */
  reconcile?: Reconcile[];
  replace: ReplaceRule;
}

/** A source of FOCUS rows of record (focus/). */
export interface FocusSource extends SourceBase {
  dataset: 'focus';
  /** FOCUS 1.3 and x_ columns as SQL over the reader relation; an unmapped column is NULL or its FOCUS default. */
  map: Partial<Record<FocusMapKey, Sql>>;
  /** Mandatory FOCUS columns this source cannot fill, each with the reason (the completeness rule). */
  absent?: Partial<Record<FocusColumnId, string>>;
  /** Map entries that depend on the sniffed file, merged over `map` for that file. */
  mapFor?(sniff: Sniff): Partial<Record<FocusMapKey, Sql>>;
  /** Header-level rules given the declared columns the file lacks: an error, or warnings and notes. */
  inspect?(absent: string[]): { error?: string; warnings: string[]; notes: string[] };
  /** SQL whose SUM over the input is the source's own total, parsed from its text. */
  sourceCost?: Sql;
  /** Source units per billing-currency unit (a report in cents: 100); stored totals are scaled to compare. */
  sourceCostPerUnit?: number;
  /** Which stored cost column the source total reconciles to. */
  reconcileTo?: 'BilledCost' | 'EffectiveCost';
  /** Cost report rows whose quantities come from the same provider's usage report. */
  pairWith?: string;
  /** Notes read off the written rows: how many match `where` (stored columns), with a few `example` values. */
  storedNotes?: StoredNote[];
}

/** A row-level note (e.g. rows kept under a fallback value), counted on the stored rows after the write. */
export interface StoredNote {
  where: Sql;
  example: Sql;
  note: string;
}

/** A source of usage rows (usage/): gateway and trace requests, provider usage buckets. */
export interface UsageSource extends SourceBase {
  dataset: 'usage';
  map: Partial<Record<UsageMapKey, Sql>>;
  mapFor?(sniff: Sniff): Partial<Record<UsageMapKey, Sql>>;
}

/** A source of GPU telemetry samples (telemetry/): nvidia-smi, DCGM exporter scrapes, OpenCost allocations. */
export interface TelemetrySource extends SourceBase {
  dataset: 'telemetry';
  map: Partial<Record<TelemetryMapKey, Sql>>;
  mapFor?(sniff: Sniff): Partial<Record<TelemetryMapKey, Sql>>;
}

export type SourceDefinition = (FocusSource | UsageSource | TelemetrySource) & {
  /** The formats the detection rules accept (derived). */
  readonly formats: InputFormat[];
};

const FOCUS_MAP_KEYS: ReadonlySet<string> = new Set([
  ...FOCUS_COLUMN_IDS,
  ...X_COLUMNS.map((c) => c.id).filter((c) => !(X_DERIVED as readonly string[]).includes(c)),
]);
const USAGE_MAP_KEYS: ReadonlySet<string> = new Set(
  USAGE_COLUMNS.map((c) => c.name).filter((c) => !(USAGE_DERIVED as readonly string[]).includes(c)),
);
const TELEMETRY_MAP_KEYS: ReadonlySet<string> = new Set(
  TELEMETRY_COLUMNS.map((c) => c.name).filter((c) => !(TELEMETRY_DERIVED as readonly string[]).includes(c)),
);

function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (!best || d < best.d) best = { c, d };
  }
  return best && best.d <= 3 ? best.c : undefined;
}

/** Levenshtein distance (for did-you-mean hints on unknown ids and columns). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The contract's rules for one definition; an empty list when it holds. */
export function contractViolations(def: FocusSource | UsageSource | TelemetrySource): string[] {
  const out: string[] = [];
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(def.id)) out.push(`id "${def.id}" is not kebab-case`);
  if (def.detect.length === 0 && !def.detectFn) out.push('no detection rule');
  const allowed =
    def.dataset === 'focus' ? FOCUS_MAP_KEYS : def.dataset === 'usage' ? USAGE_MAP_KEYS : TELEMETRY_MAP_KEYS;
  for (const key of Object.keys(def.map)) {
    if (allowed.has(key)) continue;
    const hint = nearest(key, allowed);
    out.push(`map: unknown ${def.dataset} column "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
  }
  const mapped = new Set(Object.keys(def.map));
  if (def.dataset === 'focus') {
    const absent = (def.absent ?? {}) as Record<string, string>;
    for (const [c, why] of Object.entries(absent)) {
      if (!(FOCUS_COLUMN_IDS as readonly string[]).includes(c))
        out.push(`absent: unknown FOCUS column "${c}"`);
      if (mapped.has(c)) out.push(`absent: "${c}" is also mapped`);
      if (!why.trim()) out.push(`absent: "${c}" needs a reason`);
    }
    const covered = coveredByDefaults(mapped);
    for (const c of FOCUS_MANDATORY_IDS)
      if (!covered.has(c) && !(c in absent))
        out.push(`mandatory FOCUS column "${c}" is neither mapped, defaulted, nor listed as absent`);
  } else {
    const mandatory = def.dataset === 'usage' ? USAGE_MANDATORY : TELEMETRY_MANDATORY;
    for (const c of mandatory)
      if (!mapped.has(c)) out.push(`mandatory ${def.dataset} column "${c}" is not mapped`);
  }
  return out;
}

/** Keys of a map literal that are not stored columns; a map with an index signature is left to the runtime check. */
type UnknownKeys<M, Allowed extends string> = string extends keyof M ? never : Exclude<keyof M, Allowed>;

/**
 * What `defineSource` requires of `map` beyond `T` itself: an unknown key (a misspelt column) gets a type no `Sql`
 * value has, so the compiler reports it on its own line. Needed because a generic parameter escapes TypeScript's
 * excess-property check: `T extends FocusSource` alone accepts `{ BiledCost: ... }`.
 */
type KnownColumns<T> = T extends { dataset: 'focus'; map: infer M }
  ? { map: { [K in UnknownKeys<M, FocusMapKey>]: `not a FOCUS 1.3 or x_ column: ${K & string}` } }
  : T extends { dataset: 'usage'; map: infer M }
    ? { map: { [K in UnknownKeys<M, UsageMapKey>]: `not a usage column: ${K & string}` } }
    : unknown;

/**
 * Makes a source definition, holding it to the contract: known column keys only (at compile time, and again when
 * the module loads), every mandatory column covered, detection present. A definition that breaks it throws when its
 * module loads, so no test can pass with it.
 */
export function defineSource<T extends FocusSource | UsageSource | TelemetrySource>(
  def: T & KnownColumns<T>,
): T & SourceDefinition {
  const bad = contractViolations(def);
  if (bad.length > 0)
    throw new Error(`source "${def.id}" breaks the source contract:\n  ${bad.join('\n  ')}`);
  const formats = [...new Set(def.detect.map((r) => r.format))];
  return Object.freeze({ ...def, formats }) as unknown as T & SourceDefinition;
}

/**
 * The English name inside a localized header: Azure exports in other portal languages write the label with the
 * English column name in parentheses (`Ressourcengruppe (ResourceGroup)`). Null when there is none.
 */
export function bracketedName(header: string): string | null {
  const m = /\(([A-Za-z][A-Za-z0-9_]*)\)\s*$/.exec(header);
  return m ? m[1]! : null;
}

/** Header names, lowercased, with the bracketed English name of a localized header beside the label. */
const lowerSet = (xs: string[]) =>
  new Set(xs.flatMap((x) => [x.toLowerCase(), bracketedName(x)?.toLowerCase() ?? []].flat()));

/** True when the header has `name` or one of its aliases. */
function hasColumn(cols: Set<string>, name: string, aliases?: Record<string, string[]>): boolean {
  if (cols.has(name.toLowerCase())) return true;
  return (aliases?.[name] ?? []).some((a) => cols.has(a.toLowerCase()));
}

function ruleMatches(rule: DetectRule, sniff: Sniff, aliases?: Record<string, string[]>): boolean {
  if (rule.format !== sniff.format) return false;
  if (rule.header) {
    const cols = lowerSet(sniff.format === 'parquet' ? sniff.parquetColumns : sniff.header);
    if (!(rule.header.all ?? []).every((c) => hasColumn(cols, c, aliases))) return false;
    if (rule.header.any) {
      const hits = rule.header.any.filter((c) => hasColumn(cols, c, aliases)).length;
      if (hits < (rule.header.atLeast ?? 1)) return false;
    }
  }
  for (const m of rule.json ?? []) {
    if (typeof m === 'string' ? !sniff.head.includes(m) : !m.test(sniff.head)) return false;
  }
  return true;
}

/** How sure a definition is that it reads this file: 0 (no) .. 1 (certain). */
export function detectScore(def: SourceDefinition, sniff: Sniff): number {
  // TRANSITION: definitions not yet converted to defineSource() still carry a detect function
  const legacy = def.detect as unknown;
  if (typeof legacy === 'function')
    return (def.formats as string[]).includes(sniff.format) ? legacy(sniff) : 0;
  let best = 0;
  for (const r of def.detect) if (ruleMatches(r, sniff, def.aliases)) best = Math.max(best, r.score ?? 1);
  if (def.detectFn) best = Math.max(best, def.detectFn(sniff));
  return best;
}
