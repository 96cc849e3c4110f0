// Column operations of the GPU telemetry sources (docs/gpu.md): numbers printed with units and placeholders
// (nvidia-smi `87 %`, `50234 MiB`, `[N/A]`), local times without a zone, and DCGM's "blank" sentinels.
import { ident, lit, type Sql, sql } from '../sql.js';
import { MONEY, text } from './ops.js';

const NUMBER_WITH_UNIT = lit('^([-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?)\\s*[A-Za-z%/]*$');

/** A text expression's leading number when it is a number with an optional unit; else NULL. */
export const unitNumberOf = (expr: Sql): Sql =>
  sql`TRY_CAST(regexp_extract(${text(expr)}, ${NUMBER_WITH_UNIT}, 1) AS ${MONEY})`;

/**
 * The number of a value printed with a unit (`87 %`, ` 50234 MiB`, `300.50 W`); NULL for nvidia-smi's bracketed
 * placeholders (`[N/A]`, `[Not Supported]`, `[Unknown Error]`) and blanks.
 */
export const unitNumber = (name: string): Sql => unitNumberOf(ident(name));

/** True when a value is present, not a bracketed placeholder, and still not a number with an optional unit. */
export const badUnitNumber = (name: string): Sql =>
  sql`(${text(ident(name))} IS NOT NULL AND NOT starts_with(${text(ident(name))}, '[') AND ${unitNumber(name)} IS NULL)`;

/** nvidia-smi's local time `YYYY/MM/DD HH:MM:SS[.mmm]` (or ISO text) as a naive TIMESTAMP; NULL when not a time. */
export const localTimestamp = (name: string): Sql => {
  const t = text(ident(name));
  return sql`COALESCE(try_strptime(${t}, '%Y/%m/%d %H:%M:%S.%g'), try_strptime(${t}, '%Y/%m/%d %H:%M:%S'), TRY_CAST(${t} AS TIMESTAMP))`;
};

/** That local time read in the ingest's zone (context column `_timezone`: --timezone, config gpu.timezone, or UTC). */
export const localTime = (name: string): Sql => sql`timezone(_timezone, ${localTimestamp(name)})`;

/**
 * DCGM writes "blank" values for fields a GPU does not support: 0x7ffffff0 and up for 32-bit fields (blank, not
 * found, not supported, no permission), 0x7ffffffffffffff0 and up for 64-bit ones, 2^47 for doubles (DCGM_INT32_BLANK,
 * DCGM_INT64_BLANK, DCGM_FP64_BLANK in NVIDIA's dcgm_structs.h). The gauges aicost keeps (utilization, clocks,
 * temperatures, memory in MiB, watts) are far below these, so any value from the smallest sentinel up is NULL.
 */
export const DCGM_SENTINEL_MIN = 2147483632;

/**
 * A percentage (0-100) as a ratio (0-1), exactly: DECIMAL ÷ integer would go through a DOUBLE
 * (docs/duckdb-notes.md), so it multiplies by 0.01 instead.
 */
export const percentRatio = (v: Sql): Sql => sql`CAST(${v} * CAST('0.01' AS DECIMAL(3,2)) AS ${MONEY})`;

/** A decimal value with DCGM's sentinels as NULL. */
export const withoutSentinel = (v: Sql): Sql => sql`(CASE WHEN ${v} < ${DCGM_SENTINEL_MIN} THEN ${v} END)`;
