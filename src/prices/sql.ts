// The price book inside DuckDB: TEMP tables `model_alias`, `price_wide` and `price_lookup`, and the SELECT that
// prices usage rows with one hash join on (provider, model id, service tier) plus time and context-range filters.
import type { Db } from '../store/duckdb.js';
import { TOKEN_CLASSES } from '../usage/schema.js';
import type { PriceBook } from './book.js';
import type { PriceRow } from './effective.js';
import {
  bedrockMakerIdSql,
  cleanModelIdSql,
  normalizeProviderSql,
  SERVICE_TIERS,
  serviceTierKeySql,
} from './names.js';
import type { PriceUnit } from './schema.js';

const PRICE = 'DECIMAL(38,18)';

/** price_wide / price_lookup price columns: the token classes (cache_write = the 5-minute price) and other units. */
const WIDE_COLUMNS = [...TOKEN_CLASSES, 'image', 'audio_second', 'character', 'tool_call'] as const;
type WideColumn = (typeof WIDE_COLUMNS)[number];

function unitOf(column: WideColumn): PriceUnit {
  return column === 'cache_write' ? 'cache_write_5m' : column;
}

type Cell = string | null;

/**
 * Inserts rows of text cells into `table`, casting each column to its type in SQL. The rows travel as one bound JSON
 * parameter: a few thousand rows of literals would cost more to parse than to insert. Decimal text casts exactly.
 */
async function insertRows(
  db: Db,
  table: string,
  types: readonly string[],
  rows: readonly Cell[][],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = types.map((type, i) => `CAST(r[${i + 1}] AS ${type})`).join(', ');
  await db.run(
    `INSERT INTO ${table} SELECT ${columns} FROM (SELECT unnest(from_json(?::JSON, '[["VARCHAR"]]')) AS r)`,
    [JSON.stringify(rows)],
  );
}

const WIDE_TYPES = WIDE_COLUMNS.map(() => PRICE);
const MAX_BIGINT = '9223372036854775807';

/**
 * The request's context size for long-context tiers: its input tokens with cache reads and writes (Anthropic and
 * Bedrock count "input tokens incl. cache reads and writes" against the 200k threshold; Gemini's prompt token count
 * includes cached content; OpenAI's >272k tier counts the prompt incl. cached tokens). Over the input row's columns.
 */
export const REQUEST_CONTEXT_SQL =
  '(coalesce("input", 0) + coalesce(cache_read, 0) + coalesce(cache_write_5m, 0) + coalesce(cache_write_1h, 0) + coalesce(cache_write, 0))';

/** How {@link priceUsageSql} sizes a row for long-context tiers. */
export interface PriceUsageOptions {
  /**
   * A SQL expression over the input row's columns (unqualified) giving its context size; omitted = every row priced at the base tier
   * (aggregates, whose summed tokens say nothing about one request). See {@link REQUEST_CONTEXT_SQL}.
   */
  context?: string;
}

/**
 * Creates the TEMP tables the pricing SQL uses:
 * - `model_alias(provider, alias, model)`: every alias and canonical id, lowercase; provider NULL rows resolve ids
 *   that arrive without a provider (first-party provider first).
 * - `price_wide(provider, model, service_tier, valid_from, valid_to, <unit columns>, min_context_tokens, region)`:
 *   the book as data, one row per period with prices per single unit (NULL = no price).
 * - `price_lookup(provider, alias, tier, valid_from, valid_to, model, <unit columns>, context_above, context_upto)`:
 *   for every id, service tier ('' = default), moment and request context size, exactly one row carrying the prices
 *   that apply (long-context, tier and profile preference already applied, gaps as NULL prices). A request whose
 *   input incl. cache is `n` tokens takes the row with `context_above < n AND n <= context_upto`; the base tier has
 *   `context_above` = -1, so `context_above < 0` selects it. Provider '' holds the provider-less ids.
 */
export async function installPriceBook(db: Db, book: PriceBook): Promise<void> {
  const unitDefs = WIDE_COLUMNS.map((c) => `${c} ${PRICE}`).join(', ');
  await db.run('CREATE OR REPLACE TEMP TABLE model_alias (provider VARCHAR, alias VARCHAR, model VARCHAR)');
  await db.run(
    `CREATE OR REPLACE TEMP TABLE price_wide (provider VARCHAR, model VARCHAR, service_tier VARCHAR, valid_from DATE, valid_to DATE, ${unitDefs}, min_context_tokens BIGINT, region VARCHAR)`,
  );
  await db.run(
    `CREATE OR REPLACE TEMP TABLE price_lookup (provider VARCHAR, alias VARCHAR, tier VARCHAR, valid_from TIMESTAMPTZ, valid_to TIMESTAMPTZ, model VARCHAR, ${unitDefs}, context_above BIGINT, context_upto BIGINT)`,
  );

  const globals = book.globalAliases();
  await insertRows(
    db,
    'model_alias',
    ['VARCHAR', 'VARCHAR', 'VARCHAR'],
    [
      ...book.aliases.map((a) => [a.provider, a.alias, a.model]),
      ...globals.map((a) => [null, a.alias, a.model]),
    ],
  );
  await insertRows(
    db,
    'price_wide',
    ['VARCHAR', 'VARCHAR', 'VARCHAR', 'DATE', 'DATE', ...WIDE_TYPES, 'BIGINT', 'VARCHAR'],
    wideRows(book.rows),
  );

  const lookup: Cell[][] = [];
  const cache = new Map<string, Cell[][]>();
  const emit = (
    providerKey: string,
    alias: string,
    provider: string,
    model: string,
    region: string | null,
  ) => {
    const levels = book.contextLevels(provider, model);
    for (const tier of [null, ...SERVICE_TIERS]) {
      const k = [provider, model, region, tier].join('\u0000');
      let tails = cache.get(k);
      if (!tails) {
        tails = levels.flatMap((level, i) => {
          const above = level === 0 ? '-1' : String(level);
          const upto = String(levels[i + 1] ?? MAX_BIGINT);
          return book
            .segments(provider, model, tier, region, level)
            .map((s) => [
              s.from ?? '-infinity',
              s.to ?? 'infinity',
              model,
              ...WIDE_COLUMNS.map((c) => s.prices[unitOf(c)]?.price ?? null),
              above,
              upto,
            ]);
        });
        cache.set(k, tails);
      }
      for (const tail of tails) lookup.push([providerKey, alias, tier ?? '', ...tail]);
    }
  };
  for (const a of book.aliases) emit(a.provider, a.alias, a.provider, a.model, a.region);
  for (const a of globals) emit('', a.alias, a.provider, a.model, a.region);
  await insertRows(
    db,
    'price_lookup',
    [
      'VARCHAR',
      'VARCHAR',
      'VARCHAR',
      'TIMESTAMPTZ',
      'TIMESTAMPTZ',
      'VARCHAR',
      ...WIDE_TYPES,
      'BIGINT',
      'BIGINT',
    ],
    lookup,
  );
  await installCloudAliases(db);
}

/**
 * TEMP table `cloud_model_alias(provider, alias, model)`: the provider aliases of `model_alias`, and the short forms
 * cloud bills spell snapshot ids with where no alias says otherwise: the date as MMDD (Azure meters: `gpt-4o-0513` for
 * `gpt-4o-2024-05-13`) and no date at all (`claude-3-haiku` for `claude-3-haiku-20240307`), each only when it names
 * one model of the provider; one naming several (`claude-3-5-sonnet` on Bedrock) resolves to itself. Read by the x_Model of cloud
 * token rows (normalize/enrich.ts#focusModelSql).
 */
export async function installCloudAliases(db: Db): Promise<void> {
  await db.run(`CREATE OR REPLACE TEMP TABLE cloud_model_alias AS
    WITH base AS (SELECT provider, alias, model FROM model_alias WHERE provider IS NOT NULL),
      models AS (SELECT DISTINCT provider, model FROM base),
      short AS (
        SELECT provider, regexp_replace(model, '-20[0-9]{2}-([0-9]{2})-([0-9]{2})$', '-\\1\\2') AS alias, model FROM models
        WHERE regexp_matches(model, '-20[0-9]{2}-[0-9]{2}-[0-9]{2}$')
        UNION ALL
        SELECT provider, regexp_replace(model, '-20[0-9]{2}-?[0-9]{2}-?[0-9]{2}$', '') AS alias, model FROM models
        WHERE regexp_matches(model, '-20[0-9]{2}-?[0-9]{2}-?[0-9]{2}$')),
      -- a short form naming several snapshots resolves to itself: the maker's own alias (Anthropic's undated id
      -- means its latest snapshot) must not pick one of the platform's for it
      unique_short AS (SELECT provider, alias, CASE WHEN count(DISTINCT model) = 1 THEN min(model) ELSE alias END AS model
        FROM short GROUP BY provider, alias)
    SELECT * FROM base
    UNION ALL
    SELECT s.* FROM unique_short s ANTI JOIN base b ON b.provider = s.provider AND b.alias = s.alias`);
}

function wideRows(rows: readonly PriceRow[]): Cell[][] {
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
    const price = (c: WideColumn) => group.find((g) => g.unit === unitOf(c))?.price ?? null;
    return [
      r.provider,
      r.model,
      r.service_tier,
      r.valid_from,
      r.valid_to,
      ...WIDE_COLUMNS.map(price),
      r.min_context_tokens === null ? null : String(r.min_context_tokens),
      r.region,
    ];
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
 * A row without a provider is priced as the model's first-party provider; a provider the book lacks gets the
 * canonical model id but no price. With `opts.context`, a row whose context size is above a long-context threshold
 * is priced at that tier (per unit, falling back to the base price where the tier has none).
 */
export function priceUsageSql(input: string, opts: PriceUsageOptions = {}): string {
  const context = opts.context ?? '0';
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
  SELECT u.* EXCLUDE (__aicost_provider, __aicost_model, __aicost_tier, __aicost_context),
    coalesce(p.model, g.model, b.model, u.__aicost_model) AS model,
    CAST(${terms.join(' + ')} AS ${PRICE}) AS __aicost_cost,
    nullif(concat_ws(',', ${missing.join(', ')}), '') AS unpriced
  FROM (
    SELECT *,
      coalesce(${normalizeProviderSql('provider')}, '') AS __aicost_provider,
      ${cleanModelIdSql('model_raw')} AS __aicost_model,
      ${serviceTierKeySql('service_tier')} AS __aicost_tier,
      CAST(${context} AS BIGINT) AS __aicost_context
    FROM ${input} AS __aicost_input
  ) AS u
  LEFT JOIN price_lookup AS p
    ON p.provider = u.__aicost_provider AND p.alias = u.__aicost_model AND p.tier = u.__aicost_tier
    AND coalesce(u.timestamp, '-infinity'::TIMESTAMPTZ) >= p.valid_from
    AND coalesce(u.timestamp, '-infinity'::TIMESTAMPTZ) < p.valid_to
    AND p.context_above < u.__aicost_context AND u.__aicost_context <= p.context_upto
  LEFT JOIN (SELECT alias, model FROM model_alias WHERE provider IS NULL) AS g ON g.alias = u.__aicost_model
  -- a Bedrock id the book lacks: the maker's id inside it, when the book knows that (names.ts#bedrockMakerIdSql)
  -- (the key is computed per row: the guard keeps the regular expression off every other row)
  LEFT JOIN (SELECT alias, model FROM model_alias WHERE provider IS NULL) AS b
    ON b.alias = CASE WHEN u.__aicost_provider = 'aws-bedrock' AND p.model IS NULL AND g.model IS NULL
      THEN ${bedrockMakerIdSql('u.__aicost_model')} END
) AS s`;
}
