// The one tag filter (docs/data-model.md#tags): the rules of secrets.ts compiled to SQL and applied at one point of
// the pipeline, to the merged tags of every usage source and to the Tags of FOCUS inputs, whichever path a key came
// by (caller metadata, `key:value` tags, span attributes, `tag.<key>` columns, derived keys). Also where the config's
// `deny_tags` (patterns) and `hash_tags` (keys whose values are stored as salted hashes) apply.
//
// On the hot path a row costs one case-insensitive regular expression over its tags text: only a row whose text
// names a suspect key or holds a credential-shaped value is parsed into a MAP and filtered entry by entry.
import { CREDENTIAL_RE, type DropReason, normalizeKey, SECRET_SHAPE, TAG_KEY_RULES } from '../secrets.js';
import { joinSql, lit, type Sql, sql } from '../sql.js';

/** The user's part of the policy: config `deny_tags` (key patterns) and `hash_tags` / `--hash-tags` (keys). */
export interface TagPolicy {
  deny?: string[];
  hash?: string[];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const patterns = (kind: string) => TAG_KEY_RULES.filter((r) => r.kind === kind).map((r) => r.pattern);

/** A key word as it appears in JSON text (quotes and backslashes escaped), as a regular expression. */
const inJson = (w: string) => escapeRe(JSON.stringify(w).slice(1, -1));

/** Words of the key patterns, for the pre-check: a key containing one of them is looked at closely. */
function keyWords(policy: TagPolicy): string[] {
  const words = [...TAG_KEY_RULES.map((r) => r.pattern), ...(policy.deny ?? [])].flatMap((p) =>
    p
      .toLowerCase()
      .split('*')
      .filter(Boolean)
      // `_` in a pattern stands for `-`, `_` or a space in the key
      .map((w) => inJson(w).replace(/_/g, '[-_ ]')),
  );
  return [...words, ...(policy.hash ?? []).filter(Boolean).map(inJson)];
}

/**
 * True when tags (a JSON object, or its text) may hold something the filter drops or hashes: a superset, never
 * missing one. Computed once per record; the expressions below take it as `suspect`.
 */
export function suspectTagsSql(tags: Sql | string, policy: TagPolicy): Sql {
  const text = sql`CAST(${tags as Sql} AS VARCHAR)`;
  // a key is a JSON string (escapes included) followed by a colon; values are checked for credentials only
  const chars = '(?:[^"\\\\]|\\\\.)*';
  const re = `"${chars}(${keyWords(policy).join('|')})${chars}"\\s*:|${CREDENTIAL_RE}`;
  return sql`COALESCE(regexp_matches(${text}, ${lit(re)}, 'i'), false)`;
}

/**
 * A key pattern (secrets.ts#KeyRule) as a predicate over the normalized key `k`. String functions, not regular
 * expressions: inside a lambda DuckDB compiles a regular expression again for every chunk it runs on.
 */
function keyPatternSql(pattern: string, k: Sql): Sql {
  const p = normalizeKey(pattern);
  const inner = p.slice(1, -1);
  if (!p.includes('*'))
    return sql`(${k} = ${lit(p)} OR starts_with(${k}, ${lit(`${p}.`)}) OR ends_with(${k}, ${lit(`.${p}`)}) OR contains(${k}, ${lit(`.${p}.`)}))`;
  if (p.startsWith('*') && p.endsWith('*') && !inner.includes('*')) return sql`contains(${k}, ${lit(inner)})`;
  const like = p.replace(/[\\%_]/g, '\\$&').replaceAll('*', '%');
  return sql`(${k} LIKE ${lit(like)} ESCAPE '\\')`;
}

const anyKey = (patterns: readonly string[], k: Sql): Sql =>
  patterns.length
    ? sql`(${joinSql(
        patterns.map((p) => keyPatternSql(p, k)),
        ' OR ',
      )})`
    : sql`false`;

/** The reason an entry `e` (key VARCHAR, value JSON) is dropped, or NULL when it is kept. */
function reasonSql(policy: TagPolicy): Sql {
  const k = sql`replace(replace(lower(e.key), '-', '_'), ' ', '_')`;
  const text = sql`(e.value ->> '$')`;
  const isText = sql`json_type(e.value) = 'VARCHAR'`;
  const numeric = sql`(json_type(e.value) IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'BOOLEAN') OR TRY_CAST(${text} AS DOUBLE) IS NOT NULL OR lower(${text}) IN ('true', 'false'))`;
  // the one credential expression: over the key (a bare `key:value` tag makes a secret a key) and the value at once
  const credential = sql`regexp_matches(e.key || ' ' || COALESCE(${text}, ''), ${lit(CREDENTIAL_RE)}, 'i')`;
  const shaped = sql`${isText} AND length(${text}) >= ${SECRET_SHAPE.minLength} AND regexp_full_match(${text}, ${lit(SECRET_SHAPE.alphabet)}, 'i') AND lower(${text}) <> upper(${text}) AND regexp_matches(${text}, '[0-9]')`;
  const reason = (r: DropReason) => lit(r);
  return sql`CASE
    WHEN ${credential} THEN ${reason('credential value')}
    WHEN ${anyKey(policy.deny ?? [], k)} THEN ${reason('deny_tags')}
    WHEN ${anyKey(patterns('credential'), k)} THEN ${reason('credential key')}
    WHEN ${anyKey(patterns('content'), k)} AND NOT ${numeric} THEN ${reason('content key')}
    WHEN ${anyKey(patterns('credential-shaped'), k)} AND ${shaped} THEN ${reason('credential value')}
  END`;
}

/**
 * The entries of a tags object (a JSON object expression) each with the reason it is dropped, or NULL reason when
 * kept: a list of {key, value, reason}, computed once per suspect record. NULL when the text is not a JSON object.
 */
export function checkedEntriesSql(tags: Sql | string, policy: TagPolicy): Sql {
  const entries = sql`map_entries(TRY_CAST(TRY_CAST(${tags as Sql} AS JSON) AS MAP(VARCHAR, JSON)))`;
  return sql`list_transform(${entries}, e -> struct_pack(key := e.key, value := e.value, reason := ${reasonSql(policy)}))`;
}

/**
 * The stored tags from checked entries (see {@link checkedEntriesSql}): dropped entries removed, `hash_tags` keys
 * hashed (the value's text, salted per data home: `_salt` of the relation), NULL when nothing is left or the text
 * was not a JSON object (it cannot be filtered, so it is dropped whole).
 */
export function keptTagsSql(checked: Sql | string, policy: TagPolicy): Sql {
  const kept = sql`list_transform(list_filter(${checked as Sql}, e -> e.reason IS NULL), e -> struct_pack(key := e.key, value := e.value))`;
  const hash = (policy.hash ?? []).filter(Boolean);
  const hashed = hash.length
    ? sql`list_transform(${kept}, e -> CASE WHEN e.key IN (${joinSql(hash.map(lit), ', ')}) AND json_type(e.value) <> 'NULL'
        THEN struct_pack(key := e.key, value := to_json(sha256(_salt || (e.value ->> '$')))) ELSE e END)`
    : kept;
  return sql`NULLIF(to_json(map_from_entries(${hashed})), '{}'::JSON)`;
}

/** Key given for a suspect tags text that is not a JSON object (dropped whole). */
export const NOT_AN_OBJECT = '(tags that are not a JSON object)';

/**
 * What the filter drops, from checked entries: one `key<TAB>reason` line per dropped entry (tabs and newlines in a
 * key read as spaces), NULL when nothing is dropped. Never a value: the ingest notes count these lines per key.
 */
export function droppedLinesSql(checked: Sql | string): Sql {
  const c = checked as Sql;
  const line = sql`replace(replace(d.key, chr(10), ' '), chr(9), ' ') || chr(9) || d.reason`;
  return sql`(CASE WHEN ${c} IS NULL THEN ${lit(`${NOT_AN_OBJECT}\tcontent key`)}
    ELSE NULLIF(array_to_string(list_transform(list_filter(${c}, d -> d.reason IS NOT NULL), d -> ${line}), chr(10)), '') END)`;
}
