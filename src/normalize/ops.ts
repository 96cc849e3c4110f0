// The closed set of column operations a source definition uses. Each compiles to a DuckDB SQL expression over the
// reader relation; identifiers are quoted here and literals escaped here, nowhere else.
import { ident, lit } from '../store/duckdb.js';

export const MONEY = 'DECIMAL(38,18)';

/** A raw input column. */
export const col = (name: string): string => ident(name);

/** Text with empty or blank strings as NULL (FOCUS NullHandling). */
export const str = (name: string): string => `NULLIF(trim(CAST(${ident(name)} AS VARCHAR)), '')`;

/** A constant string (or NULL). */
export const constant = (value: string | null): string => (value === null ? 'NULL' : lit(value));

/** Decimal money/quantity parsed from text; `divideBy` rescales exactly (cents -> dollars). */
export function decimal(name: string, divideBy?: number): string {
  const v = `TRY_CAST(${str(name)} AS ${MONEY})`;
  if (!divideBy || divideBy === 1) return v;
  const digits = Math.round(Math.log10(divideBy));
  // multiply by 10^-n as a small-scale DECIMAL: exact, and no DOUBLE division (TRAPS: DECIMAL / DECIMAL is DOUBLE)
  return `CAST(${v} * CAST(${lit(`1e-${digits}`)} AS DECIMAL(${digits + 1},${digits})) AS ${MONEY})`;
}

/** An integer count from text that may be quoted or in scientific notation; NULL when absent. */
export const integer = (name: string): string => `CAST(TRY_CAST(${str(name)} AS DECIMAL(38,6)) AS BIGINT)`;

/** Integer count, absent = 0. */
export const count = (name: string): string => `COALESCE(${integer(name)}, 0)`;

/** Unix seconds (text or number) to TIMESTAMPTZ. */
export const unixSeconds = (name: string): string => `to_timestamp(TRY_CAST(${str(name)} AS DOUBLE))`;

/** ISO 8601 / RFC 3339 text to TIMESTAMPTZ (naive values are UTC). */
export const isoTime = (name: string): string => `TRY_CAST(${str(name)} AS TIMESTAMPTZ)`;

/** A value map with an optional fallback expression. */
export function valueMap(expr: string, values: Record<string, string>, fallback = 'NULL'): string {
  const whens = Object.entries(values)
    .map(([k, v]) => `WHEN ${lit(k)} THEN ${lit(v)}`)
    .join(' ');
  return `(CASE ${expr} ${whens} ELSE ${fallback} END)`;
}

/** JSON object from key -> SQL expression pairs, dropping NULL values. */
export function jsonObject(pairs: Record<string, string>): string {
  const entries = Object.entries(pairs);
  if (entries.length === 0) return 'NULL';
  const parts = entries.map(([k, v]) => `${lit(k)}, ${v}`).join(', ');
  return `NULLIF(json_object(${parts})::VARCHAR, '{}')`;
}

/** Start of the UTC month of a timestamp expression, and the start of the next one. */
export const monthStart = (ts: string): string => `date_trunc('month', ${ts})`;
export const nextMonthStart = (ts: string): string => `(date_trunc('month', ${ts}) + INTERVAL 1 MONTH)`;

/** Row checks: the usual ways an input value is bad. */
export const checks = {
  required: (name: string) => ({
    column: name,
    bad: `${str(name)} IS NULL`,
    problem: 'required value is missing',
  }),
  number: (name: string) => ({
    column: name,
    bad: `${str(name)} IS NOT NULL AND TRY_CAST(${str(name)} AS ${MONEY}) IS NULL`,
    problem: 'not a number',
  }),
  count: (name: string) => ({
    column: name,
    bad: `${str(name)} IS NOT NULL AND (TRY_CAST(${str(name)} AS DECIMAL(38,6)) IS NULL OR TRY_CAST(${str(name)} AS DECIMAL(38,6)) < 0 OR TRY_CAST(${str(name)} AS DECIMAL(38,6)) <> floor(TRY_CAST(${str(name)} AS DECIMAL(38,6))))`,
    problem: 'not a non-negative whole number',
  }),
  unixSeconds: (name: string) => ({
    column: name,
    bad: `${str(name)} IS NULL OR TRY_CAST(${str(name)} AS DOUBLE) IS NULL`,
    problem: 'not a unix timestamp',
  }),
  isoTime: (name: string) => ({
    column: name,
    bad: `${str(name)} IS NULL OR TRY_CAST(${str(name)} AS TIMESTAMPTZ) IS NULL`,
    problem: 'not a date/time',
  }),
};
