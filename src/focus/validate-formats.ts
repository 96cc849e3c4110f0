// The FOCUS value formats as SQL building blocks: ISO 4217 codes (focus-schemas/iso4217.json), NumericFormat,
// DateTimeFormat, UnitFormat and KeyValueFormat, plus the DuckDB type families the checks tell apart.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const iso = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../focus-schemas/iso4217.json', import.meta.url)), 'utf8'),
) as { codes: string[]; nonNational: string[] };
export const ISO_CODES = iso.codes;
export const NATIONAL_CODES = iso.codes.filter((c) => !iso.nonNational.includes(c));

/** NumericFormat: integer, decimal or E notation; no '+' sign, no '+' exponent, no separators or symbols. */
export const NUMERIC_RE = '^-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE]-?[0-9]+)?$';
/** DateTimeFormat: extended ISO 8601 in UTC with whole seconds, `YYYY-MM-DDTHH:mm:ssZ`. */
export const DATETIME_RE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$';
const WORD = '[A-Za-z][A-Za-z0-9]*';
/**
 * UnitFormat: `<units>` (GB, Requests, Tokens), an optional whole-number quantity (`1000000 Tokens`), and an
 * optional time part `<unit>-<plural time>` (GB-Hours, LCU-Hours) or `<units>/<singular time>` (GB/Hour).
 */
export const UNIT_RE =
  `^([0-9]+ )?${WORD}( ${WORD})*` +
  '(-([0-9]+ )?(Seconds|Minutes|Hours|Days|Weeks|Months|Years)|/([0-9]+ )?(Second|Minute|Hour|Day|Week|Month|Year))?$';

export const NUMERIC_TYPE =
  /^(DECIMAL|NUMERIC|DOUBLE|FLOAT|REAL|HUGEINT|UHUGEINT|BIGINT|UBIGINT|INTEGER|UINTEGER|SMALLINT|USMALLINT|TINYINT|UTINYINT)/;
export const FLOAT_TYPE = /^(DOUBLE|FLOAT|REAL)/;
export const STRING_TYPE = /^(VARCHAR|JSON)$/;

/** KeyValueFormat: a JSON object with unique keys whose values are scalars (no nested objects or arrays). */
export function keyValue(doc: string): string {
  return (
    `coalesce(CASE WHEN json_valid(${doc}) THEN json_type(${doc}) = 'OBJECT' ` +
    `AND coalesce(list_bool_and(list_transform(json_extract(${doc}, '$.*'), lambda v: json_type(v) NOT IN ('OBJECT', 'ARRAY'))), TRUE) ` +
    `AND len(json_keys(${doc})) = len(list_distinct(json_keys(${doc}))) ELSE FALSE END, FALSE)`
  );
}
