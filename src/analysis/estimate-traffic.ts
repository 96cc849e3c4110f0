// What `aicost estimate` reads from the data home: a feature's observed traffic over its last 30 days of data, and
// model ids resolved and priced through the installed price tables (prices/sql.ts). No prompt text is involved:
// aicost never stores it, so everything here is counts (docs/estimate.md#observed-traffic).
import { InputError } from '../errors.js';
import { editDistance } from '../normalize/contract.js';
import { cleanModelId, KNOWN_PROVIDERS } from '../prices/names.js';
import { type Db, lit } from '../store/duckdb.js';
import { TOKEN_CLASSES, type TokenClass } from '../usage/schema.js';

/** The observation window: the 30 days ending on the feature's last day with usage. */
export const WINDOW_DAYS = 30;

export type Tokens = Record<TokenClass, number>;

export interface ObservedModel {
  provider: string | null;
  model: string;
  requests: number;
}

export interface Traffic {
  /** First and last day (inclusive) of the window actually covered: it starts later when the feature is newer. */
  from: string;
  to: string;
  days: number;
  requests: number;
  tokens: Tokens;
  /** Models by requests, most first. */
  models: ObservedModel[];
  /** The smallest total input (all input classes) of one request in the window. */
  minInput: number | null;
}

const FEATURE = `json_extract_string(tags, '$.feature')`;
const INPUT_ALL = `coalesce(input, 0) + coalesce(cache_read, 0) + coalesce(cache_write_5m, 0) + coalesce(cache_write_1h, 0) + coalesce(cache_write, 0)`;

/** The feature's traffic; an unknown feature is an input error naming the closest tagged ones. */
export async function observeFeature(db: Db, feature: string): Promise<Traffic> {
  const sums = TOKEN_CLASSES.map((c) => `coalesce(SUM(${c}), 0)::BIGINT AS ${c}`).join(', ');
  // A view cannot take a bound parameter: the value goes in as an escaped literal.
  await db.run(
    `CREATE OR REPLACE TEMP VIEW est_rows AS
     WITH f AS (SELECT * FROM usage WHERE ${FEATURE} = ${lit(feature)} AND date IS NOT NULL)
     SELECT f.* FROM f WHERE f.date >= (SELECT max(date) FROM f) - ${WINDOW_DAYS - 1}`,
  );
  const t = await db.one<Record<string, string | number | null>>(
    `SELECT strftime(min(date), '%Y-%m-%d') AS "from", strftime(max(date), '%Y-%m-%d') AS "to",
       (max(date) - min(date) + 1)::INTEGER AS days, coalesce(SUM(coalesce(request_count, 1)), 0)::BIGINT AS requests,
       min(CASE WHEN grain = 'request' THEN ${INPUT_ALL} END)::BIGINT AS min_input, ${sums}
     FROM est_rows`,
  );
  if (!t || t.to === null) throw await unknownFeature(db, feature);
  const models = await db.all<{ provider: string | null; model: string; requests: string }>(
    `SELECT provider, model, SUM(coalesce(request_count, 1))::BIGINT AS requests FROM est_rows
     GROUP BY ALL ORDER BY requests DESC, SUM(${INPUT_ALL}) DESC, model, provider`,
  );
  const tokens = Object.fromEntries(TOKEN_CLASSES.map((c) => [c, Number(t[c])])) as Tokens;
  return {
    from: String(t.from),
    to: String(t.to),
    days: Number(t.days),
    requests: Number(t.requests),
    tokens,
    models: models.map((m) => ({ ...m, requests: Number(m.requests) })),
    minInput: t.min_input === null ? null : Number(t.min_input),
  };
}

async function unknownFeature(db: Db, feature: string): Promise<InputError> {
  const rows = await db.all<{ f: string }>(
    `SELECT DISTINCT ${FEATURE} AS f FROM usage WHERE ${FEATURE} IS NOT NULL ORDER BY 1`,
  );
  const near = nearest(
    feature,
    rows.map((r) => r.f),
    5,
  );
  return new InputError(
    `no usage tagged feature=${JSON.stringify(feature)}`,
    {},
    near.length ? `features with usage: ${near.join(', ')}` : 'no usage row carries a feature tag',
  );
}

/** Up to `n` candidates closest to `name` by edit distance. */
function nearest(name: string, candidates: string[], n: number): string[] {
  const lower = name.toLowerCase();
  return [...candidates]
    .sort(
      (a, b) =>
        editDistance(lower, a.toLowerCase()) - editDistance(lower, b.toLowerCase()) || a.localeCompare(b),
    )
    .slice(0, n);
}

export interface ModelRef {
  /** The provider whose prices apply ('' when the usage rows name none: priced as the first-party provider). */
  provider: string;
  model: string;
}

/**
 * A model id as the user wrote it, resolved through the book's aliases: under `prefer` (the provider the feature
 * runs on) when that provider knows it, else the first-party provider. Unknown: an input error naming the nearest ids.
 */
export async function resolveModelId(db: Db, raw: string, prefer: string | null): Promise<ModelRef> {
  const id = cleanModelId(raw);
  const rows = await db.all<{ provider: string; model: string }>(
    'SELECT provider, model FROM model_alias WHERE alias = $1 AND provider IS NOT NULL',
    [id],
  );
  const rank = (p: string) => (p === prefer ? -1 : KNOWN_PROVIDERS.indexOf(p) >>> 0);
  const hit = rows.sort((a, b) => rank(a.provider) - rank(b.provider))[0];
  if (hit) return hit;
  const all = await db.all<{ alias: string }>('SELECT DISTINCT alias FROM model_alias ORDER BY 1');
  throw new InputError(
    `unknown model "${raw}": the price book has no such id`,
    {},
    `nearest known ids: ${nearest(
      id,
      all.map((a) => a.alias),
      3,
    ).join(', ')}`,
  );
}

/** Per-token list prices (decimal strings; null = no price) of a model at the start of a UTC day, default tier. */
export type Prices = Record<TokenClass, string | null>;

export async function pricesAt(db: Db, ref: ModelRef, day: string): Promise<Prices> {
  const cols = TOKEN_CLASSES.map((c) => `${c}::VARCHAR AS ${c}`).join(', ');
  const row = await db.one<Prices>(
    `SELECT ${cols} FROM price_lookup WHERE provider = $1 AND alias = $2 AND tier = '' AND context_above < 0
       AND valid_from <= $3::TIMESTAMPTZ AND $3::TIMESTAMPTZ < valid_to`,
    [ref.provider, ref.model, `${day} 00:00:00+00`],
  );
  if (!row?.input)
    throw new InputError(
      `no input price for ${ref.provider ? `${ref.provider}/` : ''}${ref.model} on ${day} in the price book`,
      {},
      'pick a priced model (--model / --model-before / --model-after) or add it with a rate card (--rate-card)',
    );
  return row;
}
