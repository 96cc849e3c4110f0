// Column operations specific to usage rows: hashed keys, bucket ids, tags (docs/data-model.md#tags).

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

/**
 * Keys that carry content and never become tags (docs/data-model.md#tags). Every tag part is content-free by
 * construction, through the one predicate {@link isContentKeySql} (so the merge needs no filtering pass).
 */
export const CONTENT_KEYS = [
  'input',
  'output',
  'messages',
  'prompt',
  'completion',
  'content',
  'input.value',
  'output.value',
];

/** The one content-key predicate of the tag paths, over a key expression. */
export const isContentKeySql = (key: Sql): Sql =>
  sql`(lower(${key}) IN (${joinSql(CONTENT_KEYS.map(lit), ', ')}))`;

/** Text that may hold a content key as a JSON key or a `key:` tag: only then is a part filtered key by key. */
const MENTIONS_CONTENT = `"(${CONTENT_KEYS.map((k) => k.replaceAll('.', '\\.')).join('|')})("|:)`;

/** Only scalar values of at most 256 characters (as JSON text: 258 with the quotes) become tags. */
const scalarEntries = (entries: Sql): Sql =>
  sql`list_filter(${entries}, e -> json_type(e.value) NOT IN ('OBJECT', 'ARRAY', 'NULL') AND length(e.value) <= 258)`;

/**
 * Caller metadata (a JSON object) as tags: content keys dropped, only scalar values of at most 256 characters kept.
 * A flat, content-free object passes as it is (the merge parses it once); any other is parsed into a MAP and
 * filtered (a few percent of records in practice).
 */
export function metadataTags(jsonExpr: Sql): Sql {
  const x = sql`CAST(${jsonExpr} AS VARCHAR)`;
  const entries = sql`map_entries(TRY_CAST(TRY_CAST(${x} AS JSON) AS MAP(VARCHAR, JSON)))`;
  const filtered = sql`to_json(map_from_entries(list_filter(${scalarEntries(entries)}, e -> NOT ${isContentKeySql(sql`e.key`)})))`;
  const needsFilter = lit(`.[\\[{]|"[^"]{257,}"|${MENTIONS_CONTENT}`);
  return sql`CASE WHEN ${x} IS NULL OR NOT starts_with(ltrim(${x}), '{') OR NOT json_valid(${x}) THEN NULL
    WHEN regexp_matches(lower(${x}), ${needsFilter}) THEN ${filtered}
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
  return sql`CASE WHEN ${x} IS NULL OR ${x} IN ('[]', '') THEN NULL
    WHEN regexp_matches(lower(${x}), ${lit(MENTIONS_CONTENT)}) THEN list_filter(${pairs}, p -> NOT ${isContentKeySql(sql`p.k`)})
    ELSE ${pairs} END`;
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
  const content = Object.keys(pairs).filter((k) => CONTENT_KEYS.includes(k.toLowerCase()));
  if (content.length > 0) throw new Error(`derived tag keys name content: ${content.join(', ')}`);
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
  // one variadic merge patch (the fast tag merge: docs/duckdb-notes.md#speed-on-the-hot-path); the parts are
  // content-free already, and the patch semantics drop members whose value is null
  const parts = joinSql(
    objs.map((o) => sql`COALESCE(${o}, '{}')`),
    ', ',
  );
  // JSON typed, as stored: a cast from text to JSON would parse the result once more
  return sql`NULLIF(json_merge_patch('{}', ${parts}), '{}'::JSON)`;
}

/**
 * Dotted-name segments that carry content in trace attributes: a key with any of them never becomes a tag
 * (OpenInference `input.value`, `llm.input_messages.0.message.content`, `llm.prompt_template.template`; Traceloop
 * `traceloop.entity.input`). Stricter than {@link CONTENT_KEYS}, which names whole keys of caller metadata.
 */
export const CONTENT_SEGMENTS = [
  ...CONTENT_KEYS.filter((k) => !k.includes('.')),
  'prompts',
  'completions',
  'input_messages',
  'output_messages',
  'prompt_template',
  'text',
];
const CONTENT_SEGMENT_RE = `(^|\\.)(${CONTENT_SEGMENTS.join('|')})(\\.|$)`;

/** True when a dotted key names content by {@link CONTENT_SEGMENTS} (case-insensitive). */
export function isContentKey(key: string): boolean {
  return new RegExp(CONTENT_SEGMENT_RE, 'i').test(key);
}

/**
 * A flat attribute object (OTel span or resource attributes) as tags: keys starting with one of `excludePrefixes`
 * and keys with a content segment dropped; only scalar values of at most 256 characters kept.
 */
export function attributeTags(jsonExpr: Sql, excludePrefixes: string[] = []): Sql {
  const j = sql`TRY_CAST(${jsonExpr} AS JSON)`;
  const keep = joinSql(
    [
      sql`NOT regexp_matches(lower(e.key), ${lit(CONTENT_SEGMENT_RE)})`,
      ...excludePrefixes.map((p) => sql`NOT starts_with(e.key, ${lit(p)})`),
    ],
    ' AND ',
  );
  // one parse into a MAP, then key and value filters over its entries
  const entries = sql`list_filter(map_entries(TRY_CAST(${j} AS MAP(VARCHAR, JSON))), e -> ${keep})`;
  return sql`CASE WHEN ${j} IS NULL OR json_type(${j}) <> 'OBJECT' THEN NULL ELSE to_json(map_from_entries(${scalarEntries(entries)})) END`;
}

/**
 * Text columns as tags (tag key -> input column): keys that name content ({@link isContentKey}) dropped, values
 * longer than 256 characters dropped; NULL values leave the key out. Undefined when no key is left.
 */
export function columnTags(columns: Record<string, string>): Sql | undefined {
  const pairs = Object.entries(columns)
    .filter(([key]) => !isContentKey(key))
    .map(([key, c]) => [key, sql`CASE WHEN length(${str(c)}) <= 256 THEN ${str(c)} END`] as const);
  return pairs.length > 0 ? mergeTags([derivedTags(Object.fromEntries(pairs))]) : undefined;
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
