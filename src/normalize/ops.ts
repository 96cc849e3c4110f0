// The closed set of column operations a source definition uses. Each compiles to a DuckDB SQL expression over the
// reader relation and returns `Sql`; identifiers are quoted and literals escaped here (through sql.ts), nowhere
// else. A source that needs something no operation says writes it with the `sql` tag (the one escape hatch).
import { ident, joinSql, lit, litList, NULL, type Sql, sql } from '../sql.js';

/** Money, prices and quantities: DECIMAL(38,18) everywhere (docs/data-model.md). */
export const MONEY = 'DECIMAL(38,18)' as Sql;
/** Counts parsed from text that may be quoted, fractional-looking ("12.0") or in scientific notation. */
const COUNT_TEXT = 'DECIMAL(38,6)' as Sql;

/** A raw input column. */
export const col = (name: string): Sql => ident(name);

/** Text with empty or blank strings as NULL (FOCUS NullHandling), surrounding spaces trimmed. */
export const str = (name: string): Sql => text(ident(name));

/**
 * Text of an expression, trimmed, blank as NULL. trim() is costly on the ingest hot path, so it runs only on
 * values that start or end with a space.
 */
export const text = (expr: Sql): Sql => {
  const x = sql`CAST(${expr} AS VARCHAR)`;
  return sql`(CASE WHEN starts_with(${x}, ' ') OR ends_with(${x}, ' ') THEN NULLIF(trim(${x}), '') ELSE NULLIF(${x}, '') END)`;
};

/** A constant string (or NULL). */
export const constant = (value: string | null): Sql => (value === null ? NULL : lit(value));

/** A constant number or boolean. */
export const value = (v: number | boolean): Sql => (typeof v === 'boolean' ? (String(v) as Sql) : sql`${v}`);

/** The first non-NULL of the expressions. */
export const coalesce = (...exprs: Sql[]): Sql => sql`COALESCE(${joinSql(exprs, ', ')})`;

/** `CASE WHEN c1 THEN v1 ... ELSE otherwise END`. */
export function caseWhen(branches: [when: Sql, then: Sql][], otherwise: Sql = NULL): Sql {
  const whens = joinSql(
    branches.map(([w, t]) => sql`WHEN ${w} THEN ${t}`),
    ' ',
  );
  return sql`(CASE ${whens} ELSE ${otherwise} END)`;
}

/** Decimal money/quantity parsed from text; `divideBy` rescales exactly (cents -> dollars). */
export function decimal(name: string, divideBy?: number): Sql {
  return decimalOf(str(name), divideBy);
}

/** Decimal from any text expression; `divideBy` (a power of ten) rescales exactly. */
export function decimalOf(expr: Sql, divideBy?: number): Sql {
  const v = sql`TRY_CAST(${expr} AS ${MONEY})`;
  if (!divideBy || divideBy === 1) return v;
  const digits = Math.round(Math.log10(divideBy));
  // multiply by 10^-n as a small-scale DECIMAL: exact, and no DOUBLE division (DECIMAL / DECIMAL is DOUBLE)
  const scale = sql`CAST(${lit(`1e-${digits}`)} AS ${`DECIMAL(${digits + 1},${digits})` as Sql})`;
  return sql`CAST(${v} * ${scale} AS ${MONEY})`;
}

/** The count of 10^-18 in a DECIMAL(38,18), as HUGEINT; whole and fraction apart, so no DECIMAL product overflows. */
const unscaled = (x: Sql): Sql =>
  sql`(CAST(trunc(${x}) AS HUGEINT) * CAST(1e18 AS HUGEINT) + CAST((${x} - trunc(${x})) * 1000000000000000000 AS HUGEINT))`;

/** Largest divisor `divideExact` takes (its remainders times 10^6, doubled, must fit a HUGEINT). */
export const DIVIDE_EXACT_MAX = '10000000000000';

/**
 * a ÷ b for non-negative DECIMAL(38,18) values, exact at the stored scale: rounded half up to 18 decimals, never
 * through a DOUBLE (DuckDB divides DECIMALs in DOUBLE). Long division in HUGEINT, six digits a step; b must be below
 * DIVIDE_EXACT_MAX (checked by the caller). prices/decimal.ts `divFixed` is the same rounding in TypeScript.
 */
export function divideExact(a: Sql, b: Sql): Sql {
  const [n, d] = [unscaled(a), unscaled(b)];
  const r0 = sql`(${n} % ${d})`;
  const r1 = sql`((${r0} * 1000000) % ${d})`;
  const r2 = sql`((${r1} * 1000000) % ${d})`;
  const digits = sql`(${n} // ${d}) * CAST(1e18 AS HUGEINT) + ((${r0} * 1000000) // ${d}) * 1000000000000
    + ((${r1} * 1000000) // ${d}) * 1000000 + (${r2} * 2000000 + ${d}) // (2 * ${d})`;
  return sql`CAST(CAST(${digits} AS DECIMAL(38,0)) * CAST('1e-18' AS DECIMAL(19,18)) AS ${MONEY})`;
}

/** An integer count from text that may be quoted or in scientific notation; NULL when absent. */
export const integer = (name: string): Sql => integerOf(str(name));

/** An integer count from any expression; NULL when absent or not a number. */
export const integerOf = (expr: Sql): Sql => sql`CAST(TRY_CAST(${expr} AS ${COUNT_TEXT}) AS BIGINT)`;

/** Integer count, absent = 0. */
export const count = (name: string): Sql => sql`COALESCE(${integer(name)}, 0)`;

/** Integer count of any expression, absent = 0. */
export const countOf = (expr: Sql): Sql => sql`COALESCE(${integerOf(expr)}, 0)`;

/** Unix seconds (text or number) to TIMESTAMPTZ. */
export const unixSeconds = (name: string): Sql => sql`to_timestamp(TRY_CAST(${str(name)} AS DOUBLE))`;

/** Unix nanoseconds as text (64-bit: never through a double) to TIMESTAMPTZ, microsecond precision. */
export const unixNanos = (name: string): Sql =>
  sql`(make_timestamp(CAST(${nanosOf(name)} // 1000 AS BIGINT)) AT TIME ZONE 'UTC')`;

/** Unix nanoseconds of a text column as HUGEINT, NULL unless it is 1-20 digits. */
export const nanosOf = (name: string): Sql =>
  sql`CASE WHEN regexp_full_match(${str(name)}, '[0-9]{1,20}') THEN CAST(${str(name)} AS HUGEINT) END`;

/** ISO 8601 / RFC 3339 text to TIMESTAMPTZ (naive values are UTC). */
export const isoTime = (name: string): Sql => isoTimeOf(str(name));

/**
 * A time of day followed by a UTC offset beyond ±14:59. DuckDB accepts any two-digit hour there (`+25:00` moves the
 * time by a day), but the widest offsets in use are −12:00 and +14:00: anything past that is a broken value.
 */
const IMPOSSIBLE_OFFSET = lit(
  '[0-9]:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)? ?[+-](1[5-9]|[2-9][0-9])(:?[0-9]{2})?$',
);

/** ISO 8601 text of any expression to TIMESTAMPTZ; NULL when it is not a real time (checks.isoTime reports it). */
export const isoTimeOf = (expr: Sql): Sql =>
  sql`CASE WHEN regexp_matches(CAST(${expr} AS VARCHAR), ${IMPOSSIBLE_OFFSET}) THEN NULL ELSE TRY_CAST(${expr} AS TIMESTAMPTZ) END`;

/** A value map with an optional fallback expression. */
export function valueMap(expr: Sql, values: Record<string, string>, fallback: Sql = NULL): Sql {
  const whens = joinSql(
    Object.entries(values).map(([k, v]) => sql`WHEN ${lit(k)} THEN ${lit(v)}`),
    ' ',
  );
  return sql`(CASE ${expr} ${whens} ELSE ${fallback} END)`;
}

/** True when the text expression is one of `values`. */
export const oneOf = (expr: Sql, values: readonly string[]): Sql =>
  sql`COALESCE(${expr} IN ${litList(values)}, false)`;

/** JSON object from key -> SQL expression pairs, dropping NULL values. */
export function jsonObject(pairs: Record<string, Sql>): Sql {
  const entries = Object.entries(pairs);
  if (entries.length === 0) return NULL;
  const parts = joinSql(
    entries.map(([k, v]) => sql`${lit(k)}, ${v}`),
    ', ',
  );
  return sql`NULLIF(json_object(${parts})::VARCHAR, '{}')`;
}

/**
 * A FOCUS 1.3 ContractApplied object naming one contract commitment (docs/data-model.md#token-lifecycle): the id
 * serves as ContractId and ContractCommitmentId (a bundle is its own contract). The applied cost and quantity are
 * written as the DECIMAL's own digits, since json_object() would pass them through a DOUBLE.
 */
export function contractApplied(id: Sql, cost: Sql, quantity: Sql, unit: Sql): Sql {
  const num = (x: Sql) => sql`CAST(CAST(${x} AS ${MONEY}) AS VARCHAR)`;
  return sql`('{"Elements":[{"ContractId":' || to_json(${id}) || ',"ContractCommitmentId":' || to_json(${id})
    || ',"ContractCommitmentAppliedCost":' || ${num(cost)} || ',"ContractCommitmentAppliedQuantity":' || ${num(quantity)}
    || ',"ContractCommitmentAppliedUnit":' || to_json(${unit}) || '}]}')`;
}

/** A JSON text value at `path` of a JSON text expression (NULL when absent). */
export const jsonText = (jsonExpr: Sql, path: string): Sql =>
  sql`json_extract_string(TRY_CAST(${jsonExpr} AS JSON), ${lit(path)})`;

/** Start of the UTC month of a timestamp expression, and the start of the next one. */
export const monthStart = (ts: Sql): Sql => sql`date_trunc('month', ${ts})`;
export const nextMonthStart = (ts: Sql): Sql => sql`(date_trunc('month', ${ts}) + INTERVAL 1 MONTH)`;

/** Row checks: the usual ways an input value is bad. */
export const checks = {
  required: (name: string) => ({
    column: name,
    bad: sql`${str(name)} IS NULL`,
    problem: 'required value is missing',
  }),
  number: (name: string) => ({
    column: name,
    bad: sql`${str(name)} IS NOT NULL AND TRY_CAST(${str(name)} AS ${MONEY}) IS NULL`,
    problem: 'not a number',
  }),
  count: (name: string) => countCheck(name, str(name)),
  /** A BIGINT count (typed by the CSV reader, text in JSON): present but not a non-negative integer is bad. */
  bigint: (name: string) => ({
    column: name,
    bad: sql`${ident(name)} IS NOT NULL AND (TRY_CAST(${ident(name)} AS BIGINT) IS NULL OR TRY_CAST(${ident(name)} AS BIGINT) < 0)`,
    problem: 'not a non-negative whole number',
  }),
  unixSeconds: (name: string) => ({
    column: name,
    bad: sql`${str(name)} IS NULL OR TRY_CAST(${str(name)} AS DOUBLE) IS NULL`,
    problem: 'not a unix timestamp',
  }),
  isoTime: (name: string) => ({
    column: name,
    bad: sql`${str(name)} IS NULL OR ${isoTime(name)} IS NULL`,
    problem: 'not a date/time',
  }),
};

/** A count given as text (`column` names it in messages): present but not a non-negative whole number is bad. */
export function countCheck(column: string, expr: Sql) {
  const n = sql`TRY_CAST(${expr} AS ${COUNT_TEXT})`;
  return {
    column,
    bad: sql`${expr} IS NOT NULL AND (${n} IS NULL OR ${n} < 0 OR ${n} <> floor(${n}))`,
    problem: 'not a non-negative whole number',
  };
}
