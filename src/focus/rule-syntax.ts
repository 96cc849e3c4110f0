// A Requirements Model rule as data: the FocusRule record and the expression trees of its check and condition,
// with the helpers that read a tree (the columns and rule references it names, its check-function name).
// The parser of the rendered syntax is rule-parser.ts; loading and overriding the published rules is rules.ts.

export type Keyword = 'MUST' | 'MUST NOT' | 'SHOULD' | 'SHOULD NOT' | 'RECOMMENDED' | 'MAY';

/** An operand of a comparison: a column, a literal, or the product of two columns. */
export type Operand =
  | { kind: 'column'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: string }
  | { kind: 'null' }
  | { kind: 'product'; left: string; right: string };

export type CmpOp = '==' | '!=' | '>=' | '<=' | '>' | '<';

/** A parsed check or condition. The rendered model syntax maps one-to-one onto these nodes. */
export type Expr =
  | { kind: 'ref'; id: string }
  | { kind: 'and' | 'or'; items: Expr[] }
  | { kind: 'cmp'; op: CmpOp; left: Operand; right: Operand }
  /** `TypeString(X)`, `present(X)`, `CheckDecimalValue(X)`: a function over column names. */
  | { kind: 'call'; fn: string; args: string[] }
  /** `FormatJSON{"ColumnName":..,"Path":..}`: a function with JSON arguments. */
  | { kind: 'json'; fn: string; args: Record<string, unknown> }
  /** `distinct_count(A per B) == N`: each A has exactly N distinct B. */
  | { kind: 'distinct'; column: string; per: string; count: number }
  /** `INVALID{...}`: malformed in the model; never compiled unless an override replaces it. */
  | { kind: 'invalid'; raw: string };

export interface FocusRule {
  id: string;
  dataset: string;
  entityType: string;
  entity: string;
  function: string;
  keyword: Keyword;
  type: 'Static' | 'Dynamic';
  status: 'Active' | 'Deprecated' | 'Removed';
  applicability: string[];
  check: Expr | null;
  condition: Expr | null;
  checkText: string;
  conditionText: string;
  /** The spec sentence (MustSatisfy). */
  requirement: string;
  /** Why aicost evaluates this rule differently from the model text, when it does. */
  overridden?: string;
}

/** Rule ids a tree references with `@Id`. */
export function refsOf(e: Expr): string[] {
  if (e.kind === 'ref') return [e.id];
  if (e.kind === 'and' || e.kind === 'or') return e.items.flatMap(refsOf);
  return [];
}

/** Column names a tree reads (for presence checks and sample values). */
export function columnsOf(e: Expr): string[] {
  switch (e.kind) {
    case 'and':
    case 'or':
      return [...new Set(e.items.flatMap(columnsOf))];
    case 'cmp':
      return [...new Set([...operandColumns(e.left), ...operandColumns(e.right)])];
    case 'call':
      return e.args;
    case 'distinct':
      return [e.column, e.per];
    case 'json':
      return ['ColumnName', 'ColumnAName', 'ColumnBName']
        .map((k) => e.args[k])
        .filter((v): v is string => typeof v === 'string');
    default:
      return [];
  }
}

function operandColumns(o: Operand): string[] {
  if (o.kind === 'column') return [o.name];
  if (o.kind === 'product') return [o.left, o.right];
  return [];
}

/** The check-function name of a leaf tree, in the model's vocabulary, for reports. */
export function checkFunctionOf(e: Expr | null): string {
  if (!e) return '';
  switch (e.kind) {
    case 'ref':
      return 'CheckModelRule';
    case 'and':
    case 'or': {
      const names = [...new Set(e.items.map(checkFunctionOf))];
      return `${e.kind.toUpperCase()}(${names.join(', ')})`;
    }
    case 'call':
      return e.fn === 'present' ? 'ColumnPresent' : e.fn;
    case 'json':
      return e.fn;
    case 'distinct':
      return 'CheckDistinctCount';
    case 'invalid':
      return 'INVALID';
    case 'cmp':
      return cmpFunction(e);
  }
}

function cmpFunction(e: Extract<Expr, { kind: 'cmp' }>): string {
  if (e.left.kind === 'product') return 'ColumnByColumnEqualsColumnValue';
  if (e.right.kind === 'column') return e.op === '==' ? 'CheckSameValue' : 'CheckNotSameValue';
  if (e.op === '>=') return 'CheckGreaterOrEqualThanValue';
  return e.op === '==' ? 'CheckValue' : e.op === '!=' ? 'CheckNotValue' : 'Compare';
}
