// The one shared pipeline (docs/architecture.md): a source definition compiles to one SELECT over its reader
// relation, and one COPY writes the stored rows straight from the input, with every row check inside it as a
// guard. Then two cheap scans: the input's own totals (reconcile.ts) and the written file's totals per partition.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, InternalError } from '../errors.js';
import { type Db, ident, lit } from '../store/duckdb.js';
import { PARQUET, TOTAL_COLUMNS } from '../store/files.js';
import type { Sniff, SourceDefinition, StoredNote } from './contract.js';
import type { FileContext } from './file-context.js';
import { storedSelect, withOrder } from './map-sql.js';
import { readInput, type SourceRelation, throwOnRejects } from './read-input.js';
import {
  carriedColumns,
  countInput,
  type ReconcileRow,
  reconciledTotals,
  reconcileFailure,
  reconcileGuard,
} from './reconcile.js';
import { dropRepeatedKeys, type RepeatedKeys } from './repeated-keys.js';
import { explainGuard, guardSql, isGuardError, outputRules } from './row-checks.js';
import { startTagDropLog, tagDropNotes } from './tag-notes.js';

export interface StagedPart {
  staged: string;
  partition: string;
  rows: number;
  totals: Record<string, string>;
}

export interface StagedInput {
  source: SourceDefinition;
  dataset: 'focus' | 'usage' | 'telemetry';
  parts: StagedPart[];
  rowsIn: number;
  rowsOut: number;
  rejected: number;
  skipped: number;
  /** Rows dropped for repeating a replacement key inside this input (repeated-keys.ts). */
  repeated: number;
  reconciliation: ReconcileRow[];
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

/** The partition a stored row belongs to: billing period (focus/) or UTC month (usage/, telemetry/). */
const PARTITION: Record<'focus' | 'usage' | 'telemetry', string> = {
  focus: `strftime("BillingPeriodStart", '%Y-%m')`,
  usage: `strftime("date", '%Y-%m')`,
  telemetry: `strftime("date", '%Y-%m')`,
};

/** A definition with its file-dependent map entries (`mapFor`) fixed for one sniffed file. */
function forFile(definition: SourceDefinition, sniff: Sniff): SourceDefinition {
  if (!definition.mapFor) return definition;
  return { ...definition, map: { ...definition.map, ...definition.mapFor(sniff) } } as SourceDefinition;
}

/**
 * The one COPY: input -> stored rows, with the row checks and the per-record reconciliation as guards inside it.
 * A guard or reader failure becomes an input error naming the record; a reconciliation failure is a bug (exit 3).
 */
async function writeRows(
  db: Db,
  source: SourceDefinition,
  rel: SourceRelation,
  ctx: FileContext,
  out: string,
): Promise<number> {
  const absent = new Set(rel.absent);
  const rec = reconcileGuard(source, absent);
  const guarded = storedSelect(source, rel.name, absent, ctx, {
    guard: guardSql('source', source.checks ?? []),
    carry: rec.carry,
  });
  const outGuard = guardSql('output', outputRules(source));
  // what the tag filter drops is logged from inside the COPY (map-sql.ts#tagLayer, read by tag-notes.ts)
  await startTagDropLog(db, ctx);
  const guards = [outGuard, rec.guard].filter(Boolean).join(' AND ');
  const carried = carriedColumns(source, absent);
  const exclude = carried.length ? ` EXCLUDE (${carried.map(ident).join(', ')})` : '';
  const final = `SELECT *${exclude} FROM (${guarded}) o${guards ? ` WHERE ${guards}` : ''}`;
  try {
    const r = await withOrder(db, rel.ordered, () =>
      db.all<{ Count: string }>(`COPY (${final}) TO ${lit(out)} (FORMAT parquet, ${PARQUET})`),
    );
    await throwOnRejects(db, ctx);
    return Number(r[0]?.Count ?? Number.NaN);
  } catch (e) {
    const measure = reconcileFailure(e);
    if (measure !== null)
      throw new InternalError(
        `${ctx.displayPath}: reconciliation failed for ${measure} (a record's stored figure differs from its source)`,
      );
    if (isGuardError(e)) {
      const mapped = storedSelect(source, rel.name, absent, ctx);
      throw await withOrder(db, rel.ordered, () => explainGuard(db, source, rel.name, mapped, ctx));
    }
    await throwOnRejects(db, ctx);
    const msg = (e as Error).message.split('\n')[0] ?? '';
    if (/Conversion|Could not convert|Invalid Input|CSV|JSON|Parquet/i.test(msg))
      throw new InputError(`cannot be read: ${msg}`, { file: ctx.displayPath });
    throw e;
  }
}

/** Row count and totals per partition of the written file; a file spanning partitions is split (rare: backfills). */
async function partsOf(
  db: Db,
  dataset: 'focus' | 'usage' | 'telemetry',
  out: string,
  ctx: FileContext,
): Promise<StagedPart[]> {
  const cols = TOTAL_COLUMNS[dataset] ?? [];
  const sums = cols.map((c) => `, COALESCE(SUM(${ident(c)}), 0)::VARCHAR AS ${ident(c)}`).join('');
  const file = `read_parquet(${lit(out)}, hive_partitioning = false)`;
  const rows = await db.all<Record<string, string>>(
    `SELECT ${PARTITION[dataset]} AS _part, count(*)::VARCHAR AS _rows${sums} FROM ${file} GROUP BY 1 ORDER BY 1`,
  );
  const part = (r: Record<string, string>, staged: string): StagedPart => {
    const { _part, _rows, ...totals } = r;
    return { staged, partition: _part ?? '', rows: Number(_rows), totals };
  };
  if (rows.length <= 1) return rows.map((r) => part(r, out));
  const dir = ctx.scratch(`${ctx.tag}.parts`);
  await db.run(
    `COPY (SELECT *, ${PARTITION[dataset]} AS _part FROM ${file}) TO ${lit(dir)}
       (FORMAT parquet, ${PARQUET}, PARTITION_BY (_part), WRITE_PARTITION_COLUMNS false, OVERWRITE_OR_IGNORE true)`,
  );
  return rows.map((r) => {
    const sub = join(dir, `_part=${encodeURIComponent(r._part ?? '')}`);
    const files = readdirSync(sub).filter((f) => f.endsWith('.parquet'));
    if (files.length !== 1)
      throw new InternalError(`${ctx.displayPath}: partition ${r._part} wrote ${files.length} files`);
    return part(r, join(sub, files[0]!));
  });
}

/** Reads, checks, maps, writes and reconciles one input file into staged Parquet parts. */
export async function stageInput(
  db: Db,
  sniff: Sniff,
  definition: SourceDefinition,
  ctx: FileContext,
): Promise<StagedInput> {
  const source = forFile(definition, sniff);
  const lap = timer(ctx.displayPath);
  const reader = source.reader(sniff);
  const rel = await readInput(db, sniff, reader, ctx, {
    // telemetry files are small next to request logs, and their lines name bad samples
    lineNumbers: source.dataset !== 'usage' || reader.kind !== 'csv',
    lets: source.let,
    aliases: source.aliases,
  });
  const notes: string[] = [];
  const warnings: string[] = [];
  const inspected = source.dataset === 'focus' ? source.inspect?.(rel.absent) : undefined;
  if (inspected?.error) throw new InputError(inspected.error, { file: ctx.displayPath });
  warnings.push(...(inspected?.warnings ?? []));
  notes.push(...(inspected?.notes ?? []));
  if (rel.unknown.length > 0)
    notes.push(
      `ignored columns: ${rel.unknown.slice(0, 8).join(', ')}${rel.unknown.length > 8 ? ', …' : ''}`,
    );

  const out = ctx.scratch(`${ctx.tag}.parquet`);
  const written = await writeRows(db, source, rel, ctx, out);
  lap('read + check + map + write');
  const reconciliation = await reconciledTotals(db, source, parquet(out), new Set(rel.absent));
  const counted = await withOrder(db, rel.ordered, () => countInput(db, source, rel, reader.kind, written));
  // one row per replacement key, as across inputs (repeated-keys.ts); the reconciliation above covers every record
  const totalCols = TOTAL_COLUMNS[source.dataset] ?? [];
  const repeated = await dropRepeatedKeys(
    db,
    source,
    out,
    ctx.scratch(`${ctx.tag}.dedup.parquet`),
    totalCols,
  );
  const parts = await partsOf(db, source.dataset, repeated.file, ctx);
  const rowsOut = parts.reduce((s, p) => s + p.rows, 0);
  lap('totals');
  if (written !== rowsOut + repeated.dropped || counted.rowsIn - counted.skipped !== written)
    throw new InternalError(
      `${ctx.displayPath}: ${counted.rowsIn - counted.skipped} records kept, ${written} written, ${rowsOut} stored`,
    );
  if (repeated.dropped > 0) notes.push(repeatedNote(source, repeated));
  if (counted.skipped > 0 && source.skippedNote) notes.push(`${counted.skipped} ${source.skippedNote}`);
  warnings.push(...(await storedWarnings(db, source, parquet(repeated.file), ctx)));
  if (source.dataset === 'focus')
    notes.push(...(await storedNotes(db, source.storedNotes ?? [], parquet(repeated.file))));
  notes.push(...(await tagDropNotes(db, source, rel, ctx)));
  return {
    source,
    dataset: source.dataset,
    parts,
    rowsIn: counted.rowsIn,
    rowsOut,
    rejected: 0,
    skipped: counted.skipped,
    repeated: repeated.dropped,
    reconciliation,
    notes,
    warnings,
  };
}

/** A source's row-level notes: the count of stored rows each applies to and up to five example values. */
async function storedNotes(db: Db, defs: StoredNote[], out: string): Promise<string[]> {
  const notes: string[] = [];
  for (const d of defs) {
    const r = await db.one<{ n: string; ex: string | null }>(
      `SELECT count(*)::VARCHAR AS n, (SELECT string_agg(e, ', ' ORDER BY e) FROM (SELECT DISTINCT CAST(${d.example} AS VARCHAR) AS e
         FROM ${out} WHERE ${d.where} ORDER BY e LIMIT 5)) AS ex FROM ${out} WHERE ${d.where}`,
    );
    if (r && r.n !== '0') notes.push(`${r.n} ${d.note}${r.ex ? `: ${r.ex}` : ''}`);
  }
  return notes;
}

const parquet = (path: string) => `read_parquet(${lit(path)}, hive_partitioning = false)`;

/** The note on rows dropped for repeating a key inside the input: how many, by which key, and what they held. */
function repeatedNote(source: SourceDefinition, r: RepeatedKeys): string {
  const key = source.replace.kind === 'rows' ? source.replace.key.join(', ') : '';
  const held = Object.entries(r.totals)
    .filter(([, v]) => Number(v) !== 0)
    .map(([c, v]) => `${c} ${v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v}`)
    .join(', ');
  return `${r.dropped} row${r.dropped === 1 ? '' : 's'} dropped: the key (${key}) repeats in this file and one row per key is kept, the latest${held ? ` (dropped: ${held})` : ''}`;
}

/** Warnings read off the written rows: a defaulted billing account, unpriced usage. */
async function storedWarnings(
  db: Db,
  source: SourceDefinition,
  out: string,
  ctx: FileContext,
): Promise<string[]> {
  if (source.dataset === 'telemetry') return [];
  if (source.dataset === 'focus') {
    if (ctx.account !== null) return [];
    const d = await db.one<{ n: string }>(
      `SELECT count(*) AS n FROM ${out} WHERE "BillingAccountId" = "ServiceProviderName"`,
    );
    return d && d.n !== '0'
      ? [`BillingAccountId defaulted to the provider name on ${d.n} rows: pass --account ID`]
      : [];
  }
  // why: a model the book does not know; a known model with no price period covering the request (dating); or a
  // known, dated model lacking the price of one class (e.g. a cache-write price the vendor does not publish)
  const rows = await db.all<{ why: string; n: string; models: string }>(
    `WITH un AS (
       SELECT COALESCE(model, '(no model)') AS m, timestamp AS ts, unpriced,
         model IN (SELECT model FROM model_alias) AS known,
         EXISTS (SELECT 1 FROM price_wide w WHERE w.model = u.model AND w.valid_from <= CAST(u.timestamp AS DATE)
           AND (w.valid_to IS NULL OR CAST(u.timestamp AS DATE) < w.valid_to)) AS dated
       FROM ${out} u WHERE unpriced IS NOT NULL),
     why AS (
       SELECT CASE WHEN NOT known THEN 'entry' WHEN NOT dated THEN 'time' ELSE 'class' END AS why, m,
         count(*) AS n, strftime(min(ts), '%Y-%m-%dT%H:%M:%SZ') AS first, string_agg(DISTINCT unpriced, ',') AS cls
       FROM un GROUP BY ALL)
     SELECT why, SUM(n)::VARCHAR AS n, string_agg(
         CASE why WHEN 'time' THEN m || ' (no price valid at ' || first || ')'
           WHEN 'class' THEN m || ' (no ' || cls || ' price)' ELSE m END, ', ' ORDER BY m) AS models
     FROM why GROUP BY why ORDER BY why`,
  );
  const label: Record<string, string> = {
    entry: 'no price-book entry',
    time: 'model known, no price valid at the request time',
    class: 'a token class without a price',
  };
  return rows.map((r) => `${r.n} usage rows unpriced (${label[r.why]}): ${r.models}`);
}
