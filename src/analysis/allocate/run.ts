// `aicost allocate` as a library function: match pools to usage, split, write FOCUS 1.3 allocated rows and the run's
// factors, replace every earlier allocation of the same origin rows, and commit atomically.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SharedResourceSchema } from '../../config.js';
import { InputError, InternalError } from '../../errors.js';
import { installPrices } from '../../prices/install.js';
import { Db, lit } from '../../store/duckdb.js';
import { fileTotals, PARQUET, shortHash, storedPath } from '../../store/files.js';
import type { StoredFile } from '../../store/manifest.js';
import { withoutRows } from '../../store/rewrite.js';
import { Transaction } from '../../store/transaction.js';
import { attachViews } from '../views.js';
import { checkKeyExists } from './keys.js';
import { buildCandidates, chooseLevels } from './match.js';
import type { MethodId } from './methods.js';
import { type AllocateOptions, checkAllocateOptions } from './options.js';
import { rulesForKeys, type SharedResourceOutcome, sharedOutcomes, splitMaintenance } from './shared.js';
import { type ShowbackLine, showbackLines } from './showback.js';
import { COST_COLUMNS, computeShares, createAllocatedRows, factorsSql } from './split.js';

export type { AllocateOptions } from './options.js';

export interface AllocateResult {
  runId: string;
  unchanged: boolean;
  originRows: number;
  allocatedRows: number;
  /**
   * Cost-column totals of the pool and of the allocated rows when the run's invoice lines are in one billing currency
   * (zeros when there are none); empty when they are in several: `currencies` holds each one's totals, never added.
   */
  pool: Record<string, string>;
  allocated: Record<string, string>;
  /** Per billing currency of the pool: invoice lines and cost-column totals of the pool and of the allocated rows. */
  currencies: CurrencyTotals[];
  /** Per currency and match level: origin rows and cost; `share` is of that currency's allocated cost. */
  coverage: {
    currency: string | null;
    level: string;
    grain: string | null;
    rows: number;
    effectiveCost: string;
    share: number;
  }[];
  replacedAllocations: number;
  keys: string[];
  method: MethodId;
  showback: ShowbackLine[];
  /** Invoice lines naming a model with no usage of it that day (invoiced traffic that bypassed the logs). */
  unmatched: {
    currency: string | null;
    provider: string | null;
    model: string | null;
    day: string;
    lines: number;
    effectiveCost: string;
  }[];
  /** No invoice line to allocate: only the estimated breakdown is shown, nothing is written. */
  noInvoices: boolean;
  /** What each shared-resource rule for the run's keys did (empty without rules). */
  sharedResources: SharedResourceOutcome[];
}

async function loadFixedWeights(db: Db, file: string | undefined): Promise<void> {
  if (!file)
    throw new InputError('--method x-fixed-v1 needs --weights FILE (YAML or JSON map: key value -> weight)');
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`cannot read weights: ${(e as Error).message.split('\n')[0]}`, { file });
  }
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new InputError('weights must be a map of key value -> weight', { file });
  const rows = Object.entries(data as Record<string, unknown>).map(([k, v]) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0)
      throw new InputError(`weight of "${k}" must be a non-negative number`, { file, record: k });
    return `(${lit(k)}, ${lit(String(v))}::DECIMAL(38,18))`;
  });
  await db.run('CREATE OR REPLACE TEMP TABLE fixed_weights (kv VARCHAR, weight DECIMAL(38,18))');
  if (rows.length) await db.run(`INSERT INTO fixed_weights VALUES ${rows.join(', ')}`);
}

/** Drops the rows of the run's origin rows from earlier allocated/factor files; returns how many were dropped. */
async function withoutOrigins(
  db: Db,
  tx: Transaction,
  originCol: string,
  dataset: 'allocated' | 'allocation-factors',
) {
  let dropped = 0;
  for (const f of tx.next.files.filter((x) => x.dataset === dataset)) {
    const w = { abs: join(tx.home, f.path), file: f, staged: false };
    const r = await withoutRows(db, tx, w, `${originCol} IN (SELECT rid FROM pool)`, 'reallocated');
    if (r.dropped === 0) continue;
    dropped += r.dropped;
    tx.removeFile(f.path);
    if (r.file) tx.addFile(r.file.abs, r.file.file);
  }
  return dropped;
}

/** Runs one allocation and commits it atomically; an unchanged re-run commits nothing (`unchanged` true). */
export async function allocate(opts: AllocateOptions): Promise<AllocateResult> {
  checkAllocateOptions(opts);
  const home = resolve(opts.home);
  if (!existsSync(join(home, 'manifest.json'))) {
    throw new InputError(
      `no data home at ${home}`,
      {},
      'ingest cost reports and usage first: aicost ingest PATH...',
    );
  }
  const tx = Transaction.begin(home);
  const db = await Db.open({ tempDirectory: join(tx.stagingDir, 'duckdb-tmp') });
  try {
    await installPrices(db);
    await attachViews(db, home, tx.next);
    // a key no usage row carries is a typo, not 100 % (untagged): fail before anything is replaced
    for (const k of opts.keys) await checkKeyExists(db, k);
    const inputs = tx.next.files
      .filter((f) => f.dataset === 'focus' || f.dataset === 'usage')
      .map((f) => f.path)
      .sort();
    const rules = rulesForKeys(opts.keys, SharedResourceSchema.array().parse(opts.sharedResources ?? []));
    // GPU clusters and the idle policy change a x-gpu-time-v1 split; other methods' run ids stay as they were
    const gpu =
      opts.method === 'x-gpu-time-v1'
        ? [JSON.stringify([opts.gpuClusters ?? [], opts.idle ?? 'separate'])]
        : [];
    const runId = `run-${shortHash(JSON.stringify(opts.keys), JSON.stringify(rules), ...gpu, opts.method, opts.period.from ?? '', opts.period.to ?? '', String(opts.outputWeight ?? 1), opts.fallback ?? 'none', opts.weightsFile ? readFileSync(opts.weightsFile, 'utf8') : '', ...inputs).slice(0, 16)}`;
    const outputWeight = opts.outputWeight ?? 1;
    if (opts.method === 'x-fixed-v1') await loadFixedWeights(db, opts.weightsFile);
    await buildCandidates(db, opts.keys, opts.method, opts.period, {
      outputWeight,
      fallback: opts.fallback,
      rules,
      gpu: { clusters: opts.gpuClusters ?? [], idle: opts.idle ?? 'separate' },
    });
    await chooseLevels(db, opts.method);
    await computeShares(db, opts.keys, opts.method);
    const splitShared = rules.some((r) => r.maintenance)
      ? await splitMaintenance(db, opts.keys, rules, opts.period)
      : false;
    // money is cut on a narrow table; the wide FOCUS rows are a view the Parquet writer streams
    await createAllocatedRows(db, opts.keys, opts.method, runId);

    // Conservation is exact per origin row and metric; a difference is our bug (exit 3), never written.
    const broken = await db.one<{ n: string }>(`SELECT count(*)::VARCHAR AS n FROM (
        SELECT a.x_OriginRowId, ${COST_COLUMNS.map((c) => `SUM(a."${c}") IS DISTINCT FROM any_value(o."${c}") AS "${c}"`).join(', ')}
        FROM alloc_rows a JOIN pool_focus o ON o.x_RowId = a.x_OriginRowId GROUP BY a.x_OriginRowId)
      WHERE ${COST_COLUMNS.map((c) => `"${c}"`).join(' OR ')}`);
    if (broken && broken.n !== '0')
      throw new InternalError(`allocation does not conserve ${broken.n} origin rows`);

    const byCurrency = await currencyTotals(db);
    const coverage = await db.all<{
      currency: string | null;
      level: string;
      grain: string | null;
      rows: string;
      cost: string;
      share: number;
    }>(
      `WITH c AS (SELECT BillingCurrency AS currency, x_MatchLevel AS level, any_value(s.grain) AS grain,
            count(DISTINCT x_OriginRowId)::VARCHAR AS rows, SUM(EffectiveCost) AS cost
          FROM alloc_rows a LEFT JOIN (SELECT DISTINCT rid, grain FROM shares) s ON s.rid = a.x_OriginRowId GROUP BY 1, 2)
       SELECT currency, level, grain, rows, cost::VARCHAR AS cost,
         CAST(cost AS DOUBLE) / NULLIF(CAST(SUM(cost) OVER (PARTITION BY currency) AS DOUBLE), 0) AS share
       FROM c ORDER BY currency NULLS LAST, share DESC`,
    );
    const originRows = byCurrency.reduce((n, c) => n + c.originRows, 0);
    // one currency: the run's totals; several: no cross-currency sum anywhere, only `currencies`
    const only = byCurrency.length === 1 ? byCurrency[0]! : null;
    const zeros = Object.fromEntries(COST_COLUMNS.map((c) => [c, '0']));
    const result: AllocateResult = {
      runId,
      unchanged: false,
      originRows,
      allocatedRows: byCurrency.reduce((n, c) => n + c.allocatedRows, 0),
      pool: only?.pool ?? (byCurrency.length ? {} : zeros),
      allocated: only?.allocated ?? (byCurrency.length ? {} : zeros),
      currencies: byCurrency.map(({ allocatedRows: _rows, ...c }) => c),
      coverage: coverage.map((c) => ({
        currency: c.currency,
        level: c.level,
        grain: c.grain,
        rows: Number(c.rows),
        effectiveCost: c.cost,
        share: c.share ?? 0,
      })),
      replacedAllocations: 0,
      keys: opts.keys,
      method: opts.method,
      showback: await showbackLines(db),
      unmatched: await unmatchedLines(db),
      noInvoices: originRows === 0,
      sharedResources: rules.length ? await sharedOutcomes(db, opts.keys, rules, opts.period) : [],
    };
    if (originRows === 0 || tx.next.allocations.some((r) => r.runId === runId)) {
      result.unchanged = true;
      db.close();
      tx.abort();
      return result;
    }
    // a run replaces every earlier allocation of the origin rows it covers, whatever its key
    result.replacedAllocations = await withoutOrigins(db, tx, 'x_OriginRowId', 'allocated');
    await withoutOrigins(db, tx, 'origin_row_id', 'allocation-factors');
    await db.run(
      `CREATE OR REPLACE TEMP TABLE factor_rows AS ${factorsSql(opts.keys, opts.method, runId, outputWeight, splitShared)}`,
    );
    await writeRun(db, tx, runId);
    const live = new Set(tx.next.files.filter((f) => f.dataset === 'allocated').map((f) => f.inputSha256));
    tx.next.allocations = tx.next.allocations.filter((r) => live.has(r.runId));
    tx.next.allocations.push({
      runId,
      keys: opts.keys,
      method: opts.method,
      from: opts.period.from,
      to: opts.period.to,
      originRows,
      // several currencies: per-currency totals as `CUR:Column` keys (never a sum across currencies)
      pool: only
        ? result.pool
        : Object.fromEntries(
            byCurrency.flatMap((c) => Object.entries(c.pool).map(([k, v]) => [`${c.currency}:${k}`, v])),
          ),
      ...(rules.length ? { sharedResources: rules } : {}),
      createdAt: new Date().toISOString(),
    });
    db.close();
    tx.commit();
    return result;
  } catch (e) {
    try {
      db.close();
    } catch {
      // closed already
    }
    tx.abort();
    throw e;
  }
}

export interface CurrencyTotals {
  currency: string | null;
  originRows: number;
  pool: Record<string, string>;
  allocated: Record<string, string>;
}

/** Per billing currency: the pool's invoice lines and cost totals, and the allocated rows' totals (equal to them). */
async function currencyTotals(db: Db): Promise<(CurrencyTotals & { allocatedRows: number })[]> {
  const sums = COST_COLUMNS.map((c) => `COALESCE(SUM("${c}"), 0)::VARCHAR AS "${c}"`).join(', ');
  const pick = (r: Record<string, string>) => Object.fromEntries(COST_COLUMNS.map((c) => [c, r[c]!]));
  const pool = await db.all<Record<string, string>>(
    `SELECT BillingCurrency AS currency, count(*)::VARCHAR AS rows, ${sums} FROM pool_focus GROUP BY 1 ORDER BY 1 NULLS LAST`,
  );
  const alloc = await db.all<Record<string, string>>(
    `SELECT BillingCurrency AS currency, count(*)::VARCHAR AS rows, ${sums} FROM alloc_rows GROUP BY 1`,
  );
  return pool.map((p) => {
    const a = alloc.find((x) => x.currency === p.currency);
    return {
      currency: p.currency ?? null,
      originRows: Number(p.rows),
      allocatedRows: Number(a?.rows ?? 0),
      pool: pick(p),
      allocated: a ? pick(a) : Object.fromEntries(COST_COLUMNS.map((c) => [c, '0'])),
    };
  });
}

/** Pool rows no level matched that name a model: grouped by provider, model and day for the coverage report. */
async function unmatchedLines(db: Db): Promise<AllocateResult['unmatched']> {
  const rows = await db.all<{
    currency: string | null;
    provider: string | null;
    model: string | null;
    day: string;
    n: string;
    cost: string;
  }>(
    `SELECT p.cur AS currency, p.provider, p.model, strftime(p.d0, '%Y-%m-%d') AS day, count(*)::VARCHAR AS n, SUM(f.EffectiveCost)::VARCHAR AS cost
     FROM pool p JOIN focus f ON f.x_RowId = p.rid
     WHERE p.rid NOT IN (SELECT rid FROM chosen) AND p.model IS NOT NULL GROUP BY ALL ORDER BY day, currency, provider, model`,
  );
  return rows.map((r) => ({
    currency: r.currency,
    provider: r.provider,
    model: r.model,
    day: r.day,
    lines: Number(r.n),
    effectiveCost: r.cost,
  }));
}

/** Writes the run's allocated rows per (billing period, origin source) and its factors per billing period. */
async function writeRun(db: Db, tx: Transaction, runId: string): Promise<void> {
  const groups = await db.all<{ p: string; s: string }>(
    `SELECT DISTINCT strftime(BillingPeriodStart, '%Y-%m') AS p, x_SourceId AS s FROM alloc_rows ORDER BY 1, 2`,
  );
  for (const g of groups) {
    const staged = tx.stagePath(`alloc/${runId}-${g.p}-${g.s}.parquet`);
    await db.run(
      `COPY (SELECT * FROM alloc_rows WHERE strftime(BillingPeriodStart, '%Y-%m') = ${lit(g.p)} AND x_SourceId = ${lit(g.s)})
         TO ${lit(staged)} (FORMAT parquet, ${PARQUET})`,
    );
    const t = await fileTotals(db, 'allocated', staged);
    const file: StoredFile = {
      path: storedPath('allocated', g.p, g.s, runId),
      dataset: 'allocated',
      sourceId: g.s,
      partition: g.p,
      inputSha256: runId,
      rows: t.rows,
      totals: t.totals,
      createdAt: new Date().toISOString(),
    };
    tx.addFile(staged, file);
  }
  const periods = await db.all<{ p: string }>('SELECT DISTINCT period AS p FROM factor_rows ORDER BY 1');
  for (const { p } of periods) {
    const staged = tx.stagePath(`alloc/${runId}-${p}-factors.parquet`);
    await db.run(
      `COPY (SELECT * FROM factor_rows WHERE period = ${lit(p)}) TO ${lit(staged)} (FORMAT parquet, ${PARQUET})`,
    );
    const n = await db.one<{ n: string }>(
      `SELECT count(*)::VARCHAR AS n FROM read_parquet(${lit(staged)}, hive_partitioning = false)`,
    );
    tx.addFile(staged, {
      path: storedPath('allocation-factors', p, '_', runId),
      dataset: 'allocation-factors',
      sourceId: '_',
      partition: p,
      inputSha256: runId,
      rows: Number(n?.n ?? 0),
      totals: {},
      createdAt: new Date().toISOString(),
    });
  }
}
