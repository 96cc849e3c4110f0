// The price book inside DuckDB: TEMP tables `model_alias`, `price_wide` and `price_lookup`, and the SELECT that
// prices usage rows with one hash join on (provider, model id, service tier) plus a time-range filter.
import { type Db, lit } from '../store/duckdb.js';
import type { PriceBook } from './book.js';
import type { PriceRow } from './effective.js';
import { cleanModelIdSql, normalizeProviderSql, SERVICE_TIERS, serviceTierKeySql } from './names.js';
import type { PriceUnit } from './schema.js';

const PRICE = 'DECIMAL(38,18)';

/** price_wide / price_lookup price columns: the token classes (cache_write = the 5-minute price) and other units. */
const WIDE_COLUMNS = [
  'input',
  'cache_read',
  'cache_write_5m',
  'cache_write_1h',
  'cache_write',
  'output',
  'image',
  'audio_second',
  'character',
  'tool_call',
] as const;
type WideColumn = (typeof WIDE_COLUMNS)[number];

function unitOf(column: WideColumn): PriceUnit {
  return column === 'cache_write' ? 'cache_write_5m' : column;
}

const sqlText = (v: string | null) => (v === null ? 'NULL' : lit(v));
const sqlDate = (v: string | null) => (v === null ? 'NULL' : `DATE ${lit(v)}`);
const sqlPrice = (v: string | undefined) => (v === undefined ? 'NULL' : `${lit(v)}::${PRICE}`);

async function insertValues(db: Db, table: string, tuples: string[]): Promise<void> {
  for (let i = 0; i < tuples.length; i += 500)
    await db.run(`INSERT INTO ${table} VALUES ${tuples.slice(i, i + 500).join(',\n')}`);
}

/**
 * Creates the TEMP tables the pricing SQL uses:
 * - `model_alias(provider, alias, model)`: every alias and canonical id, lowercase; provider NULL rows resolve ids
 *   that arrive without a provider (first-party provider first).
 * - `price_wide(provider, model, service_tier, valid_from, valid_to, <unit columns>, min_context_tokens, region)`:
 *   the book as data, one row per period with prices per single unit (NULL = no price).
 * - `price_lookup(provider, alias, tier, valid_from, valid_to, model, <unit columns>)`: for every id, service tier
 *   ('' = default) and moment, exactly one row carrying the prices that apply (tier and profile preference already
 *   applied, gaps as NULL prices); provider '' holds the provider-less ids.
 */
export async function installPriceBook(db: Db, book: PriceBook): Promise<void> {
  const unitDefs = WIDE_COLUMNS.map((c) => `${c} ${PRICE}`).join(', ');
  await db.run('CREATE OR REPLACE TEMP TABLE model_alias (provider VARCHAR, alias VARCHAR, model VARCHAR)');
  await db.run(
    `CREATE OR REPLACE TEMP TABLE price_wide (provider VARCHAR, model VARCHAR, service_tier VARCHAR, valid_from DATE, valid_to DATE, ${unitDefs}, min_context_tokens BIGINT, region VARCHAR)`,
  );
  await db.run(
    `CREATE OR REPLACE TEMP TABLE price_lookup (provider VARCHAR, alias VARCHAR, tier VARCHAR, valid_from TIMESTAMPTZ, valid_to TIMESTAMPTZ, model VARCHAR, ${unitDefs})`,
  );

  const globals = book.globalAliases();
  await insertValues(db, 'model_alias', [
    ...book.aliases.map((a) => `(${lit(a.provider)}, ${lit(a.alias)}, ${lit(a.model)})`),
    ...globals.map((a) => `(NULL, ${lit(a.alias)}, ${lit(a.model)})`),
  ]);
  await insertValues(db, 'price_wide', wideTuples(book.rows));

  const lookup: string[] = [];
  const cache = new Map<string, string[]>();
  const emit = (
    providerKey: string,
    alias: string,
    provider: string,
    model: string,
    region: string | null,
  ) => {
    for (const tier of [null, ...SERVICE_TIERS]) {
      const k = [provider, model, region, tier].join('\u0000');
      let tail = cache.get(k);
      if (!tail) {
        tail = book.segments(provider, model, tier, region).map((s) => {
          const prices = WIDE_COLUMNS.map((c) => sqlPrice(s.prices[unitOf(c)]?.price)).join(', ');
          const from = s.from === null ? "'-infinity'::TIMESTAMPTZ" : `${lit(s.from)}::TIMESTAMPTZ`;
          const to = s.to === null ? "'infinity'::TIMESTAMPTZ" : `${lit(s.to)}::TIMESTAMPTZ`;
          return `${from}, ${to}, ${lit(model)}, ${prices}`;
        });
        cache.set(k, tail);
      }
      for (const t of tail) lookup.push(`(${lit(providerKey)}, ${lit(alias)}, ${lit(tier ?? '')}, ${t})`);
    }
  };
  for (const a of book.aliases) emit(a.provider, a.alias, a.provider, a.model, a.region);
  for (const a of globals) emit('', a.alias, a.provider, a.model, a.region);
  await insertValues(db, 'price_lookup', lookup);
}

function wideTuples(rows: readonly PriceRow[]): string[] {
  const groups = new Map<string, PriceRow[]>();
  for (const r of rows) {
    const k = [
      r.provider,
      r.model,
      r.service_tier,
      r.valid_from,
      r.valid_to,
      r.min_context_tokens,
      r.region,
    ].join('\u0000');
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((group) => {
    const r = group[0]!;
    const price = (c: WideColumn) => group.find((g) => g.unit === unitOf(c))?.price;
    return `(${lit(r.provider)}, ${lit(r.model)}, ${sqlText(r.service_tier)}, ${sqlDate(r.valid_from)}, ${sqlDate(r.valid_to)}, ${WIDE_COLUMNS.map((c) => sqlPrice(price(c))).join(', ')}, ${r.min_context_tokens ?? 'NULL'}, ${sqlText(r.region)})`;
  });
}

/** Usage quantity columns and the price column that prices each. */
const QUANTITIES: { column: string; price: WideColumn; decimal?: boolean }[] = [
  { column: 'input', price: 'input' },
  { column: 'cache_read', price: 'cache_read' },
  { column: 'cache_write_5m', price: 'cache_write_5m' },
  { column: 'cache_write_1h', price: 'cache_write_1h' },
  { column: 'cache_write', price: 'cache_write' },
  { column: 'output', price: 'output' },
  { column: 'images', price: 'image' },
  { column: 'audio_seconds', price: 'audio_second', decimal: true },
  { column: 'characters', price: 'character' },
  { column: 'tool_calls', price: 'tool_call' },
];

/**
 * A SELECT pricing the usage rows of `input` (a table name or a parenthesized subquery) with the installed book.
 * `input` needs `provider`, `model_raw`, `timestamp` (TIMESTAMPTZ), `service_tier`, the token columns (`input`,
 * `cache_read`, `cache_write_5m`, `cache_write_1h`, `cache_write`, `output`; NULL = 0) and `images`,
 * `audio_seconds`, `characters`, `tool_calls`, and must not have `model`, `cost_estimate` or `unpriced`.
 * Yields all input columns plus `model` (canonical id, else the cleaned raw id), `cost_estimate`
 * DECIMAL(38,18) = Σ quantity × price at request time (NULL when any non-zero quantity has no price, never 0 for
 * unknown tokens) and `unpriced` (comma-separated quantity columns lacking a price; NULL when fully priced).
 * Long-context tiers are not applied: requests are priced at the base tier.
 */
export function priceUsageSql(input: string): string {
  // Zero and NULL quantities skip the multiplication (most rows use a few classes). DECIMAL(38,18) x DECIMAL(38,18)
  // overflows (scales add), so audio seconds go down to 6 decimals first; BIGINT counts multiply as DECIMAL(18,0).
  const terms = QUANTITIES.map(({ column, price, decimal }) => {
    const product = decimal
      ? `CAST(CAST(u.${column} AS DECIMAL(38,6)) * coalesce(p.${price}, 0) AS ${PRICE})`
      : `CAST(u.${column} AS DECIMAL(18,0)) * coalesce(p.${price}, 0)`;
    return `CASE WHEN coalesce(u.${column}, 0) = 0 THEN 0::${PRICE} ELSE ${product} END`;
  });
  const missing = QUANTITIES.map(
    ({ column, price }) => `CASE WHEN u.${column} <> 0 AND p.${price} IS NULL THEN '${column}' END`,
  );
  return `SELECT s.* EXCLUDE (model, __aicost_cost, unpriced),
  s.model,
  CASE WHEN s.unpriced IS NULL THEN s.__aicost_cost END AS cost_estimate,
  s.unpriced
FROM (
  SELECT u.* EXCLUDE (__aicost_provider, __aicost_model, __aicost_tier),
    coalesce(p.model, g.model, u.__aicost_model) AS model,
    CAST(${terms.join(' + ')} AS ${PRICE}) AS __aicost_cost,
    nullif(concat_ws(',', ${missing.join(', ')}), '') AS unpriced
  FROM (
    SELECT *,
      coalesce(${normalizeProviderSql('provider')}, '') AS __aicost_provider,
      ${cleanModelIdSql('model_raw')} AS __aicost_model,
      ${serviceTierKeySql('service_tier')} AS __aicost_tier
    FROM ${input} AS __aicost_input
  ) AS u
  LEFT JOIN price_lookup AS p
    ON p.provider = u.__aicost_provider AND p.alias = u.__aicost_model AND p.tier = u.__aicost_tier
    AND coalesce(u.timestamp, '-infinity'::TIMESTAMPTZ) >= p.valid_from
    AND coalesce(u.timestamp, '-infinity'::TIMESTAMPTZ) < p.valid_to
  LEFT JOIN (SELECT alias, model FROM model_alias WHERE provider IS NULL) AS g ON g.alias = u.__aicost_model
) AS s`;
}
