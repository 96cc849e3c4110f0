// A source definition's column map compiled to the SELECT that produces stored rows: layer 1 is the definition's
// own expressions over the reader relation; layer 2 is the full stored schema, typed, with FOCUS defaults,
// lineage, canonical model ids and (usage) the price-book estimate.
import { focusStoredColumns, selectList } from '../focus/schema.js';
import { type Db, ident, lit } from '../store/duckdb.js';
import { TELEMETRY_COLUMNS } from '../telemetry/schema.js';
import { TOKEN_CLASSES, USAGE_COLUMNS } from '../usage/schema.js';
import type { FocusSource, SourceDefinition, TelemetrySource, UsageSource } from './contract.js';
import { cloudModelSql, focusModelSql, usagePricedSql } from './enrich.js';
import type { FileContext } from './file-context.js';
import { resolveDefaults } from './focus-defaults.js';
import {
  checkedEntriesSql,
  droppedLinesSql,
  keptTagsSql,
  suspectTagsSql,
  type TagPolicy,
} from './tag-filter.js';

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
  ctx: FileContext,
  opts: SelectOptions = {},
): string {
  // A FOCUS column the input lacks is not provided (so its 1.3 default may apply), whatever its expression.
  const provided = Object.fromEntries(
    Object.entries(source.map).filter(([c, e]) => !absent.has(c) && !isBareRef(e as string, absent)),
  ) as Record<string, string>;
  const lineage = lineageFocus(source);
  const hasTags = 'Tags' in provided;
  const cols = { ...provided, ...lineage };
  if (hasTags) {
    cols[RAW_TAGS] = cols.Tags!;
    delete cols.Tags;
  }
  const layer1 = Object.entries(cols)
    .map(([c, e]) => `${e} AS ${ident(c)}`)
    .join(',\n    ');
  const resolved = resolveDefaults(new Set([...Object.keys(provided), ...Object.keys(lineage)]));
  if ('x_ModelRaw' in provided)
    resolved.x_Model =
      source.family === 'cloud' && 'x_TokenClass' in provided
        ? cloudModelSql('"x_ModelRaw"', '"ServiceProviderName"', '"x_TokenClass"')
        : focusModelSql('"x_ModelRaw"', '"ServiceProviderName"');
  const c = carried(opts.carry);
  const inner = `SELECT ${layer1}${c.defs}, _salt FROM ${filtered(src, source.where, opts.guard)}`;
  if (!hasTags) return `SELECT ${selectList(focusStoredColumns(), resolved)}${c.refs} FROM (${inner}) m`;
  const t = tagLayer(inner, ctx);
  resolved.Tags = t.tags;
  return `SELECT ${selectList(focusStoredColumns(), resolved)}${c.refs} FROM ${t.from} m`;
}

const RAW_TAGS = '__tags_raw';
const SUSPECT = '__tags_suspect';
const CHECKED = '__tags_checked';

/**
 * Where the tag filter reports what it drops (read by pipeline.ts#tagDropNotes): a DuckDB log type, the per-input
 * sequence counting records with drops, and how many records are logged before the notes fall back to a rescan.
 */
export const TAG_LOG = 'aicost_tag_drops';
export const TAG_LOG_CAP = 100_000;
export const tagDropSequence = (ctx: FileContext) => `tag_drops_${ctx.tag}`;

const policyOf = (ctx: FileContext): TagPolicy => ({ deny: ctx.denyTags ?? [], hash: ctx.hashTags ?? [] });

/**
 * The one point where tags are filtered: `inner` selects the source's merged tags as `__tags_raw` (beside `_salt`),
 * a layer over it decides once per record whether they need a close look, and the stored tags are read from that
 * layer. A record that loses entries writes them (`key<TAB>reason`, never values) to DuckDB's log as a side effect
 * of computing its tags: counted without a second scan and without a column to drop from the output (a filter on
 * such a column was pushed down by DuckDB's optimizer and computed the tag merge twice).
 */
function tagLayer(inner: string, ctx: FileContext): { from: string; tags: string } {
  const policy = policyOf(ctx);
  const raw = ident(RAW_TAGS);
  const suspect = ident(SUSPECT);
  const checked = ident(CHECKED);
  const lines = droppedLinesSql(checked);
  const kept = keptTagsSql(checked, policy);
  const seq = lit(tagDropSequence(ctx));
  // CASE evaluates each WHEN only for the records no earlier WHEN took: the log calls run on records with drops only
  const tags = `CASE WHEN NOT ${suspect} THEN ${raw}
    WHEN ${lines} IS NULL OR nextval(${seq}) > ${TAG_LOG_CAP} THEN ${kept}
    WHEN write_log(${lines}, level := 'warning', log_type := ${lit(TAG_LOG)}, return_value := true) THEN ${kept} END`;
  const withSuspect = `(SELECT *, ${suspectTagsSql(raw, policy)} AS ${suspect} FROM (${inner}) t0)`;
  // the entries are checked once per suspect record, in their own layer (kept and lines both read them)
  return {
    from: `(SELECT *, CASE WHEN ${suspect} THEN ${checkedEntriesSql(raw, policy)} END AS ${checked} FROM ${withSuspect} t1)`,
    tags,
  };
}

/** `SELECT <the source's tags before the filter> AS t` over its kept records: the ingest notes count drops from it. */
export function rawTagsSelect(source: SourceDefinition, src: string, absent: Set<string>): string | null {
  const m = source.map as Record<string, string>;
  const expr = source.dataset === 'usage' ? m.tags : absent.has('Tags') ? undefined : m.Tags;
  if (!expr) return null;
  return `SELECT ${expr} AS t FROM ${filtered(src, source.where, undefined)}`;
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
  const present = new Set(Object.keys(exprs));
  if (exprs.tags) {
    exprs[RAW_TAGS] = exprs.tags;
    delete exprs.tags;
  }
  const layer1 = Object.entries(exprs)
    .map(([c, e]) => `${e} AS ${ident(c)}`)
    .join(',\n    ');
  const cols: Record<string, string> = {};
  for (const c of USAGE_COLUMNS) cols[c.name] = present.has(c.name) ? ident(c.name) : 'NULL';
  for (const t of TOKEN_CLASSES) if (!present.has(t)) cols[t] = '0';
  const c = carried({ ...opts.carry });
  const inner = `SELECT ${layer1}${c.defs}, _salt FROM ${filtered(src, source.where, opts.guard)}`;
  let from = `(${inner}) m`;
  if (present.has('tags')) {
    const t = tagLayer(inner, ctx);
    from = `${t.from} m`;
    cols.tags = t.tags;
  }
  const typed = `SELECT ${selectList(
    USAGE_COLUMNS.filter((c) => !PIPELINE_USAGE.includes(c.name)),
    cols,
  )}${c.refs} FROM ${from}`;
  if (present.has('tags')) cols.tags = ident('tags');
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
    ? focusSelect(source, src, absent, ctx, opts)
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
