// A source definition's column map compiled to the SELECT that produces stored rows: layer 1 is the definition's
// own expressions over the reader relation; layer 2 is the full stored schema, typed, with FOCUS defaults,
// lineage, canonical model ids and (usage) the price-book estimate.
import { focusStoredColumns, selectList } from '../focus/schema.js';
import { jsonKeyPath } from '../sql.js';
import { type Db, ident, lit } from '../store/duckdb.js';
import { TELEMETRY_COLUMNS } from '../telemetry/schema.js';
import { TOKEN_CLASSES, USAGE_COLUMNS } from '../usage/schema.js';
import type { FocusSource, SourceDefinition, TelemetrySource, UsageSource } from './contract.js';
import { focusModelSql, usagePricedSql } from './enrich.js';
import type { FileContext } from './file-context.js';
import { resolveDefaults } from './focus-defaults.js';

/** A definition with its file-dependent map entries (`mapFor`) fixed for one sniffed file. */
export type FileSource = SourceDefinition;

const lineageFocus = (source: { id: string }): Record<string, string> => ({
  x_RowId: `md5(_input_sha || ':' || _record || ':0')`,
  x_SourceId: lit(source.id),
  x_SourceFile: '_source_file',
  x_SourceRecord: '_record',
});

function isBareRef(expr: string, absent: Set<string>): boolean {
  const m = /^"((?:[^"]|"")+)"$/.exec(expr.trim());
  return m !== null && absent.has(m[1]!.replaceAll('""', '"'));
}

/** Rows of `src` that are rows of this dataset, with `guard` (a predicate that raises on bad rows) applied after. */
function filtered(src: string, where: string | undefined, guard: string | undefined): string {
  if (!where && !guard) return src;
  // one CASE, so the guard never sees a record the `where` filter drops (conjuncts may be reordered)
  if (!where) return `(SELECT * FROM ${src} WHERE ${guard})`;
  return `(SELECT * FROM ${src} WHERE CASE WHEN NOT COALESCE(${where}, false) THEN false ELSE ${guard ?? 'true'} END)`;
}

/** The focus/ SELECT: FOCUS 1.3 + x_ columns of every kept record. */
/** How the pipeline wraps a definition's SELECT: a guard on input records, and extra columns carried to the top. */
export interface SelectOptions {
  /** A predicate over the reader relation that raises on bad records (row-checks.ts). */
  guard?: string;
  /** Extra columns computed from the input beside the mapping (e.g. reconciliation measures), passed through. */
  carry?: Record<string, string>;
}

const carried = (carry: Record<string, string> = {}) => ({
  defs: Object.entries(carry)
    .map(([c, e]) => `, ${e} AS ${ident(c)}`)
    .join(''),
  refs: Object.keys(carry)
    .map((c) => `, ${ident(c)}`)
    .join(''),
});

export function focusSelect(
  source: FocusSource,
  src: string,
  absent: Set<string>,
  opts: SelectOptions = {},
): string {
  // A FOCUS column the input lacks is not provided (so its 1.3 default may apply), whatever its expression.
  const provided = Object.fromEntries(
    Object.entries(source.map).filter(([c, e]) => !absent.has(c) && !isBareRef(e as string, absent)),
  ) as Record<string, string>;
  const lineage = lineageFocus(source);
  const layer1 = Object.entries({ ...provided, ...lineage })
    .map(([c, e]) => `${e} AS ${ident(c)}`)
    .join(',\n    ');
  const resolved = resolveDefaults(new Set([...Object.keys(provided), ...Object.keys(lineage)]));
  if ('x_ModelRaw' in provided) resolved.x_Model = focusModelSql('"x_ModelRaw"', '"ServiceProviderName"');
  const c = carried(opts.carry);
  return `SELECT ${selectList(focusStoredColumns(), resolved)}${c.refs}
    FROM (SELECT ${layer1}${c.defs} FROM ${filtered(src, source.where, opts.guard)}) m`;
}

/** Tag policy on top of a source's tags: deny-listed keys removed, hashed keys replaced by a salted SHA-256. */
function tagPolicy(tags: string, ctx: FileContext): string {
  let t = tags;
  const deny = (ctx.denyTags ?? []).filter(Boolean);
  if (deny.length)
    t = `NULLIF(CAST(json_merge_patch(COALESCE(${t}, '{}'), ${lit(JSON.stringify(Object.fromEntries(deny.map((k) => [k, null]))))}) AS VARCHAR), '{}')`;
  for (const k of (ctx.hashTags ?? []).filter(Boolean)) {
    const v = `json_extract_string(${t}, ${jsonKeyPath(k)})`;
    t = `CASE WHEN ${v} IS NULL THEN ${t} ELSE CAST(json_merge_patch(${t}, json_object(${lit(k)}, sha256(_salt || ${v}))) AS VARCHAR) END`;
  }
  return t;
}

const PIPELINE_USAGE = ['model', 'cost_estimate', 'unpriced', 'date'];

/** The usage/ SELECT: every usage column, typed, priced at request time. */
export function usageSelect(
  source: UsageSource,
  src: string,
  ctx: FileContext,
  opts: SelectOptions = {},
): string {
  const lineage = {
    source_id: lit(source.id),
    source_file: '_source_file',
    source_record: `COALESCE(_record, CAST(${source.map.request_id ?? 'NULL'} AS VARCHAR))`,
  };
  const exprs: Record<string, string> = { ...(source.map as Record<string, string>), ...lineage };
  if (exprs.tags) exprs.tags = tagPolicy(exprs.tags, ctx);
  const layer1 = Object.entries(exprs)
    .map(([c, e]) => `${e} AS ${ident(c)}`)
    .join(',\n    ');
  const present = new Set(Object.keys(exprs));
  const cols: Record<string, string> = {};
  for (const c of USAGE_COLUMNS) cols[c.name] = present.has(c.name) ? ident(c.name) : 'NULL';
  for (const t of TOKEN_CLASSES) if (!present.has(t)) cols[t] = '0';
  const c = carried(opts.carry);
  const typed = `SELECT ${selectList(
    USAGE_COLUMNS.filter((c) => !PIPELINE_USAGE.includes(c.name)),
    cols,
  )}${c.refs} FROM (SELECT ${layer1}${c.defs} FROM ${filtered(src, source.where, opts.guard)}) m`;
  cols.date = 'CAST("timestamp" AS DATE)';
  cols.model = '"model"';
  cols.cost_estimate = '"cost_estimate"';
  cols.unpriced = '"unpriced"';
  return `SELECT ${selectList(USAGE_COLUMNS, cols)}${c.refs} FROM (${usagePricedSql(typed)}) p`;
}

/** The telemetry/ SELECT: every telemetry column, typed, with the UTC day and lineage (record = line or JSON path). */
export function telemetrySelect(source: TelemetrySource, src: string, opts: SelectOptions = {}): string {
  const exprs: Record<string, string> = {
    ...(source.map as Record<string, string>),
    source_id: lit(source.id),
    source_file: '_source_file',
    source_record: '_record',
  };
  const layer1 = Object.entries(exprs)
    .map(([c, e]) => `${e} AS ${ident(c)}`)
    .join(',\n    ');
  const cols: Record<string, string> = {};
  for (const c of TELEMETRY_COLUMNS) cols[c.name] = c.name in exprs ? ident(c.name) : 'NULL';
  cols.date = 'CAST("timestamp" AS DATE)';
  const c = carried(opts.carry);
  return `SELECT ${selectList(TELEMETRY_COLUMNS, cols)}${c.refs}
    FROM (SELECT ${layer1}${c.defs} FROM ${filtered(src, source.where, opts.guard)}) m`;
}

/** The stored SELECT for a definition of any dataset. */
export function storedSelect(
  source: SourceDefinition,
  src: string,
  absent: Set<string>,
  ctx: FileContext,
  opts: SelectOptions = {},
): string {
  if (source.dataset === 'telemetry') return telemetrySelect(source, src, opts);
  return source.dataset === 'focus'
    ? focusSelect(source, src, absent, opts)
    : usageSelect(source, src, ctx, opts);
}

/** Runs `fn` with insertion order preserved (needed while a relation numbers its records), then restores it. */
export async function withOrder<T>(db: Db, ordered: boolean, fn: () => Promise<T>): Promise<T> {
  if (!ordered) return fn();
  await db.run('SET preserve_insertion_order = true');
  try {
    return await fn();
  } finally {
    await db.run('SET preserve_insertion_order = false');
  }
}
