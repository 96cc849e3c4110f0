// Shared-resource rules (docs/allocation.md#shared-resources): a vector index or embedding pipeline several teams use.
// Build and query usage are re-keyed where the key is computed (keys.ts); maintenance usage is matched and priced like
// any usage under a marker target, and here each marker share of an invoice line is split over the teams by their
// share of the resource's query requests in the line's month. The split is on ratios, before any money is cut, so
// the allocated rows still conserve every origin row exactly.
import type { SharedResource } from '../../config.js';
import type { Db } from '../../store/duckdb.js';
import { ident, lit } from '../../store/duckdb.js';
import { keyValueSql, roleSql, sharedMarker, targetFromValuesSql, UNTAGGED } from './keys.js';
import { type Period, periodFilter } from './period.js';

/** What the rules did in one run, for the showback and its JSON. */
export interface SharedResourceOutcome {
  name: string;
  key: string;
  /** Usage rows per role in the period. */
  rows: { build: number; query: number; maintenance: number };
  /** Query requests per key value: the maintenance split basis (all months of the period together). */
  queryShare: { value: string; requests: string; share: number }[];
  /** Maintenance cost left under the marker target because its month had no query usage. */
  unsplitEffectiveCost: string;
}

/** The rules that change a run keyed by `keys`. */
export function rulesForKeys(keys: string[], rules: readonly SharedResource[]): SharedResource[] {
  return rules.filter((r) => keys.includes(r.key));
}

/**
 * Splits every share held by a maintenance marker over the key values that queried the resource that month, in
 * proportion to their query requests; the pieces of one share sum to it exactly (residue on the largest). Rows of
 * the same origin and target are merged, and `shares_src` keeps the shares as matched (for the per-request factors).
 * Returns whether anything was split.
 */
export async function splitMaintenance(
  db: Db,
  keys: string[],
  rules: readonly SharedResource[],
  period: Period,
): Promise<boolean> {
  await db.run('CREATE OR REPLACE TEMP TABLE shares_src AS SELECT * FROM shares');
  let split = false;
  for (const [i, key] of keys.entries()) {
    const own = rules.filter((r) => r.key === key && r.maintenance);
    if (own.length === 0) continue;
    const k = ident(`k${i}`);
    await db.run(`CREATE OR REPLACE TEMP TABLE qshare AS
      SELECT marker, m, v, q, SUM(q) OVER (PARTITION BY marker, m) AS qt FROM (
        ${own
          .map(
            (r) => `SELECT ${lit(sharedMarker(r.name))} AS marker, date_trunc('month', u."date")::DATE AS m,
              COALESCE(${keyValueSql(key, 'u', rules)}, ${lit(UNTAGGED)}) AS v, SUM(COALESCE(u.request_count, 1))::HUGEINT AS q
            FROM usage u WHERE ${roleSql(key, rules)} = ${lit(`${r.name}:query`)} AND ${periodFilter('u."date"', period)}
            GROUP BY ALL`,
          )
          .join(' UNION ALL ')})`);
    const n = await db.one<{ n: string }>(`SELECT count(*)::VARCHAR AS n FROM shares s
      JOIN pool p ON p.rid = s.rid JOIN qshare q ON q.marker = s.${k} AND q.m = date_trunc('month', p.d0)::DATE`);
    if (!n || n.n === '0') continue;
    split = true;
    const values = keys.map((_, j) => `p.${ident(`k${j}`)}`);
    await db.run(`CREATE OR REPLACE TEMP TABLE shares AS
      WITH src AS (SELECT s.*, date_trunc('month', pl.d0)::DATE AS m FROM shares s JOIN pool pl ON pl.rid = s.rid),
      pieces AS (
        SELECT s.* EXCLUDE (${k}, ratio, w, usage_qty, m, tok, reqs, n), q.v AS ${k}, s.kv AS src_kv, s.ratio AS src_ratio,
          0::HUGEINT AS tok, 0::HUGEINT AS reqs, 0::HUGEINT AS n,
          CAST(CAST(s.ratio AS DOUBLE) * q.q / q.qt AS DECIMAL(38,18)) AS r0,
          CAST(CAST(s.w AS DOUBLE) * q.q / q.qt AS DECIMAL(38,18)) AS w,
          CAST(CAST(s.usage_qty AS DOUBLE) * q.q / q.qt AS DECIMAL(38,18)) AS usage_qty,
          row_number() OVER (PARTITION BY s.rid, s.kv ORDER BY q.q DESC, q.v) AS pos
        FROM src s JOIN qshare q ON q.marker = s.${k} AND q.m = s.m),
      exact AS (
        SELECT * EXCLUDE (r0, src_ratio, pos, src_kv),
          r0 + CASE WHEN pos = 1 THEN src_ratio - SUM(r0) OVER (PARTITION BY rid, src_kv) ELSE 0 END AS ratio
        FROM pieces),
      merged AS (
        SELECT * EXCLUDE (m) FROM src s WHERE NOT EXISTS (SELECT 1 FROM pieces x WHERE x.rid = s.rid AND x.src_kv = s.kv)
        UNION ALL BY NAME
        SELECT p.* EXCLUDE (kv), ${targetFromValuesSql(keys, values)} AS kv FROM exact p),
      grouped AS (
        SELECT rid, kv, ${keys.map((_, j) => `any_value(${ident(`k${j}`)}) AS ${ident(`k${j}`)}, `).join('')}
          any_value(level) AS level, any_value(grain) AS grain, any_value(basis) AS basis,
          SUM(w) AS w, SUM(tok) AS tok, SUM(reqs) AS reqs, SUM(n) AS n, SUM(ratio) AS ratio, SUM(usage_qty) AS usage_qty
        FROM merged GROUP BY rid, kv)
      SELECT * REPLACE (CAST(w AS DECIMAL(38,18)) AS w, CAST(ratio AS DECIMAL(38,18)) AS ratio,
          CAST(usage_qty AS DECIMAL(38,18)) AS usage_qty),
        row_number() OVER (PARTITION BY rid ORDER BY ratio DESC, kv) = 1 AS is_top
      FROM grouped`);
  }
  return split;
}

/** Per rule: its rows by role, the query share it split by, and any maintenance cost left unsplit. */
export async function sharedOutcomes(
  db: Db,
  keys: string[],
  rules: readonly SharedResource[],
  period: Period,
): Promise<SharedResourceOutcome[]> {
  const out: SharedResourceOutcome[] = [];
  for (const r of rulesForKeys(keys, rules)) {
    const role = roleSql(r.key, rules);
    const counts = await db.all<{ role: string; n: string }>(
      `SELECT ${role} AS role, count(*)::VARCHAR AS n FROM usage u
       WHERE ${role} LIKE ${lit(`${r.name}:%`)} AND ${periodFilter('u."date"', period)} GROUP BY 1`,
    );
    const rows = { build: 0, query: 0, maintenance: 0 };
    for (const c of counts) rows[c.role.slice(r.name.length + 1) as keyof typeof rows] = Number(c.n);
    const q = await db.all<{ v: string; q: string; share: number }>(
      `SELECT v, q::VARCHAR AS q, CAST(q AS DOUBLE) / SUM(q) OVER () AS share FROM (
         SELECT COALESCE(${keyValueSql(r.key, 'u', rules)}, ${lit(UNTAGGED)}) AS v, SUM(COALESCE(u.request_count, 1))::HUGEINT AS q
         FROM usage u WHERE ${role} = ${lit(`${r.name}:query`)} AND ${periodFilter('u."date"', period)} GROUP BY 1)
       ORDER BY q DESC, v`,
    );
    const marker = sharedMarker(r.name);
    const left = await db.one<{ c: string | null }>(
      `SELECT SUM(EffectiveCost)::VARCHAR AS c FROM alloc_rows WHERE AllocatedResourceId = ${lit(marker)}
         OR AllocatedResourceId LIKE ${lit(`%${r.key}=${marker}%`)}`,
    );
    out.push({
      name: r.name,
      key: r.key,
      rows,
      queryShare: r.maintenance ? q.map((x) => ({ value: x.v, requests: x.q, share: x.share })) : [],
      unsplitEffectiveCost: left?.c ?? '0',
    });
  }
  return out;
}
