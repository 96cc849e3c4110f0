// FOCUS Requirements Model rules as data: loads focus-schemas/<version>/rules.csv, parses the rendered check and
// condition trees into a small AST, and applies the errata / known model defects of focus-notes.md §7 as explicit
// overrides that keep the rule id and say why (validate-overrides.ts).
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { type FocusVersion, focusSchemaPath } from './schema.js';
import { applyOverrides } from './validate-overrides.js';

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

export interface RuleSet {
  version: FocusVersion;
  rules: Map<string, FocusRule>;
  /** Rules no other rule references: the dataset root(s) and the attribute roots, in file order. */
  roots: string[];
}

/** Deprecated in 1.3 but still Mandatory (focus-notes §6): their rules stay enforced. */
const DEPRECATED_MANDATORY = new Set(['ProviderName', 'PublisherName']);

/** How a rule's violations count: `must` fails, `should` warns, `null` is not checked (MAY, Removed, Deprecated). */
export function ruleLevel(rule: FocusRule): 'must' | 'should' | null {
  if (rule.status === 'Removed') return null;
  if (rule.status === 'Deprecated' && !DEPRECATED_MANDATORY.has(rule.entity)) return null;
  if (rule.keyword === 'MUST' || rule.keyword === 'MUST NOT') return 'must';
  if (rule.keyword === 'MAY') return null;
  return 'should';
}

/** The data column a rule is about: Object entities name their JSON column with an `Object` suffix. */
export function ruleColumn(rule: FocusRule): string {
  return rule.entityType === 'Object' ? rule.entity.replace(/Object$/, '') : rule.entity;
}

const cache = new Map<FocusVersion, RuleSet>();

/** Loads, parses and overrides the Requirements Model rules of a FOCUS version (cached). */
export function loadRules(version: FocusVersion): RuleSet {
  const hit = cache.get(version);
  if (hit) return hit;
  const text = readFileSync(focusSchemaPath(version, 'rules.csv'), 'utf8');
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  const rules = new Map<string, FocusRule>();
  for (const row of parsed.data) {
    const rule = toRule(row);
    rules.set(rule.id, applyOverrides(version, rule, parseExpr));
  }
  const set: RuleSet = { version, rules, roots: findRoots(rules) };
  cache.set(version, set);
  return set;
}

function toRule(row: Record<string, string>): FocusRule {
  const id = row.rule_id ?? '';
  const checkText = row.check ?? '';
  const conditionText = row.condition ?? '';
  return {
    id,
    dataset: row.dataset ?? '',
    entityType: row.entity_type ?? '',
    entity: row.entity ?? '',
    function: row.function ?? '',
    keyword: (row.keyword ?? 'MUST') as Keyword,
    type: row.type === 'Dynamic' ? 'Dynamic' : 'Static',
    status: (row.status ?? 'Active') as FocusRule['status'],
    applicability: (row.applicability ?? '').split(/\s+/).filter(Boolean),
    check: checkText ? parseRuleExpr(checkText, id) : null,
    condition: conditionText ? parseRuleExpr(conditionText, id) : null,
    checkText,
    conditionText,
    requirement: row.must_satisfy ?? '',
  };
}

function parseRuleExpr(text: string, id: string): Expr {
  try {
    return parseExpr(text);
  } catch (err) {
    // A tree we cannot read is reported like the model's own INVALID nodes: skipped with the reason.
    return { kind: 'invalid', raw: `${id}: ${(err as Error).message}: ${text}` };
  }
}

function findRoots(rules: Map<string, FocusRule>): string[] {
  const referenced = new Set<string>();
  for (const rule of rules.values()) {
    if (rule.status === 'Removed') continue;
    for (const e of [rule.check, rule.condition]) if (e) for (const id of refsOf(e)) referenced.add(id);
  }
  return [...rules.values()].filter((r) => r.status !== 'Removed' && !referenced.has(r.id)).map((r) => r.id);
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

// ---- parser for the rendered check-function syntax ------------------------------------------------------------

type Token =
  | { t: 'id'; v: string }
  | { t: 'ref'; v: string }
  | { t: 'str'; v: string }
  | { t: 'num'; v: string }
  | { t: 'op'; v: string }
  | { t: 'punct'; v: '(' | ')' | ',' | '*' }
  | { t: 'json'; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '@') {
      const m = /^@([A-Za-z0-9_-]+)/.exec(src.slice(i));
      if (!m) throw new Error(`bad reference at ${i}`);
      out.push({ t: 'ref', v: m[1] as string });
      i += m[0].length;
    } else if (ch === '"') {
      const end = findStringEnd(src, i);
      out.push({ t: 'str', v: JSON.parse(src.slice(i, end + 1)) as string });
      i = end + 1;
    } else if (ch === '{') {
      const end = findBraceEnd(src, i);
      out.push({ t: 'json', v: src.slice(i, end + 1) });
      i = end + 1;
    } else if (/[0-9-]/.test(ch)) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i));
      if (!m) throw new Error(`bad number at ${i}`);
      out.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else if (/[=!<>]/.test(ch)) {
      const m = /^(==|!=|>=|<=|>|<)/.exec(src.slice(i));
      if (!m) throw new Error(`bad operator at ${i}`);
      out.push({ t: 'op', v: m[0] });
      i += m[0].length;
    } else if (ch === '(' || ch === ')' || ch === ',' || ch === '*') {
      out.push({ t: 'punct', v: ch });
      i++;
    } else {
      throw new Error(`unexpected '${ch}' at ${i}`);
    }
  }
  return out;
}

function findStringEnd(src: string, start: number): number {
  for (let i = start + 1; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === '"') return i;
  }
  throw new Error('unterminated string');
}

function findBraceEnd(src: string, start: number): number {
  let depth = 0;
  for (let i = start; i < src.length; i++) {
    const ch = src[i];
    if (ch === '"') i = findStringEnd(src, i);
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  throw new Error('unterminated JSON arguments');
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): Expr {
    const e = this.expr();
    if (this.pos < this.tokens.length) throw new Error(`trailing input after token ${this.pos}`);
    return e;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw new Error('unexpected end of expression');
    return t;
  }

  private expect(t: Token['t'], v?: string): Token {
    const tok = this.next();
    if (tok.t !== t || (v !== undefined && tok.v !== v))
      throw new Error(`expected ${v ?? t}, got '${tok.v}'`);
    return tok;
  }

  private isPunct(v: string): boolean {
    const t = this.peek();
    return t?.t === 'punct' && t.v === v;
  }

  expr(): Expr {
    const tok = this.next();
    if (tok.t === 'ref') return { kind: 'ref', id: tok.v };
    if (tok.t !== 'id') return this.comparison(this.literal(tok));
    const nextTok = this.peek();
    if (nextTok?.t === 'json') {
      this.pos++;
      const args = JSON.parse(nextTok.v) as Record<string, unknown>;
      return tok.v === 'INVALID' ? { kind: 'invalid', raw: nextTok.v } : { kind: 'json', fn: tok.v, args };
    }
    if (this.isPunct('(')) {
      this.pos++;
      if (tok.v === 'AND' || tok.v === 'OR') return this.logical(tok.v === 'AND' ? 'and' : 'or');
      if (tok.v === 'distinct_count') return this.distinct();
      const args: string[] = [];
      while (!this.isPunct(')')) {
        args.push(this.expect('id').v);
        if (this.isPunct(',')) this.pos++;
      }
      this.pos++;
      return { kind: 'call', fn: tok.v, args };
    }
    if (this.isPunct('*')) {
      this.pos++;
      const right = this.expect('id').v;
      return this.comparison({ kind: 'product', left: tok.v, right });
    }
    return this.comparison(tok.v === 'null' ? { kind: 'null' } : { kind: 'column', name: tok.v });
  }

  private logical(kind: 'and' | 'or'): Expr {
    const items: Expr[] = [];
    while (!this.isPunct(')')) {
      items.push(this.expr());
      if (this.isPunct(',')) this.pos++;
      else if (!this.isPunct(')')) throw new Error(`expected ',' or ')' in ${kind.toUpperCase()}`);
    }
    this.pos++;
    return { kind, items };
  }

  private distinct(): Expr {
    const column = this.expect('id').v;
    this.expect('id', 'per');
    const per = this.expect('id').v;
    this.expect('punct', ')');
    this.expect('op', '==');
    const count = Number(this.expect('num').v);
    return { kind: 'distinct', column, per, count };
  }

  private comparison(left: Operand): Expr {
    const op = this.expect('op').v as CmpOp;
    const right = this.operand();
    return { kind: 'cmp', op, left, right };
  }

  private operand(): Operand {
    const tok = this.next();
    if (tok.t === 'id') return tok.v === 'null' ? { kind: 'null' } : { kind: 'column', name: tok.v };
    return this.literal(tok);
  }

  private literal(tok: Token): Operand {
    if (tok.t === 'str') return { kind: 'string', value: tok.v };
    if (tok.t === 'num') return { kind: 'number', value: tok.v };
    throw new Error(`unexpected '${tok.v}'`);
  }
}

/** Parses one rendered check or condition (`AND(@Id, X != null)`, `FormatJSON{...}`, `A * B == C`). Throws on bad input. */
export function parseExpr(text: string): Expr {
  return new Parser(tokenize(text)).parseAll();
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
