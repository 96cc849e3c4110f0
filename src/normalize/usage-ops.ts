// Column operations specific to usage rows: hashed keys, bucket ids, tags (docs/data-model.md#tags).

import { keyRuleOf } from '../secrets.js';
import { joinSql, lit, type Sql, sql } from '../sql.js';
import { str } from './ops.js';

/** API keys are stored only as a hash salted per data home. */
export const hashKey = (name: string): Sql =>
  sql`CASE WHEN ${str(name)} IS NULL THEN NULL ELSE sha256(_salt || ${str(name)}) END`;

/** A bucket row's id: its source, start and group-by values (the API-page replacement key, docs/data-model.md#replacement-keys). */
export const bucketId = (exprs: Sql[]): Sql =>
  sql`md5(concat_ws('|', ${joinSql(
    exprs.map((e) => sql`COALESCE(CAST(${e} AS VARCHAR), '')`),
    ', ',
  )}))`;

// Content and credential keys are not filtered here: every tag path goes through the one filter the pipeline applies
// to the merged tags (tag-filter.ts). The parts only keep tags scalar and short.

/** Only scalar values of at most 256 characters (as JSON text: 258 with the quotes) become tags. */
const scalarEntries = (entries: Sql): Sql =>
  sql`list_filter(${entries}, e -> json_type(e.value) NOT IN ('OBJECT', 'ARRAY', 'NULL') AND length(e.value) <= 258)`;

/**
 * Caller metadata (a JSON object) as tags: only scalar values of at most 256 characters kept. A flat object passes
 * as it is (the merge parses it once); any other is parsed into a MAP and filtered (a few percent of records).
 */
export function metadataTags(jsonExpr: Sql): Sql {
  const x = sql`CAST(${jsonExpr} AS VARCHAR)`;
  const entries = sql`map_entries(TRY_CAST(TRY_CAST(${x} AS JSON) AS MAP(VARCHAR, JSON)))`;
  const filtered = sql`to_json(map_from_entries(${scalarEntries(entries)}))`;
  const needsFilter = lit(`.[\\[{]|"[^"]{257,}"`);
  return sql`CASE WHEN ${x} IS NULL OR NOT starts_with(ltrim(${x}), '{') OR NOT json_valid(${x}) THEN NULL
    WHEN regexp_matches(${x}, ${needsFilter}) THEN ${filtered}
    ELSE ${x} END`;
}

/**
 * A JSON array of strings as [{k, v}] pairs: `key:value` splits at the first colon, a bare string is `key: true`.
 * High-volume sources keep the pairs in a `let` column, so the list is parsed once per record.
 */
export function tagPairs(jsonArrayExpr: Sql): Sql {
  const x = sql`CAST(${jsonArrayExpr} AS VARCHAR)`;
  const pairs = sql`list_transform(TRY_CAST(TRY_CAST(${x} AS JSON) AS VARCHAR[]),
    t -> CASE WHEN position(':' IN t) > 0
      THEN struct_pack(k := split_part(t, ':', 1), v := CAST(to_json(substr(t, position(':' IN t) + 1)) AS JSON))
      ELSE struct_pack(k := t, v := CAST('true' AS JSON)) END)`;
  return sql`CASE WHEN ${x} IS NULL OR ${x} IN ('[]', '') THEN NULL ELSE ${pairs} END`;
}

/** Tag pairs (see {@link tagPairs}) as a tags object; of a repeated key the last wins (a MAP refuses repeats). */
export function pairTags(pairs: Sql): Sql {
  const unique = sql`list_filter(${pairs}, (p, i) -> NOT list_contains(list_transform(${pairs}[i + 1:], q -> q.k), p.k))`;
  // the common case has no repeated key: TRY keeps the dedupe off the hot path
  return sql`CASE WHEN len(${pairs}) > 0 THEN COALESCE(TRY(to_json(map_from_entries(${pairs}))), to_json(map_from_entries(${unique}))) END`;
}

/** A JSON array of `key:value` strings as tags (for sources that read it once; see {@link tagPairs}). */
export function stringListTags(jsonArrayExpr: Sql): Sql {
  return pairTags(tagPairs(jsonArrayExpr));
}

/** Derived tags (team, customer, user...) as a JSON object; its NULL values are dropped by {@link mergeTags}. */
export function derivedTags(pairs: Record<string, Sql>): Sql {
  // a derived key the tag filter would drop is a definition bug, not data
  const denied = Object.keys(pairs).filter(
    (k) => keyRuleOf(k) !== null && keyRuleOf(k) !== 'credential-shaped',
  );
  if (denied.length > 0) throw new Error(`derived tag keys the tag filter drops: ${denied.join(', ')}`);
  return jsonObject(pairs);
}

/** A JSON object from key -> value expressions. */
function jsonObject(pairs: Record<string, Sql>): Sql {
  const parts = joinSql(
    Object.entries(pairs).map(([k, v]) => sql`${lit(k)}, ${v}`),
    ', ',
  );
  return sql`json_object(${parts})`;
}

/**
 * Merges tag objects; later ones win (precedence: derived < key:value tags < explicit metadata). Merge-patch
 * semantics drop members whose value is null, so every tags value goes through here.
 */
export function mergeTags(objs: Sql[]): Sql {
  // one variadic merge patch (the fast tag merge: docs/duckdb-notes.md#speed-on-the-hot-path); the patch semantics
  // drop members whose value is null, and the pipeline filters the result once (tag-filter.ts)
  const parts = joinSql(
    objs.map((o) => sql`COALESCE(${o}, '{}')`),
    ', ',
  );
  // JSON typed, as stored: a cast from text to JSON would parse the result once more
  return sql`NULLIF(json_merge_patch('{}', ${parts}), '{}'::JSON)`;
}

/**
 * A flat attribute object (OTel span or resource attributes) as tags: keys starting with one of `excludePrefixes`
 * dropped; only scalar values of at most 256 characters kept.
 */
export function attributeTags(jsonExpr: Sql, excludePrefixes: string[] = []): Sql {
  const j = sql`TRY_CAST(${jsonExpr} AS JSON)`;
  const keep = excludePrefixes.length
    ? joinSql(
        excludePrefixes.map((p) => sql`NOT starts_with(e.key, ${lit(p)})`),
        ' AND ',
      )
    : sql`true`;
  // one parse into a MAP, then key and value filters over its entries
  const entries = sql`list_filter(map_entries(TRY_CAST(${j} AS MAP(VARCHAR, JSON))), e -> ${keep})`;
  return sql`CASE WHEN ${j} IS NULL OR json_type(${j}) <> 'OBJECT' THEN NULL ELSE to_json(map_from_entries(${scalarEntries(entries)})) END`;
}

/**
 * Text columns as tags (tag key -> input column): values longer than 256 characters dropped; NULL values leave the
 * key out. Undefined without columns.
 */
export function columnTags(columns: Record<string, string>): Sql | undefined {
  const pairs = Object.entries(columns).map(
    ([key, c]) => [key, sql`CASE WHEN length(${str(c)}) <= 256 THEN ${str(c)} END`] as const,
  );
  // the input's own keys (`tag.prompt`...): the pipeline's tag filter drops those that name content
  return pairs.length > 0 ? mergeTags([jsonObject(Object.fromEntries(pairs))]) : undefined;
}

/**
 * Uncached input from a total that may already include cache tokens (the OpenAI shape: cached and cache-write
 * tokens inside the prompt count): total − cache read − cache write when they fit inside it; otherwise the
 * instrumentation reported the provider's disjoint split (Anthropic's), and the total is already uncached.
 */
export function uncachedInput(total: Sql, cacheRead: Sql, cacheWrite: Sql): Sql {
  return sql`(CASE WHEN ${foldsCache(total, cacheRead, cacheWrite)} THEN ${total} - ${cacheRead} - ${cacheWrite} ELSE ${total} END)`;
}

/** True when the cache tokens fit inside the total (so they were counted in it). */
export const foldsCache = (total: Sql, cacheRead: Sql, cacheWrite: Sql): Sql =>
  sql`(${total} >= ${cacheRead} + ${cacheWrite})`;

/** The input total including cache tokens, whichever way the source counted them (for reconciliation). */
export const inputInclCache = (total: Sql, cacheRead: Sql, cacheWrite: Sql): Sql =>
  sql`(CASE WHEN ${foldsCache(total, cacheRead, cacheWrite)} THEN ${total} ELSE ${total} + ${cacheRead} + ${cacheWrite} END)`;

/** The provider prefix of a routed model id (`anthropic/claude-3-5-sonnet` -> `anthropic`), NULL without one. */
export const modelPrefix = (model: Sql): Sql =>
  sql`NULLIF(regexp_extract(lower(${model}), '^([a-z_-]+)/', 1), '')`;

/** The stored token columns summed: all input classes (uncached, cache read, cache writes). */
export const STORED_INPUT_TOTAL = sql`"input" + cache_read + cache_write + cache_write_5m + cache_write_1h`;
