// Azure actual and amortized cost details of one period are JOINED, never added
// (docs/data-model.md#azure-actual-and-amortized): BilledCost from the actual export, EffectiveCost from the
// amortized one. Each export is staged by the `azure-cost` source as its own rows (BilledCost = EffectiveCost = its
// cost) and kept, per input, in the `exports` dataset, which no view reads. After every ingest and forget this pass
// re-derives the focus/ rows of each billing period from the exports stored now, so the result depends neither on
// ingest order nor on what was replaced:
//
// - which export a file is comes from its rows: commitment-covered usage with a cost, or unused commitment rows,
//   only occur in the amortized export; a commitment purchase with a cost only in the actual one. A file with
//   neither (on-demand only) takes the type of the other files of its ingest and period when they agree (parts of
//   one export), else its path decides (`amortized` in it), else it is actual;
// - replacement key (source, billing account, billing period, cost type): a later export of the same key replaces
//   the earlier one's rows of that account. Files given to one ingest are parts of one export (Cost Management
//   splits large exports into several CSVs), so they never replace each other;
// - join: per account with both exports, lines are matched on their identifying columns (and the occurrence of a
//   repeated line). A matched line is one row: BilledCost from actual, EffectiveCost from amortized. A line only in
//   the actual export (a commitment purchase) keeps its BilledCost with EffectiveCost 0; one only in the amortized
//   export (covered or unused commitment hours) keeps its EffectiveCost with BilledCost 0. So Σ BilledCost = Σ the
//   actual cost column and Σ EffectiveCost = Σ the amortized one, exactly (checked here: a difference is a bug);
// - an account with one export: actual alone has EffectiveCost = cost except commitment purchases (0: FOCUS
//   amortizes them into the usage they cover, which only the amortized export shows); amortized alone has
//   BilledCost = cost except commitment-covered and unused commitment rows (0: billed through the purchase).
import { InputError, InternalError } from '../errors.js';
import { focusStoredColumns } from '../focus/schema.js';
import { type Db, ident, lit, litList } from '../store/duckdb.js';
import { fileTotals, PARQUET, shortHash, storedPath } from '../store/files.js';
import { type WorkingFile, withoutRows } from '../store/rewrite.js';
import type { Transaction } from '../store/transaction.js';

const SOURCE = 'azure-cost';
type CostType = 'actual' | 'amortized';

/** The columns that identify one line of a cost details export in both of its datasets. */
const LINE_KEY = [
  'BillingAccountId',
  'SubAccountId',
  'ChargePeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeFrequency',
  'ChargeDescription',
  'SkuId',
  'SkuPriceId',
  'ResourceId',
  'RegionName',
  'AvailabilityZone',
  'PricingCategory',
  'PricingQuantity',
  'PricingUnit',
  'CommitmentDiscountId',
  'CommitmentDiscountStatus',
  'InvoiceId',
  'Tags',
];
const lineKey = (alias: string) =>
  `md5(concat_ws('|', ${LINE_KEY.map((c) => `COALESCE(CAST(${alias}.${ident(c)} AS VARCHAR), '')`).join(', ')}))`;

const read = (files: string[]) => `read_parquet(${litList(files)}, hive_partitioning = false)`;

const costTypeOf = (w: WorkingFile): CostType | null =>
  /\/(actual|amortized)-[^/]+\.parquet$/.exec(w.file.path)?.[1] as CostType | null;

/** Actual or amortized by the rows' evidence (see the header), null when there is none; both is an input error. */
async function evidence(db: Db, w: WorkingFile): Promise<{ type: CostType | null; file: string }> {
  const r = await db.one<{ amortized: boolean; actual: boolean; file: string | null }>(
    `SELECT bool_or((CommitmentDiscountStatus = 'Used' AND EffectiveCost <> 0) OR CommitmentDiscountStatus = 'Unused') AS amortized,
       bool_or(ChargeCategory = 'Purchase' AND CommitmentDiscountId IS NOT NULL AND BilledCost <> 0) AS actual, any_value(x_SourceFile) AS file
     FROM ${read([w.abs])}`,
  );
  const file = r?.file ?? w.file.path;
  if (r?.amortized && r.actual)
    throw new InputError(
      'holds both commitment purchases with a cost (actual export) and commitment-covered usage with a cost (amortized export)',
      { file },
      'ingest the actual and the amortized export as separate files',
    );
  return { type: r?.amortized ? 'amortized' : r?.actual ? 'actual' : null, file };
}

/**
 * Newly staged azure-cost files move to the exports dataset, named by their cost type. A file without evidence
 * (only on-demand lines) takes the type of the other files of this ingest and period when they agree on one (the
 * parts of one partitioned export), else its path decides (`amortized` in it), else actual.
 */
async function toExports(db: Db, working: WorkingFile[]): Promise<WorkingFile[]> {
  const isNew = (w: WorkingFile) =>
    w.file.sourceId === SOURCE && w.file.dataset === 'focus' && w.staged && !isJoined(w);
  const found = new Map<WorkingFile, { type: CostType | null; file: string }>();
  for (const w of working.filter(isNew)) found.set(w, await evidence(db, w));
  const typeOf = (w: WorkingFile): CostType => {
    const own = found.get(w)!;
    if (own.type) return own.type;
    const peers = new Set(
      [...found].filter(([p, e]) => p.file.partition === w.file.partition && e.type).map(([, e]) => e.type),
    );
    if (peers.size === 1) return [...peers][0]!;
    return /amorti[sz]ed/i.test(own.file) ? 'amortized' : 'actual';
  };
  return working.map((w) => {
    if (!found.has(w)) return w;
    const name = `${typeOf(w)}-${w.file.path
      .split('/')
      .pop()!
      .replace(/\.parquet$/, '')}`;
    return {
      ...w,
      file: {
        ...w.file,
        dataset: 'exports' as const,
        path: storedPath('exports', w.file.partition, SOURCE, name),
      },
    };
  });
}

const isJoined = (w: WorkingFile) => /\/joined-[^/]+\.parquet$/.test(w.file.path);

/** A later export of the same (billing account, period, cost type) replaces an earlier one's rows of that account. */
async function replaceOlder(db: Db, tx: Transaction, files: WorkingFile[]): Promise<WorkingFile[]> {
  // in working-set order: stored files first (already disjoint), then this ingest's files in the order given
  let kept: WorkingFile[] = [];
  for (const f of files) {
    const accounts = (
      await db.all<{ a: string }>(`SELECT DISTINCT BillingAccountId AS a FROM ${read([f.abs])}`)
    ).map((r) => r.a);
    const next: WorkingFile[] = [];
    for (const g of kept) {
      // files staged by the same ingest are parts of one export (a partitioned export writes several CSVs a run)
      const same =
        !(g.staged && f.staged) &&
        g.file.partition === f.file.partition &&
        costTypeOf(g) === costTypeOf(f) &&
        g.file.inputSha256 !== f.file.inputSha256;
      if (!same) {
        next.push(g);
        continue;
      }
      const r = await withoutRows(db, tx, g, `BillingAccountId IN ${litList(accounts)}`, f.file.inputSha256);
      if (!r.file) continue;
      // a rewritten file keeps its cost type in its name
      const base = r.file.file.path.split('/').pop()!;
      const path = costTypeOf(r.file)
        ? r.file.file.path
        : r.file.file.path.replace(/[^/]+$/, `${costTypeOf(g)}-${base}`);
      next.push({ ...r.file, file: { ...r.file.file, path } });
    }
    kept = [...next, f];
  }
  return kept;
}

/** A side's commitment purchases (cost belongs to BilledCost only) and its commitment-covered or unused usage. */
const purchase = (p: string) =>
  `(${p}_ChargeCategory = 'Purchase' AND ${p}_CommitmentDiscountId IS NOT NULL)`;
const covered = (p: string) => `(${p}_CommitmentDiscountStatus IN ('Used', 'Unused'))`;

/** One side of the join: every stored column prefixed (`a_BilledCost`), its line key and the key's occurrence. */
function side(p: 'a' | 'm', files: string[]): string {
  const cols = focusStoredColumns();
  if (files.length === 0)
    return `(SELECT ${cols.map((c) => `CAST(NULL AS ${c.type}) AS ${ident(`${p}_${c.name}`)}`).join(', ')},
      NULL::VARCHAR AS ${p}__k, NULL::BIGINT AS ${p}__n WHERE false)`;
  const k = lineKey('s');
  return `(SELECT ${cols.map((c) => `s.${ident(c.name)} AS ${ident(`${p}_${c.name}`)}`).join(', ')}, ${k} AS ${p}__k,
      row_number() OVER (PARTITION BY s.BillingAccountId, ${k}
        ORDER BY s.x_SourceFile, TRY_CAST(s.x_SourceRecord AS BIGINT), s.x_RowId) AS ${p}__n
    FROM ${read(files)} s)`;
}

/** The SELECT of one period's focus/ rows from its actual and amortized exports (see the header). */
function joinedSelect(actual: string[], amortized: string[]): string {
  const pick = (c: string) => {
    if (c === 'BilledCost')
      return `CASE WHEN a_x_RowId IS NOT NULL THEN a_BilledCost WHEN both_sides OR ${covered('m')} THEN 0 ELSE m_BilledCost END`;
    // a joined row is the pair of records (and whether the account has both exports): a new partner or state is a
    // new row id, so allocations of the row as it was are pruned as gone (prune-allocations.ts)
    if (c === 'x_RowId')
      return `CASE WHEN a_x_RowId IS NOT NULL AND m_x_RowId IS NULL AND NOT both_sides THEN a_x_RowId
        WHEN m_x_RowId IS NOT NULL AND a_x_RowId IS NULL AND NOT both_sides THEN m_x_RowId
        ELSE md5(concat_ws('+', COALESCE(a_x_RowId, ''), COALESCE(m_x_RowId, ''))) END`;
    if (c === 'EffectiveCost' || c === 'PricingCurrencyEffectiveCost')
      return `CASE WHEN m_x_RowId IS NOT NULL THEN ${ident(`m_${c}`)} WHEN both_sides OR ${purchase('a')} THEN 0 ELSE ${ident(`a_${c}`)} END`;
    return `CASE WHEN a_x_RowId IS NOT NULL THEN ${ident(`a_${c}`)} ELSE ${ident(`m_${c}`)} END`;
  };
  const cols = focusStoredColumns().map((c) => c.name);
  return `WITH a0 AS ${side('a', actual)}, m0 AS ${side('m', amortized)},
    acc AS (SELECT a_BillingAccountId AS id FROM a0 INTERSECT SELECT m_BillingAccountId FROM m0),
    a AS (SELECT *, a_BillingAccountId IN (SELECT id FROM acc) AS a_both FROM a0),
    m AS (SELECT *, m_BillingAccountId IN (SELECT id FROM acc) AS m_both FROM m0)
  SELECT ${cols.map((c) => `${pick(c)} AS ${ident(c)}`).join(',\n    ')}
  FROM (SELECT *, COALESCE(a_both, m_both) AS both_sides
        FROM a FULL OUTER JOIN m ON a_BillingAccountId = m_BillingAccountId AND a__k = m__k AND a__n = m__n
          AND a_both AND m_both) j`;
}

/** Checks the join's exactness for one period: Σ BilledCost = Σ actual and Σ EffectiveCost = Σ amortized, per account. */
async function checkSums(db: Db, out: string, actual: string[], amortized: string[], period: string) {
  const sums = (files: string[], col: string) =>
    files.length
      ? `SELECT BillingAccountId AS acc, SUM(${col}) AS s FROM ${read(files)} GROUP BY 1`
      : `SELECT NULL::VARCHAR AS acc, NULL::DECIMAL(38,18) AS s WHERE false`;
  const bad = await db.all<{ acc: string }>(
    `WITH o AS (SELECT BillingAccountId AS acc, SUM(BilledCost) AS b, SUM(EffectiveCost) AS e FROM ${read([out])} GROUP BY 1),
      a AS (${sums(actual, 'BilledCost')}), m AS (${sums(amortized, 'EffectiveCost')})
     SELECT o.acc FROM o LEFT JOIN a ON a.acc = o.acc LEFT JOIN m ON m.acc = o.acc
     WHERE (a.acc IS NOT NULL AND o.b <> a.s) OR (m.acc IS NOT NULL AND o.e <> m.s)`,
  );
  if (bad.length > 0)
    throw new InternalError(
      `azure-cost join for ${period}: totals differ from the exports for account ${bad.map((b) => b.acc).join(', ')}`,
    );
}

/** Re-derives the azure-cost focus/ rows of every period from the exports in `working`; returns the new working set. */
export async function joinAzureExports(
  db: Db,
  tx: Transaction,
  working: WorkingFile[],
): Promise<WorkingFile[]> {
  const moved = await toExports(db, working);
  const isExport = (w: WorkingFile) => w.file.sourceId === SOURCE && w.file.dataset === 'exports';
  const exportsNow = await replaceOlder(db, tx, moved.filter(isExport));
  const others = moved.filter((w) => !isExport(w) && !(w.file.sourceId === SOURCE && isJoined(w)));
  const joinedBefore = moved.filter((w) => w.file.sourceId === SOURCE && isJoined(w));
  const out: WorkingFile[] = [...others, ...exportsNow];
  for (const period of [...new Set(exportsNow.map((w) => w.file.partition))].sort()) {
    const files = exportsNow.filter((w) => w.file.partition === period);
    const name = `joined-${shortHash(SOURCE, ...files.map((w) => w.file.path).sort())}`;
    const path = storedPath('focus', period, SOURCE, name);
    const kept = joinedBefore.find((w) => w.file.path === path);
    if (kept) {
      out.push(kept);
      continue;
    }
    const actual = files.filter((w) => costTypeOf(w) === 'actual').map((w) => w.abs);
    const amortized = files.filter((w) => costTypeOf(w) === 'amortized').map((w) => w.abs);
    const staged = tx.stagePath(`azure-join/${name}.parquet`);
    const select = joinedSelect(actual, amortized);
    await db.run(
      `COPY (${select} ORDER BY ChargePeriodStart, x_SourceFile, x_RowId) TO ${lit(staged)} (FORMAT parquet, ${PARQUET})`,
    );
    await checkSums(db, staged, actual, amortized, period);
    const t = await fileTotals(db, 'focus', staged);
    out.push({
      abs: staged,
      staged: true,
      file: {
        path,
        dataset: 'focus',
        sourceId: SOURCE,
        partition: period,
        inputSha256: name,
        rows: t.rows,
        totals: t.totals,
        createdAt: new Date().toISOString(),
      },
    });
  }
  return out;
}
