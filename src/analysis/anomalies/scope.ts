// What the detectors read: one TEMP view of usage rows with their key value and cost, and one small TEMP table of
// cost and requests per key value and day. Each detector is then a query over these two, never over usage directly.
import { type Db, lit } from '../../store/duckdb.js';
import { TOKEN_CLASSES } from '../../usage/schema.js';
import { rowCostSql, rowCurrencySql } from '../allocate/attributed.js';
import { targetSql } from '../allocate/keys.js';

export { checkKeyExists } from '../allocate/keys.js';

/** Invoiced shares whose invoice line names no BillingCurrency: their own group, reported with currency null. */
export const NO_CURRENCY = '(no currency)';

/** The key value used internally when no key is given: one series, reported with key null. */
export const TOTAL = '(total)';

/** Tokens of every class on a usage row (alias `u`); a NULL class counts as 0. */
const tokensSql = (u: string) => TOKEN_CLASSES.map((c) => `COALESCE(${u}.${c}, 0)`).join(' + ');

/**
 * Creates `anomaly_rows`: the usage rows whose cost is in `currency`, with `kv` (key value), `cost` and `tokens`.
 * Request-grain rows are used for every provider that has any; a provider known only from usage-API buckets is read
 * from its buckets, so the same traffic is never counted twice when both a gateway log and the provider's usage
 * report are stored. Each currency is a separate run of the detectors: amounts in two currencies are never added.
 */
export async function createRowView(db: Db, by: string | null, currency: string): Promise<void> {
  const kv = by === null ? lit(TOTAL) : targetSql([by], 'u');
  await db.run(
    `CREATE OR REPLACE TEMP VIEW anomaly_rows AS
     SELECT ${kv} AS kv, u."date" AS day, u.grain, u.request_id, u.trace_id, u."timestamp", u.provider, u.model,
       u.model_raw, u.service_tier, ${TOKEN_CLASSES.map((c) => `COALESCE(u.${c}, 0) AS ${c}`).join(', ')},
       u.images, u.audio_seconds, u.characters, u.tool_calls,
       ${tokensSql('u')} AS tokens, COALESCE(u.request_count, 1) AS requests,
       ${rowCostSql('u')} AS cost, u.attribution
     FROM usage_attributed u
     WHERE COALESCE(${rowCurrencySql('u')}, ${lit(NO_CURRENCY)}) = ${lit(currency)} AND (u.grain = 'request' OR COALESCE(u.provider, '') NOT IN
       (SELECT DISTINCT COALESCE(provider, '') FROM usage WHERE grain = 'request'))`,
  );
}

/** The last UTC day with usage, or null for an empty home. */
export async function lastUsageDay(db: Db): Promise<string | null> {
  const r = await db.one<{ d: string | null }>(`SELECT max("date")::VARCHAR AS d FROM usage`);
  return r?.d ?? null;
}

/**
 * Creates `anomaly_daily(kv, day, cost, requests, rows, invoiced, unpriced, buckets)` for the days `from`..`until`,
 * zero-filled from each key value's first day ever: a quiet day after a key value appeared is a day of 0 cost, not
 * missing history, while the days before it are no history at all. Key values silent since before `from` are left out.
 */
export async function createDailyTable(db: Db, from: string, until: string): Promise<void> {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE anomaly_daily AS
     WITH d AS (
       SELECT kv, day, SUM(cost) AS cost, SUM(requests)::BIGINT AS requests, count(*) AS rows,
         count(*) FILTER (WHERE attribution = 'invoiced') AS invoiced, count(*) FILTER (WHERE cost IS NULL) AS unpriced,
         count(*) FILTER (WHERE grain <> 'request') AS buckets
       FROM anomaly_rows WHERE day <= ${lit(until)}::DATE GROUP BY ALL),
     cal AS (
       SELECT kv, unnest(generate_series(GREATEST(min(day), ${lit(from)}::DATE)::TIMESTAMP, ${lit(until)}::TIMESTAMP,
         INTERVAL 1 DAY))::DATE AS day
       FROM d GROUP BY kv HAVING max(day) >= ${lit(from)}::DATE)
     SELECT cal.kv, cal.day, COALESCE(d.cost, 0)::DECIMAL(38,18) AS cost, COALESCE(d.requests, 0) AS requests,
       COALESCE(d.rows, 0) AS rows, COALESCE(d.invoiced, 0) AS invoiced, COALESCE(d.unpriced, 0) AS unpriced,
       COALESCE(d.buckets, 0) AS buckets
     FROM cal LEFT JOIN d USING (kv, day)`,
  );
}

/** SQL of a basis from a count of invoiced rows and a count of all rows. */
export function basisSql(invoiced: string, rows: string): string {
  return `CASE WHEN ${invoiced} = ${rows} AND ${rows} > 0 THEN 'invoiced' WHEN ${invoiced} = 0 THEN 'estimated' ELSE 'mixed' END`;
}

/**
 * The currencies usage costs are in: the billing currencies of the invoiced shares, and USD (the price book) for
 * rows costed by their estimate; alphabetical. An empty home has none.
 */
export async function costCurrencies(db: Db): Promise<string[]> {
  const rows = await db.all<{ c: string | null }>(
    `SELECT DISTINCT ${rowCurrencySql('u')} AS c FROM usage_attributed u ORDER BY c NULLS LAST`,
  );
  return rows.map((r) => r.c ?? NO_CURRENCY);
}
