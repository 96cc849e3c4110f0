// Compiles one Requirements Model rule (its check plus the conditions inherited from its composites) into ONE DuckDB
// query that counts the violating rows, splits them into carried-over / derived, and samples up to 3 of them.
// Functions that cannot be compiled are returned as `skip` with the reason: nothing passes silently.
import { ident, lit } from '../store/duckdb.js';
import { columnsOf, type Expr, type Operand } from './rule-syntax.js';
import {
  DATETIME_RE,
  FLOAT_TYPE,
  ISO_CODES,
  keyValue,
  NATIONAL_CODES,
  NUMERIC_RE,
  NUMERIC_TYPE,
  STRING_TYPE,
  UNIT_RE,
} from './validate-formats.js';
import { NULL_PLACEHOLDERS, PRODUCT_TOLERANCE } from './validate-overrides.js';

/** What the compiler needs to know about the relation under test. */
export interface RelationInfo {
  /** SQL FROM target (a quoted name or a table function call). */
  source: string;
  /** Column name -> DuckDB type, from DESCRIBE. */
  columns: Map<string, string>;
  /** Columns hold raw text (a CSV read with all_varchar): types are judged by castability. */
  text: boolean;
  /** The relation has x_CostSource: rows with 'focus' are carried-over input data. */
  costSource: boolean;
  /** Lineage columns present, in sample order: __record, x_RowId, x_SourceFile, x_SourceRecord. */
  lineage: string[];
  /** The FOCUS column ids of the version (for NullHandling and ColumnHandling checks). */
  focusColumns: Set<string>;
  /** Where NULL placeholders are looked for (the raw CSV text, before `NULL` strings became NULL). */
  placeholderSource?: string;
}

export type Compiled =
  | { kind: 'query'; sql: string }
  | { kind: 'dataset'; ok: boolean; detail?: string }
  /** Decided without scanning: the check holds by the column's type. */
  | { kind: 'constant'; violations: 0 }
  | { kind: 'skip'; reason: string };

/** The internal 1-based record number column validatePath adds (CSV line or Parquet row). */
export const RECORD_COLUMN = '__record';
/** The internal file-name column validatePath adds when a folder is read. */
export const FILE_COLUMN = '__file';
export const LINEAGE_COLUMNS = [FILE_COLUMN, RECORD_COLUMN, 'x_RowId', 'x_SourceFile', 'x_SourceRecord'];
export const SAMPLE_LIMIT = 3;

class Skip extends Error {}

type Ctx = 'check' | 'cond';

/**
 * Compiles a leaf rule: `check` must hold on every row matching all `conditions` (the rule's own and its composites').
 * Returns one query yielding a single row (n, carried, samples; the columns the rule reads are shown in samples), a
 * dataset-level verdict (presence, column names), a constant pass decided by the column's type, or a skip.
 */
export function compileRule(check: Expr, conditions: Expr[], rel: RelationInfo): Compiled {
  try {
    if (check.kind === 'call' && check.fn === 'present') {
      const col = check.args[0] as string;
      return {
        kind: 'dataset',
        ok: rel.columns.has(col),
        detail: rel.columns.has(col) ? undefined : `${col} is missing`,
      };
    }
    if (check.kind === 'call' && check.fn === 'CustomColumnsPrefixed') return customColumns(rel);
    const where = conditions.map((c) => new Predicate(rel, 'cond').sql(c));
    const cond = where.length ? where.map((w) => `(${w})`).join(' AND ') : 'TRUE';
    const values = [...new Set([check, ...conditions].flatMap(columnsOf))]
      .filter((c) => rel.columns.has(c))
      .slice(0, 4);
    if (check.kind === 'distinct') {
      // Each value of `column` maps to exactly `count` distinct non-null values of `per` (CheckDistinctCount).
      const having = `count(DISTINCT ${ident(need(rel, check.per))}) NOT IN (0, ${check.count})`;
      return groupQuery(rel, cond, check.column, having, values);
    }
    if (check.kind === 'call' && check.fn === 'CheckNoDuplicates') {
      const col = need(rel, check.args[0] as string);
      return groupQuery(rel, cond, col, 'count(*) > 1', values);
    }
    if (check.kind === 'call' && check.fn === 'NoNullPlaceholders') return placeholderQuery(rel);
    const ok = new Predicate(rel, 'check').sql(check);
    // Decided by the column's type alone (e.g. TypeDecimal on a DECIMAL column): nothing to scan.
    if (ok === 'TRUE') return { kind: 'constant', violations: 0 };
    return {
      kind: 'query',
      sql: countQuery(rel, rel.source, `${cond} AND NOT (${ok})`, sampleStruct(rel, values)),
    };
  } catch (err) {
    if (err instanceof Skip) return { kind: 'skip', reason: err.message };
    throw err;
  }
}

function need(rel: RelationInfo, col: string): string {
  if (!rel.columns.has(col)) throw new Skip(`references column ${col}, which is not present`);
  return col;
}

function countQuery(rel: RelationInfo, source: string, where: string, sample: string): string {
  const carried = rel.costSource ? `count(*) FILTER (WHERE ${ident('x_CostSource')} = 'focus')` : '0';
  const order = rel.lineage.includes(RECORD_COLUMN)
    ? rel.lineage.includes(FILE_COLUMN)
      ? `(${ident(FILE_COLUMN)}, ${ident(RECORD_COLUMN)})`
      : ident(RECORD_COLUMN)
    : rel.lineage.includes('x_RowId')
      ? ident('x_RowId')
      : '0';
  return (
    `SELECT count(*)::BIGINT AS n, ${carried}::BIGINT AS carried, arg_min(${sample}, ${order}, ${SAMPLE_LIMIT}) AS samples\n` +
    `FROM ${source} WHERE ${where}`
  );
}

function sampleStruct(rel: RelationInfo, values: string[], extra?: string): string {
  const fields = rel.lineage.map((c) =>
    c === RECORD_COLUMN
      ? `record := ${ident(c)}::INTEGER`
      : c === FILE_COLUMN
        ? `file := ${ident(c)}`
        : `${ident(c)} := CAST(${ident(c)} AS VARCHAR)`,
  );
  const vals = values.map((c) => `${ident(c)} := CAST(${ident(c)} AS VARCHAR)`);
  if (extra) vals.push(extra);
  if (vals.length) fields.push(`"values" := struct_pack(${vals.join(', ')})`);
  return fields.length ? `struct_pack(${fields.join(', ')})` : 'NULL';
}

/** Rows whose group (by `col`, among rows matching `cond`) breaks `having`: CheckDistinctCount, CheckNoDuplicates. */
function groupQuery(
  rel: RelationInfo,
  cond: string,
  col: string,
  having: string,
  values: string[],
): Compiled {
  need(rel, col);
  const c = ident(col);
  const bad = `SELECT ${c} FROM ${rel.source} WHERE ${cond} AND ${c} IS NOT NULL GROUP BY ${c} HAVING ${having}`;
  return {
    kind: 'query',
    sql: countQuery(rel, rel.source, `${cond} AND ${c} IN (${bad})`, sampleStruct(rel, values)),
  };
}

/** NullHandling: string cells holding a placeholder instead of NULL, in any FOCUS column. */
function placeholderQuery(rel: RelationInfo): Compiled {
  const cols = [...rel.columns].filter(
    ([name, type]) => rel.focusColumns.has(name) && (rel.text || STRING_TYPE.test(type)),
  );
  if (!cols.length) return { kind: 'dataset', ok: true };
  const list = NULL_PLACEHOLDERS.map(lit).join(', ');
  const hit = (c: string) =>
    `(CAST(${ident(c)} AS VARCHAR) IN (${list}) OR trim(CAST(${ident(c)} AS VARCHAR)) = '')`;
  const where = cols.map(([c]) => hit(c)).join(' OR ');
  const which = `list_filter([${cols.map(([c]) => `CASE WHEN ${hit(c)} THEN ${lit(c)} END`).join(', ')}], lambda x: x IS NOT NULL)`;
  const source = rel.placeholderSource ?? rel.source;
  return { kind: 'query', sql: countQuery(rel, source, where, sampleStruct(rel, [], `columns := ${which}`)) };
}

/** ColumnHandling: a column that is neither a FOCUS column nor prefixed `x_`. */
function customColumns(rel: RelationInfo): Compiled {
  const bad = [...rel.columns.keys()].filter(
    (c) => !rel.focusColumns.has(c) && !c.startsWith('x_') && !LINEAGE_COLUMNS.includes(c),
  );
  return {
    kind: 'dataset',
    ok: bad.length === 0,
    detail: bad.length ? `unprefixed custom column(s): ${bad.join(', ')}` : undefined,
  };
}

/**
 * A tree as a SQL boolean that is never NULL. In a check, a value comparison passes on NULL (null rules are judged
 * by the Nullability rules). In a condition, a column compared with a literal is null-aware (`ChargeClass !=
 * "Correction"` holds for a NULL ChargeClass: the spec's reading of "is not"); two columns are compared only where
 * both have a value; anything unknown does not select the row (docs/validation.md#null-in-conditions).
 */
class Predicate {
  constructor(
    private readonly rel: RelationInfo,
    private readonly ctx: Ctx,
  ) {}

  private get dflt(): string {
    return this.ctx === 'check' ? 'TRUE' : 'FALSE';
  }

  sql(e: Expr): string {
    switch (e.kind) {
      case 'and':
      case 'or':
        return `(${e.items.map((i) => this.sql(i)).join(e.kind === 'and' ? ' AND ' : ' OR ')})`;
      case 'cmp':
        return this.cmp(e.op, e.left, e.right);
      case 'call':
        return this.call(e.fn, e.args);
      case 'json':
        return this.json(e.fn, e.args);
      case 'ref':
        throw new Skip(`nested rule reference @${e.id} inside a leaf check is not compiled`);
      case 'distinct':
        throw new Skip('CheckDistinctCount is only compiled as a whole check');
      case 'invalid':
        throw new Skip('malformed in the Requirements Model (INVALID)');
    }
  }

  private type(col: string): string {
    const t = this.rel.columns.get(col);
    if (t === undefined) throw new Skip(`references column ${col}, which is not present`);
    return t;
  }

  /** The text value of a column. */
  private str(col: string): string {
    return STRING_TYPE.test(this.type(col)) ? ident(col) : `CAST(${ident(col)} AS VARCHAR)`;
  }

  /** The numeric value of a column: exact for numeric types, a DOUBLE parse of text otherwise (NULL if not a number). */
  private num(col: string): string {
    return NUMERIC_TYPE.test(this.type(col)) ? ident(col) : `TRY_CAST(${ident(col)} AS DOUBLE)`;
  }

  private dbl(col: string): string {
    return NUMERIC_TYPE.test(this.type(col))
      ? `CAST(${ident(col)} AS DOUBLE)`
      : `TRY_CAST(${ident(col)} AS DOUBLE)`;
  }

  private cmp(op: string, left: Operand, right: Operand): string {
    if (left.kind === 'product') return this.product(left.left, left.right, right);
    if (left.kind !== 'column') throw new Skip(`comparison with a literal on the left is not compiled`);
    const col = left.name;
    const c = ident(col);
    this.type(col);
    if (right.kind === 'null') {
      if (op === '==') return `(${c} IS NULL)`;
      if (op === '!=') return `(${c} IS NOT NULL)`;
      throw new Skip(`ordering comparison with null`);
    }
    const sqlOp = op === '==' ? '=' : op === '!=' ? '<>' : op;
    if (right.kind === 'column') {
      const bothNum = NUMERIC_TYPE.test(this.type(col)) && NUMERIC_TYPE.test(this.type(right.name));
      const [a, b] = bothNum ? [this.num(col), this.num(right.name)] : [this.str(col), this.str(right.name)];
      // Two columns are compared only where both have a value (as the reference validator does): a NULL
      // InvoiceIssuerName says nothing about who receives the payment, so `A != B` must not select the row.
      if (this.ctx === 'cond') return `(${a} IS NOT NULL AND ${b} IS NOT NULL AND ${a} ${sqlOp} ${b})`;
      return this.compare(a, sqlOp, b);
    }
    if (right.kind === 'number') return this.compare(this.num(col), sqlOp, right.value);
    if (right.kind === 'string') return this.compare(this.str(col), sqlOp, lit(right.value));
    throw new Skip('a product on the right of a comparison is not compiled');
  }

  private compare(a: string, op: string, b: string): string {
    if (this.ctx === 'cond' && op === '=') return `(${a} IS NOT DISTINCT FROM ${b})`;
    if (this.ctx === 'cond' && op === '<>') return `(${a} IS DISTINCT FROM ${b})`;
    return `coalesce(${a} ${op} ${b}, ${this.dflt})`;
  }

  /** ColumnByColumnEqualsColumnValue with the stated tolerance, in DOUBLE (a DECIMAL(38,18) product overflows). */
  private product(a: string, b: string, result: Operand): string {
    if (result.kind !== 'column') throw new Skip('product compared with a literal is not compiled');
    const r = this.dbl(result.name);
    const diff = `abs(${this.dbl(a)} * ${this.dbl(b)} - ${r})`;
    return `coalesce(${diff} <= ${PRODUCT_TOLERANCE.abs} + ${PRODUCT_TOLERANCE.rel} * abs(${r}), ${this.dflt})`;
  }

  private call(fn: string, args: string[]): string {
    const col = args[0];
    if (col === undefined) throw new Skip(`${fn} without a column`);
    const t = this.type(col);
    const c = ident(col);
    const isText = t === 'VARCHAR';
    const orNull = (p: string) => `(${c} IS NULL OR ${p})`;
    switch (fn) {
      case 'TypeString':
        return this.rel.text || STRING_TYPE.test(t) ? 'TRUE' : `(${c} IS NULL)`;
      case 'TypeDecimal':
        if (NUMERIC_TYPE.test(t)) return 'TRUE';
        return this.rel.text && isText ? orNull(`TRY_CAST(${c} AS DOUBLE) IS NOT NULL`) : `(${c} IS NULL)`;
      case 'TypeDateTime':
        if (/^(TIMESTAMP|DATE)/.test(t)) return 'TRUE';
        return this.rel.text && isText
          ? orNull(`TRY_CAST(${c} AS TIMESTAMPTZ) IS NOT NULL`)
          : `(${c} IS NULL)`;
      case 'FormatDateTime':
        if (t === 'TIMESTAMP WITH TIME ZONE') return 'TRUE';
        // A naive TIMESTAMP or DATE carries no UTC designator: not the spec's `YYYY-MM-DDTHH:mm:ssZ`.
        return isText
          ? orNull(
              `regexp_full_match(${c}, ${lit(DATETIME_RE)}) AND TRY_CAST(${c} AS TIMESTAMPTZ) IS NOT NULL`,
            )
          : `(${c} IS NULL)`;
      case 'FormatNumeric':
        if (FLOAT_TYPE.test(t)) return orNull(`isfinite(${c})`);
        if (NUMERIC_TYPE.test(t)) return 'TRUE';
        return isText ? orNull(`regexp_full_match(${c}, ${lit(NUMERIC_RE)})`) : `(${c} IS NULL)`;
      case 'CheckDecimalValue':
        if (FLOAT_TYPE.test(t)) return orNull(`isfinite(${c})`);
        if (NUMERIC_TYPE.test(t)) return 'TRUE';
        return isText ? orNull(`coalesce(isfinite(TRY_CAST(${c} AS DOUBLE)), FALSE)`) : `(${c} IS NULL)`;
      case 'FormatString':
        return orNull(`NOT (contains(${this.str(col)}, chr(65533)) OR contains(${this.str(col)}, chr(0)))`);
      case 'FormatCurrency':
        // ISO 4217 for national currency; anything not shaped like a 3-letter code is a virtual currency name.
        return orNull(
          `${this.str(col)} IN (${ISO_CODES.map(lit).join(', ')}) OR NOT regexp_full_match(${this.str(col)}, '[A-Za-z]{3}')`,
        );
      case 'CheckNationalCurrency':
        return orNull(`${this.str(col)} IN (${NATIONAL_CODES.map(lit).join(', ')})`);
      case 'FormatUnit':
        return orNull(`regexp_full_match(${this.str(col)}, ${lit(UNIT_RE)})`);
      case 'FormatKeyValue':
        return orNull(keyValue(this.str(col)));
      default:
        throw new Skip(`check function ${fn} is not compiled`);
    }
  }

  private json(fn: string, args: Record<string, unknown>): string {
    const colName = (args.ColumnName ?? args.ColumnAName) as string | undefined;
    if (!colName) throw new Skip(`${fn} without ColumnName`);
    // 1.2 renders one TypeDateTime with JSON arguments: the same column function.
    if (!fn.startsWith('JSON') && fn !== 'FormatJSON') return this.call(fn, [colName]);
    const doc = this.str(colName);
    if (fn === 'FormatJSON') {
      if (args.Path !== '$') throw new Skip(`FormatJSON at path ${String(args.Path)} is not compiled`);
      return `(${doc} IS NULL OR coalesce(json_valid(${doc}) AND json_type(${doc}) = 'OBJECT', FALSE))`;
    }
    const path = String(args.Path ?? args.PathA ?? '');
    const elem = this.elementPredicate(fn, args);
    const star = path.indexOf('[*]');
    if (star !== path.lastIndexOf('[*]'))
      throw new Skip(`${fn}: paths with more than one [*] are not compiled`);
    let body: string;
    if (star < 0) {
      body = elem(`json_extract(${doc}, ${lit(path)})`);
    } else {
      // Check: every element satisfies; condition: some element does (row-level reading of element rules).
      const rest = `$${path.slice(star + 3)}`;
      const v = rest === '$' ? 'e' : `json_extract(e, ${lit(rest)})`;
      const agg = this.ctx === 'check' ? 'list_bool_and' : 'list_bool_or';
      body = `${agg}(list_transform(json_extract(${doc}, ${lit(path.slice(0, star + 3))}), lambda e: ${elem(v)}))`;
    }
    // A NULL or invalid document is judged by the Nullability and FormatJSON rules, not here.
    return `(CASE WHEN ${doc} IS NULL OR NOT json_valid(${doc}) THEN ${this.dflt} ELSE coalesce(${body}, ${this.dflt}) END)`;
  }

  /** A predicate over one JSON value `v` (SQL NULL when the key is missing). */
  private elementPredicate(fn: string, args: Record<string, unknown>): (v: string) => string {
    const jt = (v: string) => `json_type(${v})`;
    const absent = (v: string) => `(${v} IS NULL OR ${jt(v)} = 'NULL')`;
    const num = `('BIGINT', 'UBIGINT', 'DOUBLE')`;
    switch (fn) {
      case 'JSONCheckPathKeyExists':
        return (v) => `(${v} IS NOT NULL)`;
      case 'JSONCheckPathType': {
        const types: Record<string, string> = {
          Array: `('ARRAY')`,
          Object: `('OBJECT')`,
          String: `('VARCHAR')`,
          Decimal: num,
          Numeric: num,
          Number: num,
          Boolean: `('BOOLEAN')`,
        };
        const want = types[String(args.ExpectedType)];
        if (!want) throw new Skip(`JSONCheckPathType ${String(args.ExpectedType)} is not compiled`);
        return (v) => `(${absent(v)} OR ${jt(v)} IN ${want})`;
      }
      case 'JSONCheckPathValue':
      case 'JSONCheckPathNotValue': {
        const neg = fn === 'JSONCheckPathNotValue';
        if (args.Value === null) return (v) => (neg ? `(NOT ${absent(v)})` : absent(v));
        const eq = (v: string) =>
          `coalesce(json_extract_string(${v}, '$') = ${lit(String(args.Value))}, FALSE)`;
        return (v) => (neg ? `(NOT ${eq(v)})` : eq(v));
      }
      case 'JSONCheckPathDecimalValue':
        // aicost's own (validate-overrides.ts): a number where the key has a value; absent or null is not judged here.
        return (v) => `(${absent(v)} OR ${jt(v)} IN ${num})`;
      case 'JSONFormatString':
        return (v) =>
          `(${absent(v)} OR (${jt(v)} = 'VARCHAR' AND NOT contains(json_extract_string(${v}, '$'), chr(65533))))`;
      case 'JSONFormatNumeric':
      case 'JSONCheckPathNumericFormat':
        return (v) =>
          `(${absent(v)} OR ${jt(v)} IN ${num} OR (${jt(v)} = 'VARCHAR' AND regexp_full_match(json_extract_string(${v}, '$'), ${lit(NUMERIC_RE)})))`;
      case 'JSONFormatUnit':
      case 'JSONCheckPathUnitFormat':
        return (v) =>
          `(${absent(v)} OR (${jt(v)} = 'VARCHAR' AND regexp_full_match(json_extract_string(${v}, '$'), ${lit(UNIT_RE)})))`;
      case 'JSONCheckPathKeyValueFormat':
        return (v) => `(${v} IS NULL OR ${keyValue(v)})`;
      case 'JSONCheckPathKeyStartsWith': {
        const ignore = ((args.IgnoreKeys as string[] | undefined) ?? []).map(lit);
        const prefix = lit(String(args.Prefix ?? 'x_'));
        const keyOk = `k IN (${ignore.length ? ignore.join(', ') : 'NULL'}) OR starts_with(k, ${prefix})`;
        return (v) =>
          `(${v} IS NULL OR ${jt(v)} <> 'OBJECT' OR coalesce(list_bool_and(list_transform(json_keys(${v}), lambda k: ${keyOk})), TRUE))`;
      }
      case 'JSONCheckPathSameValue': {
        if (args.PathB !== null || typeof args.ColumnBName !== 'string')
          throw new Skip(`${fn} between two JSON paths is not compiled`);
        const other = this.str(args.ColumnBName);
        return (v) => `coalesce(json_extract_string(${v}, '$') = ${other}, TRUE)`;
      }
      case 'JSONCheckPathDistinctParent':
        throw new Skip(`${fn} is not compiled (a cross-row check over JSON array elements)`);
      default:
        throw new Skip(`check function ${fn} is not compiled`);
    }
  }
}
