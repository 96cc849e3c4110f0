// Column operations for request logs and traces (gateways, Langfuse, OpenTelemetry), beside ops.ts and
// usage-ops.ts: many keys of a JSON object read in one parse, JSON exported as a string inside JSON, properties
// looked up by case-insensitive name (HTTP headers), lists of token counts, OTLP nanosecond times, elapsed times,
// HTTP outcomes and the provider of a request. Each returns `Sql` (sql.ts); what is one vendor's stays in its source.
import { modelFamilyProviderSql, normalizeProviderSql } from '../prices/names.js';
import { ident, joinSql, jsonKeyPathText, litList, type Sql, sql } from '../sql.js';
import { coalesce, countCheck, integerOf, nanosOf, str } from './ops.js';
import { modelPrefix } from './usage-ops.js';

/** A text expression parsed as JSON; NULL when it is not JSON. */
export const asJson = (expr: Sql): Sql => sql`TRY_CAST(${expr} AS JSON)`;

/**
 * JSON text parsed, and parsed once more when it is a JSON string holding JSON: exports that encode an object (trace
 * metadata) as a string inside JSON (docs/vendor-formats.md#langfuse).
 */
export function parsedJson(expr: Sql): Sql {
  const raw = asJson(expr);
  return sql`(CASE WHEN json_type(${raw}) = 'VARCHAR' THEN TRY_CAST(${raw} ->> '$' AS JSON) ELSE ${raw} END)`;
}

/** The JSONPath of a key held in a SQL text expression (a lambda variable over `json_keys`). */
export const keyPathOf = (keyExpr: Sql): Sql => sql`'$."' || replace(${keyExpr}, '"', '\\"') || '"'`;

/** The text values of top-level `keys` of a JSON value, as one list (one parse per record: a `let` column). */
export const jsonFields = (json: Sql, keys: readonly string[]): Sql =>
  sql`json_extract_string(${json}, ${litList(keys.map(jsonKeyPathText), true)})`;

/**
 * The text values of `keys` (lowercase) looked up case-insensitively, as one list: HTTP header names kept as
 * properties (`Helicone-Session-Id`). The first key that matches in the object wins.
 */
export const jsonFieldsIgnoreCase = (json: Sql, keys: readonly string[]): Sql =>
  sql`list_transform(${litList(keys, true)}, s -> json_extract_string(${json},
      ${keyPathOf(sql`list_filter(json_keys(${json}), k -> lower(k) = s)[1]`)}))`;

/** A JSON object without `keys` (lowercase, matched case-insensitively); NULL when the value is not an object. */
export const jsonWithoutKeys = (json: Sql, keys: readonly string[]): Sql =>
  sql`CASE WHEN json_type(${json}) = 'OBJECT' THEN CAST(map_from_entries(list_transform(
        list_filter(json_keys(${json}), k -> lower(k) NOT IN ${litList(keys)}),
        k -> struct_pack(k := k, v := json_extract(${json}, ${keyPathOf(sql`k`)})))) AS JSON) END`;

/**
 * For each prefix, the sum of the counts under the keys of a JSON object that start with it (NULL when no key
 * does), as one list: open-ended key families such as `input_modality_*`.
 */
export const keyPrefixCounts = (json: Sql, prefixes: readonly string[]): Sql =>
  sql`list_transform(${litList(prefixes, true)}, p -> list_sum(list_transform(
        list_filter(json_keys(${json}), k -> starts_with(k, p)),
        k -> ${integerOf(sql`json_extract_string(${json}, ${keyPathOf(sql`k`)})`)})))`;

/**
 * A list column computed once per record (a `let` of {@link jsonFields} or {@link keyPrefixCounts}), read back by
 * name: element `names[i]` is `column[i + 1]`. An unknown name is a definition bug and throws when the module loads.
 */
export function namedList(column: string, names: readonly string[]): { at: (name: string) => Sql } {
  return {
    at: (name) => {
      const i = names.indexOf(name);
      if (i < 0) throw new Error(`${column}: "${name}" is not one of its names`);
      return sql`${ident(column)}[${i + 1}]`;
    },
  };
}

/** A row check on a list of text counts: bad when any element is present but not a non-negative whole number. */
export function countsCheck(column: string, list: Sql, problem: string) {
  return { column, bad: sql`len(list_filter(${list}, v -> ${countCheck(column, sql`v`).bad})) > 0`, problem };
}

/** The sum of (non-NULL) integer expressions. */
export const plus = (...exprs: Sql[]): Sql => sql`(${joinSql(exprs, ' + ')})`;

/** Milliseconds from one timestamp to a later one; NULL when the end is missing or before the start. */
export const elapsedMs = (start: Sql, end: Sql): Sql =>
  sql`CASE WHEN ${end} >= ${start} THEN CAST(epoch_ms(${end}) - epoch_ms(${start}) AS BIGINT) END`;

/** Milliseconds between two Unix-nanosecond text columns (exact: HUGEINT, never a double); NULL when negative. */
export function nanosElapsedMs(start: string, end: string): Sql {
  const s = nanosOf(start);
  const e = nanosOf(end);
  return sql`CASE WHEN ${e} >= ${s} THEN CAST((${e} - ${s}) // 1000000 AS BIGINT) END`;
}

/**
 * A Unix-nanosecond time column (OTLP `*UnixNano`, 64-bit: docs/duckdb-notes.md#long-numbers-in-json): bad when
 * it is not 1-20 digits, or when it is missing and `required`.
 */
export function nanosCheck(name: string, required: boolean) {
  const bad = required
    ? sql`${nanosOf(name)} IS NULL`
    : sql`${str(name)} IS NOT NULL AND ${nanosOf(name)} IS NULL`;
  return { column: name, bad, problem: 'not a Unix time in nanoseconds' };
}

/** `success` for an HTTP status 2xx, `failure` for any other status, NULL without one. */
export function httpOutcome(statusText: Sql): Sql {
  const s = sql`TRY_CAST(${statusText} AS INTEGER)`;
  return sql`CASE WHEN ${s} BETWEEN 200 AND 299 THEN 'success' WHEN ${s} IS NOT NULL THEN 'failure' END`;
}

/**
 * The provider of a request, normalized: the source's own hint, else a `provider/` route prefix on the model id
 * (`openai/gpt-4o`), else the maker of the model family (`claude-*` -> anthropic; names.ts).
 */
export const requestProvider = (hint: Sql, model: Sql): Sql =>
  normalizeProviderSql(coalesce(hint, modelPrefix(model), modelFamilyProviderSql(model)));
