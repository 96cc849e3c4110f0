// The one shared pipeline (STYLE habit 1): a source definition compiles to SELECTs over its reader relation;
// rows are checked, written to staged Parquet and reconciled here for every source alike.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, InternalError } from '../errors.js';
import { focusStoredColumns, selectList } from '../focus/schema.js';
import { type Db, ident, lit, litList } from '../store/duckdb.js';
import { TOTAL_COLUMNS } from '../store/files.js';
import { TOKEN_CLASSES, USAGE_COLUMNS } from '../usage/schema.js';
import type { Sniff, SourceDefinition } from './contract.js';
import { focusModelSql, usagePricedSql } from './enrich.js';
import { resolveDefaults } from './focus-defaults.js';
import { type FileContext, readInput, throwOnRejects } from './read-input.js';

export interface StagedPart {
  staged: string;
  partition: string;
  rows: number;
  totals: Record<string, string>;
}

export interface StagedInput {
  source: SourceDefinition;
  dataset: 'focus' | 'usage';
  parts: StagedPart[];
  rowsIn: number;
  rowsOut: number;
  rejected: number;
  skipped: number;
  reconciliation: { measure: string; source: string; stored: string }[];
  notes: string[];
  warnings: string[];
}

/** AICOST_TIMING=1 prints each stage's wall time to stderr (for tuning and the bench). */
function timer(label: string): (stage: string) => void {
  let t = performance.now();
  return (stage) => {
    if (!process.env.AICOST_TIMING) return;
    const now = performance.now();
    process.stderr.write(`[timing] ${label} ${stage}: ${((now - t) / 1000).toFixed(2)} s\n`);
    t = now;
  };
}

const LINEAGE_FOCUS = (source: SourceDefinition) => ({
  x_RowId: `md5(_input_sha || ':' || _record || ':0')`,
  x_SourceId: lit(source.id),
  x_SourceFile: '_source_file',
  x_SourceRecord: '_record',
});

function isBareRef(expr: string, absent: Set<string>): boolean {
  const m = /^"((?:[^"]|"")+)"$/.exec(expr.trim());
  return m !== null && absent.has(m[1]!.replaceAll('""', '"'));
}

/** Layer 1: the definition's own expressions; layer 2: the full stored schema with defaults and lineage. */
function focusSelect(source: SourceDefinition, src: string, absent: Set<string>): string {
  // A FOCUS column the input lacks is not provided (so its 1.3 default may apply), whatever its expression.
  const provided = Object.fromEntries(
    Object.entries(source.map).filter(([c, e]) => !absent.has(c) && !isBareRef(e, absent)),
  );
  const layer1 = Object.entries({ ...provided, ...LINEAGE_FOCUS(source) })
    .map(([c, e]) => `${e} AS ${ident(c)}`)
    .join(',\n    ');
  const where = source.where ? `WHERE ${source.where}` : '';
  const resolved = resolveDefaults(
    new Set([...Object.keys(provided), ...Object.keys(LINEAGE_FOCUS(source))]),
  );
  if ('x_ModelRaw' in provided) resolved.x_Model = focusModelSql('"x_ModelRaw"', '"ServiceProviderName"');
  return `SELECT ${selectList(focusStoredColumns(), resolved)}
    FROM (SELECT ${layer1} FROM ${src} ${where}) m`;
}

/** Tag policy on top of a source's tags: deny-listed keys removed, hashed keys replaced by a salted SHA-256. */
function tagPolicy(tags: string, ctx: FileContext): string {
  let t = tags;
  const deny = (ctx.denyTags ?? []).filter(Boolean);
  if (deny.length)
    t = `NULLIF(CAST(json_merge_patch(COALESCE(${t}, '{}'), ${lit(JSON.stringify(Object.fromEntries(deny.map((k) => [k, null]))))}) AS VARCHAR), '{}')`;
  for (const k of (ctx.hashTags ?? []).filter(Boolean)) {
    const v = `json_extract_string(${t}, ${lit(`$."${k}"`)})`;
    t = `CASE WHEN ${v} IS NULL THEN ${t} ELSE CAST(json_merge_patch(${t}, json_object(${lit(k)}, sha256(_salt || ${v}))) AS VARCHAR) END`;
  }
  return t;
}

function usageSelect(source: SourceDefinition, src: string, ctx: FileContext): string {
  const lineage = {
    source_id: lit(source.id),
    source_file: '_source_file',
    source_record: `COALESCE(_record, CAST(${source.map.request_id ?? 'NULL'} AS VARCHAR))`,
  };
  const exprs: Record<string, string> = { ...source.map, ...lineage };
  if (exprs.tags) exprs.tags = tagPolicy(exprs.tags, ctx);
  const layer1 = Object.entries(exprs)
    .filter(([c]) => c !== 'model' && c !== 'cost_estimate' && c !== 'unpriced' && c !== 'date')
    .map(([c, e]) => `${e} AS ${ident(c)}`)
    .join(',\n    ');
  const where = source.where ? `WHERE ${source.where}` : '';
  const present = new Set(Object.keys(exprs));
  const cols: Record<string, string> = {};
  for (const c of USAGE_COLUMNS) cols[c.name] = present.has(c.name) ? ident(c.name) : 'NULL';
  cols.date = 'CAST("timestamp" AS DATE)';
  cols.model = '"model"';
  cols.cost_estimate = '"cost_estimate"';
  cols.unpriced = '"unpriced"';
  for (const t of TOKEN_CLASSES) if (!present.has(t)) cols[t] = '0';
  const typed = `SELECT ${selectList(
    USAGE_COLUMNS.filter((c) => !['model', 'cost_estimate', 'unpriced', 'date'].includes(c.name)),
    cols,
  )} FROM (SELECT ${layer1} FROM ${src} ${where}) m`;
  const priced = usagePricedSql(typed);
  return `SELECT ${selectList(USAGE_COLUMNS, cols)} FROM (${priced}) p`;
}

/** Checks declared on the source relation: the first offending record names file, record and column. */
async function runSourceChecks(
  db: Db,
  source: SourceDefinition,
  src: string,
  ctx: FileContext,
): Promise<void> {
  const list = source.checks ?? [];
  if (list.length === 0) return;
  const where = source.where ? `WHERE ${source.where}` : '';
  const recordExpr = source.recordKey
    ? `COALESCE(_record, CAST(${ident(source.recordKey)} AS VARCHAR))`
    : '_record';
  // bool_or: a bad record whose record key is itself missing (no line, no request id) still fails
  const parts = list
    .map((c, i) => `min(${recordExpr}) FILTER (WHERE ${c.bad}) AS c${i}, bool_or(${c.bad}) AS b${i}`)
    .join(', ');
  const r = await db.one<Record<string, string | boolean | null>>(`SELECT ${parts} FROM ${src} ${where}`);
  for (const [i, c] of list.entries()) {
    const rec = r?.[`c${i}`] as string | null | undefined;
    if ((rec === null || rec === undefined) && r?.[`b${i}`] === true)
      throw new InputError(c.problem, { file: ctx.displayPath, column: c.column });
    if (rec !== null && rec !== undefined) {
      const line =
        source.recordKey && !/^\d+$/.test(rec) ? await locateLine(db, ctx, source.recordKey, rec) : null;
      const record = line ?? (/^\d+$/.test(rec) ? Number(rec) : rec);
      const problem = line ? `${c.problem} (${source.recordKey} ${rec})` : c.problem;
      throw new InputError(problem, { file: ctx.displayPath, record, column: c.column });
    }
  }
}

/** Error path only: the CSV line of the record whose key is `value` (file order needs insertion order kept). */
async function locateLine(db: Db, ctx: FileContext, keyCol: string, value: string): Promise<number | null> {
  if (!/\.(csv|tsv|txt)$/i.test(ctx.absPath)) return null;
  try {
    await db.run('SET preserve_insertion_order = true');
    const r = await db.one<{ n: string }>(
      `SELECT n FROM (SELECT row_number() OVER () + 1 AS n, ${ident(keyCol)} AS k
         FROM read_csv(${lit(ctx.absPath)}, header = true, all_varchar = true, ignore_errors = true)) WHERE k = $1 LIMIT 1`,
      [value],
    );
    return r ? Number(r.n) : null;
  } finally {
    await db.run('SET preserve_insertion_order = false');
  }
}

/** Checks on the produced rows that hold for every source of a dataset. */
async function runOutputChecks(
  db: Db,
  dataset: 'focus' | 'usage',
  out: string,
  ctx: FileContext,
): Promise<void> {
  const rules =
    dataset === 'usage'
      ? [
          { column: 'timestamp', bad: '"timestamp" IS NULL', problem: 'time is missing or not a date/time' },
          ...TOKEN_CLASSES.map((t) => ({
            column: t,
            bad: `${ident(t)} < 0`,
            problem: 'negative token count',
          })),
        ]
      : [
          { column: 'BilledCost', bad: '"BilledCost" IS NULL', problem: 'cost is missing or not a number' },
          {
            column: 'ChargePeriodStart',
            bad: '"ChargePeriodStart" IS NULL',
            problem: 'charge period start is missing or not a date/time',
          },
          { column: 'BillingCurrency', bad: '"BillingCurrency" IS NULL', problem: 'currency is missing' },
        ];
  const recordCol = dataset === 'usage' ? 'source_record' : 'x_SourceRecord';
  const parts = rules.map((c, i) => `min(${recordCol}) FILTER (WHERE ${c.bad}) AS c${i}`).join(', ');
  const r = await db.one<Record<string, string | null>>(`SELECT ${parts} FROM ${out}`);
  for (const [i, c] of rules.entries()) {
    const rec = r?.[`c${i}`];
    if (rec !== null && rec !== undefined) {
      const record = /^\d+$/.test(rec) ? Number(rec) : rec;
      throw new InputError(c.problem, { file: ctx.displayPath, record, column: c.column });
    }
  }
}

function stagedFiles(dir: string): { partition: string; path: string }[] {
  const out: { partition: string; path: string }[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (!d.isDirectory() || !d.name.startsWith('_part=')) continue;
    const partition = decodeURIComponent(d.name.slice('_part='.length));
    for (const f of readdirSync(join(dir, d.name)))
      if (f.endsWith('.parquet')) out.push({ partition, path: join(dir, d.name, f) });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Reads, checks, maps, writes and reconciles one input file into staged Parquet parts. */
export async function stageInput(
  db: Db,
  sniff: Sniff,
  definition: SourceDefinition,
  ctx: FileContext,
): Promise<StagedInput> {
  // a mapping that depends on the file's header (SourceDefinition.mapFor) is fixed once, here, for this file
  const source = definition.mapFor
    ? { ...definition, map: { ...definition.map, ...definition.mapFor(sniff) } }
    : definition;
  const lap = timer(ctx.displayPath);
  const reader = source.reader(sniff);
  const lineNumbers = source.dataset === 'focus' || reader.kind !== 'csv';
  const rel = await readInput(db, sniff, reader, ctx, { lineNumbers, lets: source.let });
  if (source.let && Object.keys(source.let).length > 0 && !rel.letsDone) {
    const lets = Object.entries(source.let)
      .map(([c, e]) => `${e} AS ${ident(c)}`)
      .join(', ');
    await db.run(`CREATE TEMP VIEW ${rel.name}_l AS SELECT *, ${lets} FROM ${rel.name}`);
    rel.name = `${rel.name}_l`;
  }
  const notes: string[] = [];
  const warnings: string[] = [];
  const inspected = source.inspect?.(rel.absent);
  if (inspected?.error) throw new InputError(inspected.error, { file: ctx.displayPath });
  warnings.push(...(inspected?.warnings ?? []));
  notes.push(...(inspected?.notes ?? []));
  if (rel.unknown.length > 0)
    notes.push(
      `ignored columns: ${rel.unknown.slice(0, 8).join(', ')}${rel.unknown.length > 8 ? ', …' : ''}`,
    );
  lap('read');
  await runSourceChecks(db, source, rel.name, ctx);
  lap('source checks');

  const select =
    source.dataset === 'focus'
      ? focusSelect(source, rel.name, new Set(rel.absent))
      : usageSelect(source, rel.name, ctx);
  const partExpr =
    source.dataset === 'focus' ? `strftime("BillingPeriodStart", '%Y-%m')` : `strftime("date", '%Y-%m-%d')`;
  const outDir = ctx.scratch(`${ctx.tag}.out`);
  try {
    await db.run(
      `COPY (SELECT *, ${partExpr} AS _part FROM (${select})) TO ${lit(outDir)}
         (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (_part), WRITE_PARTITION_COLUMNS false, OVERWRITE_OR_IGNORE true)`,
    );
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0] ?? '';
    if (/Conversion|Could not convert|Invalid Input|CSV/i.test(msg))
      throw new InputError(msg, { file: ctx.displayPath });
    throw e;
  }
  lap('map + write');
  await throwOnRejects(db, ctx);
  const files = stagedFiles(outDir);
  const out =
    files.length > 0
      ? `read_parquet(${litList(files.map((f) => f.path))}, hive_partitioning = false)`
      : `(${select}) z`;
  // carried-over FOCUS input is not repaired or rejected for missing values (PRODUCT §3); derived rows are checked
  if (source.family !== 'focus') await runOutputChecks(db, source.dataset, out, ctx);

  lap('output checks');
  const totalCols = TOTAL_COLUMNS[source.dataset] ?? [];
  const parts: StagedPart[] = [];
  for (const f of files) {
    const r = await db.one<Record<string, string | null>>(
      `SELECT count(*)::VARCHAR AS _rows, ${totalCols.map((c) => `COALESCE(SUM(${ident(c)}), 0)::VARCHAR AS ${ident(c)}`).join(', ')}
         FROM read_parquet(${lit(f.path)}, hive_partitioning = false)`,
    );
    const { _rows, ...totals } = r ?? {};
    parts.push({
      staged: f.path,
      partition: f.partition,
      rows: Number(_rows ?? 0),
      totals: totals as Record<string, string>,
    });
  }
  const rowsOut = parts.reduce((s, p) => s + p.rows, 0);
  const counted = await db.one<{ n: string; kept: string }>(
    `SELECT count(*)::VARCHAR AS n, count(*) FILTER (WHERE ${source.where ?? 'true'})::VARCHAR AS kept FROM ${rel.name}`,
  );
  const rowsIn = Number(counted?.n ?? 0);
  const skipped = rowsIn - Number(counted?.kept ?? 0);
  if (rowsIn - skipped !== rowsOut) {
    throw new InternalError(
      `${ctx.displayPath}: ${rowsIn - skipped} records read but ${rowsOut} rows written`,
    );
  }
  lap('totals + counts');
  const reconciliation = await reconcile(db, source, rel.name, out, new Set(rel.absent));
  lap('reconcile');
  for (const r of reconciliation) {
    if (r.source !== r.stored) {
      throw new InternalError(
        `${ctx.displayPath}: reconciliation failed for ${r.measure}: source ${r.source} ≠ stored ${r.stored}`,
      );
    }
  }
  if (source.dataset === 'focus' && ctx.account === null) {
    const d = await db.one<{ n: string }>(
      `SELECT count(*) AS n FROM ${out} WHERE "BillingAccountId" = "ServiceProviderName"`,
    );
    if (d && d.n !== '0')
      warnings.push(`BillingAccountId defaulted to the provider name on ${d.n} rows: pass --account ID`);
  }
  if (source.dataset === 'usage') {
    const u = await db.one<{ n: string; models: string | null }>(
      `SELECT count(*)::VARCHAR AS n, string_agg(DISTINCT COALESCE(model, '(no model)'), ', ') AS models FROM ${out} WHERE unpriced IS NOT NULL`,
    );
    if (u && u.n !== '0') warnings.push(`${u.n} usage rows unpriced (no price-book entry): ${u.models}`);
  }
  return {
    source,
    dataset: source.dataset,
    parts,
    rowsIn,
    rowsOut,
    rejected: 0,
    skipped,
    reconciliation,
    notes,
    warnings,
  };
}

/** Source totals (parsed from the input's own text) against the stored totals, as exact decimal strings. */
async function reconcile(db: Db, source: SourceDefinition, src: string, out: string, absent: Set<string>) {
  const rows: { measure: string; source: string; stored: string }[] = [];
  const where = source.where ? `WHERE ${source.where}` : '';
  if (source.dataset === 'focus' && source.sourceCost) {
    const target = source.reconcileTo ?? 'BilledCost';
    const per = source.sourceCostPerUnit ?? 1;
    const r = await db.one<{ s: string; t: string }>(
      `SELECT (SELECT COALESCE(SUM(${source.sourceCost}), 0) FROM ${src} ${where})::DECIMAL(38,18)::VARCHAR AS s,
              (SELECT COALESCE(SUM(${ident(target)}), 0) * ${per} FROM ${out})::DECIMAL(38,18)::VARCHAR AS t`,
    );
    const unit = per === 100 ? ' (in cents)' : '';
    rows.push({ measure: `${target}${unit} = source cost field`, source: r?.s ?? '', stored: r?.t ?? '' });
  }
  for (const m of source.reconcile ?? []) {
    if (m.column && absent.has(m.column)) continue;
    const r = await db.one<{ s: string; t: string }>(
      `SELECT (SELECT COALESCE(SUM(${m.source}), 0) FROM ${src} ${where})::VARCHAR AS s,
              (SELECT COALESCE(SUM(${m.stored}), 0) FROM ${out})::VARCHAR AS t`,
    );
    rows.push({ measure: m.measure, source: r?.s ?? '', stored: r?.t ?? '' });
  }
  return rows;
}
